"""Defence in depth for search: a hit is shown only if its page would open for the user.

The index's access lists decide what a query may match; they are refreshed through the outbox
whenever who may see a record changes. Between a change and the indexer's next pass (or if a
re-queue was ever missed) the list can be stale, so every page of hits is checked once more
against each kind's own page permission (the source's `allowed_ids`, one query per kind).
"""

from knowledge.search import engine


def permitted_hits(hits, user):
    """The hits whose pages the user may open, in their order (kinds without a check stay)."""
    by_kind: dict[str, list] = {}
    for hit in hits:
        by_kind.setdefault(hit.kind, []).append(hit.id)
    allowed: dict[str, set] = {}
    sources = engine.search_sources()
    for kind, ids in by_kind.items():
        check = (sources.get(kind) or {}).get("allowed")
        if check is not None:
            allowed[kind] = {str(i) for i in check(user, ids)}
    return [hit for hit in hits if hit.kind not in allowed or str(hit.id) in allowed[hit.kind]]


def ids_passing(objects, rule, user) -> set:
    """Helper for sources: the ids of the loaded objects that pass the page's rule."""
    return {obj.id for obj in objects if rule(user, obj)}
