"""The few places where packages plug into the house, all set up explicitly in create_app.

- nav: (endpoint, label, visible(user) -> bool, order, group) items in the top navigation
- home_sections: provider(user) -> dict|None, a card on the user's home page
- demo_loaders: (order, name, load(app) -> str) run by `flask demo load`, each idempotent
- stats: name -> function(start, end) -> dict, read by the dashboard
- health_checks: name -> function() -> str, added to /healthz
"""


def _registry(app, key, factory=list):
    return app.extensions.setdefault(key, factory())


def add_nav(app, endpoint, label, visible, order=50, group=None):
    """group: one of portal.core.nav.GROUPS; by default chosen from the endpoint's blueprint."""
    from portal.core.nav import group_of

    items = _registry(app, "portal.nav")
    items.append((order, endpoint, label, visible, group_of(endpoint, group)))
    items.sort(key=lambda item: item[0])


def add_home_section(app, provider, order=50):
    """provider(user) -> dict | None: a card on the logged-in user's home page.

    The dict: title (str), and any of: count (a figure shown large), items (list of
    (label, url)), empty (text when there are no items), link ((label, url) button below),
    reference (True: background information, never counted as work waiting for the user).
    Return None when the card does not concern this user. Cards appear by `order`.
    """
    sections = _registry(app, "portal.home_sections")
    sections.append((order, provider))
    sections.sort(key=lambda item: item[0])


def add_demo_loader(app, order, name, load):
    loaders = _registry(app, "portal.demo_loaders")
    loaders.append((order, name, load))
    loaders.sort(key=lambda item: item[0])


def add_stats(app, name, function):
    """function(start, end) -> dict of figures for the staff statistics page and its export.

    start, end: naive UTC datetimes bounding the chosen local (Beijing) days, end
    exclusive, so `created_dt >= start AND created_dt < end` selects the period. The dict maps
    a translated label to a number (or text); a value may itself be such a dict (shown as
    "label · sub-label" rows). `name` (a lazy string) titles the table.

    A function that also takes `chamber_id=None` narrows its figures to one chamber when the
    statistics page is asked for one (the others give the federation's figures, marked so).
    """
    from portal.core.stats import StatisticsError, is_raw_key

    if is_raw_key(str(name)):
        from portal.dashboard.labels import SECTION_TITLES

        if name not in SECTION_TITLES:
            raise StatisticsError(f"add_stats needs a translated title, not {name!r}")
        # Kept under its code (packages' tests look it up so); the dashboard shows the title.
    _registry(app, "portal.stats", dict)[name] = function


def add_health_check(app, name, function):
    _registry(app, "portal.health_checks", dict)[name] = function


def add_record_type(app, table_name, describe):
    """describe(id) -> (label, url) for links shown on other packages' records."""
    _registry(app, "portal.record_types", dict)[table_name] = describe


def enterprise_id_of(source):
    """The firm an escalation source concerns, as its id (None for none): the column when the
    source has one, so that asking whether a target is available loads no firm."""
    enterprise_id = getattr(source, "enterprise_id", None)
    if enterprise_id is None:
        enterprise = getattr(source, "enterprise", None)
        enterprise_id = enterprise.id if enterprise is not None else None
    return enterprise_id


def add_escalation_target(app, code, label, available, escalate):
    """Where a question (or check-up finding) can be escalated to.

    available(user, source) -> bool; escalate(source, by, **data) -> target record (flushes,
    writes its own audit entry; the caller links and commits).
    """
    _registry(app, "portal.escalation_targets", dict)[code] = {
        "label": label,
        "available": available,
        "escalate": escalate,
    }


def add_search_source(
    app,
    kind,
    load_document,
    iter_ids,
    allowed_ids=None,
    dense=None,
    dense_prefetch=None,
    query_text=None,
    load_documents=None,
):
    """A kind of document the search engine indexes.

    load_document(id) -> dict | None (None: remove from the index). The dict has: kind, id,
    title, body, url, date (datetime|None), category (code|""), industry (letter|""),
    access (list of principals, e.g. ["public"] or ["staff", "user:5", "enterprise:3",
    "committee:2"]) and optional extra fields (e.g. law, number, start_seconds).
    iter_ids() -> iterable of every id of that kind (for rebuild).
    allowed_ids(user, ids) -> set of the ids whose page the user may open, checked with the
    page's own permission function in one query for all ids (search drops every other hit).
    dense(question, limit, also=ids) -> ([(id, similarity)] best first, {id: similarity} of
    the ids in also), or None when off: a second, embedding-based retriever fused with the
    words' ranking for plain questions searched in this kind alone (knowledge.search.dense); dense_prefetch(question) starts its slow part
    (embedding the question) in the background while the words' search runs, and returns
    whether dense(...) will answer (the words are then re-ranked with the fusion's weights).
    query_text(id) -> str | None: the text the record's page searches with on every view (a
    question's words, for the articles that may apply), None when it has none; with dense
    retrieval on, the indexer embeds it when the record's outbox row is processed and stores
    the vector (knowledge.search.query_vectors), so page views do not embed it again.
    load_documents(ids) -> {id: document} of those that exist (optional): load_document for
    many ids in one go; a search loads the dense retriever's candidates that the index did not
    return with it, while the page waits (without it, one load_document each).
    """
    _registry(app, "portal.search_sources", dict)[kind] = {
        "load": load_document,
        "ids": iter_ids,
        "allowed": allowed_ids,
        "dense": dense,
        "dense_prefetch": dense_prefetch,
        "query_text": query_text,
        "load_many": load_documents,
    }


def add_visibility_listener(app, listener):
    """listener(event, **data): re-queue the search documents whose readers may have changed.

    Events: "account" (user=: verified, rejected, deactivated, joined a firm) and
    "conflict" (lawyer_id=, enterprise_id=: a lawyer declared or removed a conflict).
    """
    _registry(app, "portal.visibility_listeners").append(listener)


def visibility_changed(event: str, **data):
    """Tell every package that who may see some records has changed (called by operations)."""
    from flask import current_app

    for listener in current_app.extensions.get("portal.visibility_listeners", []):
        listener(event, **data)


def add_principal_provider(app, provider):
    """provider(user) -> set of principals the user holds (beyond public/user:/staff/enterprise:)."""
    _registry(app, "portal.principal_providers").append(provider)


def set_direct_question_handler(app, handler):
    """handler(asker, lawyers, title, body) -> question record: a question that goes straight to
    the given lawyers (a firm asking its own 5+1 counsel) through the ask-a-lawyer workflow."""
    app.extensions["portal.direct_question"] = handler


def add_public_section(app, provider, order=50):
    """provider() -> dict | None: a list on the anonymous front page (public records only).

    The dict: title, items [(label, url, note)], empty (text), link ((label, url)).
    """
    sections = _registry(app, "portal.public_sections")
    sections.append((order, provider))
    sections.sort(key=lambda item: item[0])


def add_public_figure(app, label, count, order=50):
    """count(start, end) -> int: one of this year's figures on the front page (label: lazy)."""
    figures = _registry(app, "portal.public_figures")
    figures.append((order, label, count))
    figures.sort(key=lambda item: item[0])
