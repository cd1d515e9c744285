"""Fuzz every form and query parameter of every route, as every role: never a 5xx, and a refused
request stores nothing (issue 12 §2).

The targets are found, not listed: each role's client opens every GET route of `app.url_map`
(path arguments filled with the ids of a small world: a question, a case, a counsel group, a
check-up, a referral, a lecture ...), and every <form> and every link with a query string on those
pages becomes a target (method, URL, fields with their kinds, options and defaults). Every role
then sends every target, with values drawn by hypothesis: mostly the page's own values, mixed with
control characters, numbers past the database's range, dates at the calendar's edges, empty and
unknown choices, long text; and, for every role shown the form, each class of bad input in every
field at once. A refused request (4xx, or a form shown again with errors) must leave every table
as it was, and no stored text may ever hold a control character.

FUZZ_EXAMPLES (default 3) sets the examples per role and target; FUZZ_RANDOM=1 draws new ones each
run instead of the same reproducible ones.
"""

import hashlib
import os
import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, note, settings
from hypothesis import strategies as st
from sqlalchemy import event, select
from werkzeug.routing import IntegerConverter

from portal.appeals import operations as appeal_ops
from portal.core.db import db
from portal.core.forms import has_control_characters
from portal.core.models import CalendarDay
from portal.counsel import operations as counsel_ops

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
RANDOM = os.environ.get("FUZZ_RANDOM") == "1"

# Stored on purpose by a refused request: failed log-ins are counted to throttle them.
TABLES_A_REFUSAL_MAY_CHANGE = {"login_attempts"}
# Endpoints the fuzzer must not drive: they end the roles' sessions or lock their accounts.
SKIPPED_ENDPOINTS = {"accounts.logout", "accounts.staff_deactivate", "accounts.password"}

FILE_SUFFIX = re.compile(r"\.(xlsx|docx|zip|ics|vtt)$")
NASTY_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x1f",
    "\x0b\x0c",
    "\ufffe",
    "9999-12",
    "0001-01-01",
    "9999-12-31",
    "2147483648",
    "99999999999999999999999",
    "-1",
    "1e309",
    "nan",
    "<script>alert(1)</script>",
    "'\"\\",
    "x" * 5000,
    "〇一二三",
]
NASTY_NUMBER = ["", "0", "-1", "2147483647", "2147483648", "-2147483649", "9" * 30, "1.5", "x"]
NASTY_NUMBER += ["nan", "-inf", "1e309", "1000000000000", "999999999999.99"]
NASTY_DATE = ["", "0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01", "2026-02-30", "x"]
NASTY_MONTH = ["", "0001-01", "9999-12", "2026-13", "x"]
NASTY_TIME = ["", "25:00", "09:60", "x", "00:00"]


# --- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(
    app,
    dummy_staff,
    dummy_committee,
    dummy_director,
    dummy_mediator,
    dummy_applicant,
    matching_lawyer,
    create_question,
    create_case,
    create_enterprise,
    create_counsel_group,
    create_counsel_service,
    create_checkup,
    dummy_lecture,
    dummy_series,
):
    firm_user = dummy_applicant
    firm_user.enterprise.chambers = [dummy_committee.chamber]
    question = create_question(asker=firm_user)
    case = create_case(dummy_committee, applicant_user=firm_user)
    group = create_counsel_group(
        enterprises=[firm_user.enterprise, create_enterprise()], counsel=[matching_lawyer]
    )
    service = create_counsel_service(group, enterprise=firm_user.enterprise, lawyer=matching_lawyer)
    with app.test_request_context():
        counsel_request = counsel_ops.create_request(
            firm_user.enterprise, title="合同审查", body="请审查采购合同。", by=firm_user
        )
        referral = appeal_ops.create_referral(
            enterprise=firm_user.enterprise, summary="厂房审批迟迟未办", by=dummy_staff
        )
    firm_user.enterprise.address = "沈阳市和平区青年大街1号"
    checkup = create_checkup(enterprise=firm_user.enterprise, lawyers=[matching_lawyer])
    db.session.flush()
    ids = {
        "question_id": question.id,
        "case_id": case.id,
        "committee_id": dummy_committee.id,
        "group_id": group.id,
        "service_id": service.id,
        "request_id": counsel_request.id,
        "referral_id": referral.id,
        "checkup_id": checkup.id,
        "lecture_id": dummy_lecture.id,
        "series_id": dummy_series.id,
        "user_id": firm_user.id,
        "enterprise_id": firm_user.enterprise_id,
        "member_id": dummy_mediator.id,
        "mediator_id": dummy_mediator.id,
    }
    users = {
        "anonymous": None,
        "enterprise": firm_user,
        "lawyer": matching_lawyer,
        "mediator": dummy_mediator.user,
        "staff": dummy_staff,
    }
    return ids, users


# --- reading pages -----------------------------------------------------------------------------


class FormReader(HTMLParser):
    """Every <form> (action, method, fields) and every link with a query string on a page."""

    def __init__(self):
        super().__init__()
        self.forms, self.links = [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and "?" in (a.get("href") or ""):
            self.links.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").upper()
            self._form = {"method": method, "action": a.get("action"), "fields": {}}
            self.forms.append(self._form)
        elif tag == "option" and self._select and self._form is not None:
            kind, options, default = self._form["fields"][self._select]
            value = a.get("value", "")
            if "selected" in a and kind == "select":
                default = value
            self._form["fields"][self._select] = (kind, [*options, value], default or value)
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                self._form["fields"].setdefault(a["name"], ("button", [a.get("value", "1")], ""))
            elif kind != "file":
                options = [a.get("value", "y")] if kind in ("checkbox", "radio") else []
                old = self._form["fields"].get(a["name"])
                if old and kind == "radio":
                    options = old[1] + options
                self._form["fields"][a["name"]] = (kind, options, a.get("value", ""))
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ("textarea", [], "")
        elif tag == "select":
            self._select = a["name"]
            kind = "multiple" if "multiple" in a else "select"
            self._form["fields"][a["name"]] = (kind, [], "")

    def handle_data(self, data):
        if self._textarea and self._form is not None:
            kind, options, default = self._form["fields"][self._textarea]
            self._form["fields"][self._textarea] = (kind, options, default + data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def _path_for(rule, ids):
    values = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        values[name] = ids.get(name, 1) if isinstance(converter, IntegerConverter) else "x"
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:
        return None


def _get_rules(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.endpoint.endswith("static")
        and rule.endpoint not in SKIPPED_ENDPOINTS
    ]


def discover_targets(app, clients, ids):
    """{(method, path): fields} from every form and query link every role is shown, and
    {(method, path): roles} who were shown it."""
    targets, seen_by = {}, {}
    adapter = app.url_map.bind("localhost")
    for role, client in clients.items():
        for rule in _get_rules(app):
            path = _path_for(rule, ids)
            if path is None:
                continue
            targets.setdefault(("GET", path), {})
            seen_by.setdefault(("GET", path), set()).add(role)
            if FILE_SUFFIX.search(path):
                continue  # an export: no forms to read, and slow to build
            response = client.get(path)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            reader = FormReader()
            reader.feed(response.get_data(as_text=True))
            for form in reader.forms:
                action = urlsplit(form["action"] or path)
                action_path = action.path or path
                try:
                    endpoint, _args = adapter.match(action_path, method=form["method"])
                except Exception:
                    continue
                if endpoint in SKIPPED_ENDPOINTS:
                    continue
                fields = targets.setdefault((form["method"], action_path), {})
                seen_by.setdefault((form["method"], action_path), set()).add(role)
                for name, (kind, options, default) in form["fields"].items():
                    if name == "csrf_token":
                        continue
                    _kind, old_options, _default = fields.get(name, (kind, [], default))
                    merged = list(dict.fromkeys([*old_options, *options]))
                    fields[name] = (kind, merged, default)
                for name, value in parse_qsl(action.query, keep_blank_values=True):
                    fields.setdefault(name, ("text", [], value))
            for href in reader.links:
                link = urlsplit(href)
                if link.netloc or not link.path.startswith("/"):
                    continue
                fields = targets.setdefault(("GET", link.path), {})
                seen_by.setdefault(("GET", link.path), set()).add(role)
                for name, value in parse_qsl(link.query, keep_blank_values=True):
                    kind, options, default = fields.get(name, ("text", [], value))
                    fields[name] = (kind, list(dict.fromkeys([*options, value])), default)
    return targets, seen_by


# --- values ------------------------------------------------------------------------------------


def value_strategy(kind, options, default):
    own = list(dict.fromkeys(v for v in [default, *options] if v is not None))
    page = st.sampled_from(own) if own else st.just("")
    if kind in ("select", "radio", "checkbox", "button"):
        return st.one_of(page, page, st.sampled_from(["", "0", "x", "9" * 30, "\x00"]))
    if kind == "multiple":
        choices = st.lists(st.sampled_from(options), max_size=3) if options else st.just([])
        return st.one_of(choices, st.just([""]), st.just(["x"]), st.just(["9" * 30]))
    if kind == "number":
        nasty = NASTY_NUMBER
    elif kind == "date":
        nasty = NASTY_DATE
    elif kind == "month":
        nasty = NASTY_MONTH
    elif kind in ("time", "datetime-local"):
        nasty = NASTY_TIME + ["0001-01-01T00:00", "9999-12-31T23:59"]
    else:
        nasty = NASTY_TEXT
    return st.one_of(page, st.sampled_from(nasty), st.text(max_size=20))


OMIT = object()

# Each class of bad input in every field at once: sent to every target by every role shown it.
BAD_EVERYWHERE = [
    {"text": "a\x00b", "number": "9" * 30, "date": "9999-12-31", "month": "9999-12"},
    {"text": "\x1f", "number": "2147483648", "date": "0001-01-01", "month": "0001-01"},
]


def bad_everywhere(fields, variant):
    values = {}
    for name, (kind, options, default) in fields.items():
        if kind in ("select", "radio", "checkbox", "button"):
            values[name] = default or (options[0] if options else "")
        elif kind == "multiple":
            values[name] = [""] if variant == 0 else ["9" * 30]
        elif kind in ("number", "date", "month"):
            values[name] = BAD_EVERYWHERE[variant][kind]
        elif kind in ("time", "datetime-local"):
            values[name] = BAD_EVERYWHERE[variant]["date"] + ("T00:00" if "T" in default else "")
        elif name in ("submission_token",):
            values[name] = default
        else:
            values[name] = BAD_EVERYWHERE[variant]["text"]
    return values


def form_strategy(fields):
    """The page's own values first (the simplest example is the form as shown), then anything;
    a field may also be left out."""
    drawn = st.fixed_dictionaries(
        {
            name: st.one_of(value_strategy(kind, options, default), st.just(OMIT))
            for name, (kind, options, default) in fields.items()
        }
    )
    return drawn.map(lambda values: {k: v for k, v in values.items() if v is not OMIT})


# --- what is stored ----------------------------------------------------------------------------


def fingerprint() -> dict:
    """A digest of every table's rows (the test database holds a few dozen)."""
    digests = {}
    for table in db.metadata.sorted_tables:
        if table.name in TABLES_A_REFUSAL_MAY_CHANGE:
            continue
        rows = db.session.execute(select(table)).all()
        digests[table.name] = hashlib.sha1(
            repr(sorted(map(repr, rows))).encode(), usedforsecurity=False
        ).hexdigest()
    return digests


def stored_control_characters(table_names) -> list:
    """(table, value) for every stored text holding a control character (never allowed)."""
    found = []
    for table in db.metadata.sorted_tables:
        if table.name in table_names:
            for row in db.session.execute(select(table)):
                found += [(table.name, v) for v in row if has_control_characters(v)]
    return found


def refused(response, method) -> bool:
    if 400 <= response.status_code < 500:
        return True
    shown_again = method == "POST" and response.status_code == 200
    return shown_again and "invalid-feedback" in response.get_data(as_text=True)


def changed_tables(before, after) -> list:
    return sorted(name for name in before if before[name] != after[name])


class StoredState:
    """The tables' fingerprint, taken again only after a request that wrote something (an
    INSERT, UPDATE or DELETE reached the database), so most requests cost no extra queries."""

    WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

    def __init__(self):
        self.digest = fingerprint()
        self.wrote = False
        event.listen(db.engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, *_args):
        if self.WRITE.match(statement):
            self.wrote = True

    def before_request(self):
        self.wrote = False

    def changed_tables(self) -> list:
        """Tables changed by the last request (also when it wrote and then rolled back: none)."""
        if not self.wrote:
            return []
        now = fingerprint()
        changed, self.digest = changed_tables(self.digest, now), now
        return changed

    def close(self):
        event.remove(db.engine, "before_cursor_execute", self._seen)


# --- the test ----------------------------------------------------------------------------------


def test_no_input_on_any_route_as_any_role_answers_5xx_or_stores_a_refusal(
    app, client, login, world
):
    ids, users = world
    clients = {
        role: (login(user, app.test_client()) if user else app.test_client())
        for role, user in users.items()
    }
    targets, seen_by = discover_targets(app, clients, ids)
    assert len([t for t in targets if t[0] == "POST"]) >= 40, "too few forms found to fuzz"
    tried = {"requests": 0, "refused": 0}

    def sender(method, path, fields):
        bad_examples = [
            example(role=role, data=bad_everywhere(fields, variant))
            for role in sorted(seen_by.get((method, path), ()))
            for variant in range(len(BAD_EVERYWHERE))
            if fields
        ]

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=not RANDOM,
            suppress_health_check=list(HealthCheck),
        )
        @given(role=st.sampled_from(sorted(clients)), data=form_strategy(fields))
        def send(role, data):
            note(f"{role} {method} {path} {data!r}")  # shown when the request raises
            stored.before_request()
            if method == "GET":
                response = clients[role].get(path, query_string=data)
            else:
                response = clients[role].post(path, data=data)
            tried["requests"] += 1
            assert response.status_code < 500, (role, method, path, data)
            changed = stored.changed_tables()
            assert stored_control_characters(changed) == [], (role, method, path, data)
            if refused(response, method):
                tried["refused"] += 1
                assert changed == [], (role, method, path, data)

        for bad in bad_examples:
            send = bad(send)
        return send

    stored = StoredState()
    try:
        for (method, path), fields in sorted(targets.items()):
            sender(method, path, fields)()
    finally:
        stored.close()
    posts = sum(1 for method, _path in targets if method == "POST")
    print(
        f"\nfuzz: {len(targets)} targets ({posts} POST), {tried['requests']} requests, {tried['refused']} refused"
    )


PATH_TEXT = ["x", "accepted", "in_progress", "contract", "2026-10-09", "2026-13-45", "\x00", "."]


def path_strategy(rule, ids):
    values = {}
    for name in sorted(rule.arguments):
        if isinstance(rule._converters[name], IntegerConverter):
            values[name] = st.sampled_from([ids.get(name, 1), 0, 1, 2**31 - 1, 2**31, 10**25])
        else:
            values[name] = st.one_of(st.sampled_from(PATH_TEXT), st.text(min_size=1, max_size=12))
    return st.fixed_dictionaries(values)


def test_no_path_argument_on_any_route_as_any_role_answers_5xx_or_stores_a_refusal(
    app, login, world
):
    ids, users = world
    clients = {
        role: (login(user, app.test_client()) if user else app.test_client())
        for role, user in users.items()
    }
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.arguments
        and not rule.endpoint.endswith("static")
        and rule.endpoint not in SKIPPED_ENDPOINTS
    ]

    def sender(rule):
        method = "GET" if "GET" in rule.methods else "POST"

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=not RANDOM,
            suppress_health_check=list(HealthCheck),
        )
        @given(role=st.sampled_from(sorted(clients)), values=path_strategy(rule, ids))
        def send(role, values):
            path = rule.build(values, append_unknown=False)[1]
            note(f"{role} {method} {path}")
            stored.before_request()
            response = clients[role].open(path, method=method)
            assert response.status_code < 500, (role, method, path)
            changed = stored.changed_tables()
            if refused(response, method):
                assert changed == [], (role, method, path)

        return send

    stored = StoredState()
    try:
        for rule in sorted(rules, key=lambda r: r.rule):
            sender(rule)()
    finally:
        stored.close()


def test_the_form_reader_finds_fields_options_and_links():
    reader = FormReader()
    reader.feed(
        '<form method="post" action="/x"><input name="a" value="1"><select name="s">'
        '<option value="p">P</option><option value="q" selected>Q</option></select>'
        '<select name="m" multiple><option value="1">1</option></select>'
        '<textarea name="t">hi</textarea><input type="checkbox" name="c" value="y">'
        '<input type="file" name="f"><button type="submit">go</button></form>'
        '<a href="/list?page=2&amp;q=x">next</a>'
    )
    [form] = reader.forms
    assert form["method"] == "POST" and form["action"] == "/x"
    assert form["fields"]["a"] == ("text", [], "1")
    assert form["fields"]["s"][0:2] == ("select", ["p", "q"])
    assert form["fields"]["m"][0] == "multiple"
    assert form["fields"]["t"] == ("textarea", [], "hi")
    assert form["fields"]["c"] == ("checkbox", ["y"], "y")
    assert "f" not in form["fields"]
    assert reader.links == ["/list?page=2&q=x"]


def test_a_refused_request_that_stored_something_is_caught():
    """The check itself can fail: a change between two fingerprints is reported by table."""
    stored = StoredState()
    try:
        stored.before_request()
        assert stored.changed_tables() == []
        db.session.add(CalendarDay(day=date(2026, 10, 9), is_workday=True))
        db.session.flush()
        assert stored.changed_tables() == ["calendar_days"]
        stored.before_request()
        with db.session.begin_nested() as savepoint:
            db.session.add(CalendarDay(day=date(2026, 10, 10), is_workday=True))
            db.session.flush()
            savepoint.rollback()
        assert stored.wrote and stored.changed_tables() == []
    finally:
        stored.close()
