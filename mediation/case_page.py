"""The case page's read: the case and what its page shows, as plain read-only records."""

from types import FunctionType

from sqlalchemy import bindparam, exists, inspect, or_, select
from sqlalchemy.orm import aliased

from mediation.documents import render
from mediation.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseMediator,
    CaseNote,
    CaseParty,
    Committee,
    CommitteeMember,
    Evidence,
    InvestigationRecord,
    MediationSession,
    ReturnVisit,
)
from portal.accounts.models import User
from portal.core.db import db
from portal.core.links import RecordLink
from portal.core.models import LegalCategory, StoredFile

# The page only displays the case and asks the permission rules about it: loading it as ORM
# objects (the case, its committee, roster and category joined to it, then each list) cost
# the page about 0.8 ms of every view, three times the reads themselves. Its records are read
# here as rows instead, each made an object of a plain class that has its model's columns as
# attributes and its model's own properties and methods (status_label, is_overdue, a
# committee's director...), so the template, the permission rules and the documents' list
# read them exactly as they read the models. They are not in the session: nothing is loaded
# behind them, and a relation the page does not read is not there (an AttributeError, never a
# silent query). Pages that change the case load it through the ORM as before.


def _display_class(model):
    """A plain class for `model`'s records as the page reads them: the model's properties,
    methods, __str__ and __tablename__ (from the model and its mixins, not SQLAlchemy's)."""
    attributes = {}
    for klass in reversed(model.__mro__):
        if not klass.__module__.startswith(("mediation.", "portal.")) or klass is db.Model:
            continue
        for name, value in vars(klass).items():
            if name in ("__str__", "__tablename__") or (
                not name.startswith("_") and isinstance(value, (property, FunctionType))
            ):
                attributes[name] = value
    return type(f"{model.__name__}Record", (), attributes)


def _columns(model, table=None, *, only=None):
    """(attribute keys, columns) of the model's mapped columns, from `table` (an alias) when
    given; `only`: these keys."""
    keys, columns = [], []
    source = table if table is not None else model.__table__
    for attr in inspect(model).column_attrs:
        if only is not None and attr.key not in only:
            continue
        keys.append(attr.key)
        columns.append(source.c[attr.columns[0].name])
    return tuple(keys), columns


class _Part:
    """One record in each row of a statement: its class, keys and where its columns are."""

    __slots__ = ("cls", "keys", "start", "end", "id_at")

    def __init__(self, cls, keys, start):
        self.cls, self.keys, self.start, self.end = cls, keys, start, start + len(keys)
        self.id_at = keys.index("id")

    def make(self, row):
        values = row[self.start : self.end]
        if values[self.id_at] is None:  # an outer join's missing record
            return None
        record = object.__new__(self.cls)
        record.__dict__.update(zip(self.keys, values, strict=True))
        return record


def _reader(model, order_by, joins=None):
    """A list's read: its model's rows of the case, each with the records `joins` names
    ({attribute: (model, fk column, only keys)}) joined to it, in the relationship's order."""
    keys, columns = _columns(model)
    parts = [_Part(_display_class(model), keys, 0)]
    relations = []
    statement_joins = []
    for attribute, (related, fk_column, only, nested) in (joins or {}).items():
        alias = aliased(related.__table__)
        related_keys, related_columns = _columns(related, alias, only=only)
        parts.append(_Part(_display_class(related), related_keys, len(columns)))
        columns += related_columns
        statement_joins.append((alias, alias.c.id == fk_column))
        nested_part = None
        if nested is not None:  # (attribute, model, fk key, only): the related's own relation
            n_attribute, n_model, n_fk, n_only = nested
            n_alias = aliased(n_model.__table__)
            n_keys, n_columns = _columns(n_model, n_alias, only=n_only)
            nested_part = (n_attribute, _Part(_display_class(n_model), n_keys, len(columns)))
            columns += n_columns
            statement_joins.append((n_alias, n_alias.c.id == alias.c[n_fk]))
        relations.append((attribute, len(parts) - 1, nested_part))
    statement = select(*columns).select_from(model.__table__)
    for alias, on in statement_joins:
        statement = statement.outerjoin(alias, on)
    statement = statement.where(model.__table__.c.case_id == bindparam("case_id")).order_by(
        *order_by
    )

    def read(connection, case_id):
        records = []
        for row in connection.execute(statement, {"case_id": case_id}):
            record = parts[0].make(row)
            for attribute, index, nested_part in relations:
                related = parts[index].make(row)
                if related is not None and nested_part is not None:
                    setattr(related, nested_part[0], nested_part[1].make(row))
                setattr(record, attribute, related)
            records.append(record)
        return records

    return read


def _order(name):
    return inspect(Case).relationships[name].order_by or ()


_USER_NAME = ("id", "name")

# The case's lists the page shows (and its agreement), each with what the page and the
# documents' list print of its rows: an entry's author, a file's name, a mediator's roster
# entry and name.
_LISTS = {
    "events": _reader(
        CaseEvent, _order("events"), {"by": (User, CaseEvent.__table__.c.by_id, _USER_NAME, None)}
    ),
    "agreement": _reader(Agreement, _order("agreement")),
    "notes": _reader(
        CaseNote,
        _order("notes"),
        {"author": (User, CaseNote.__table__.c.author_id, _USER_NAME, None)},
    ),
    "sessions": _reader(
        MediationSession,
        _order("sessions"),
        {"recorded_by": (User, MediationSession.__table__.c.recorded_by_id, _USER_NAME, None)},
    ),
    "investigations": _reader(
        InvestigationRecord,
        _order("investigations"),
        {"recorded_by": (User, InvestigationRecord.__table__.c.recorded_by_id, _USER_NAME, None)},
    ),
    "evidence": _reader(
        Evidence,
        _order("evidence"),
        {"file": (StoredFile, Evidence.__table__.c.file_id, ("id", "original_name"), None)},
    ),
    "return_visits": _reader(
        ReturnVisit,
        _order("return_visits"),
        {"visited_by": (User, ReturnVisit.__table__.c.visited_by_id, _USER_NAME, None)},
    ),
    "parties": _reader(CaseParty, _order("parties")),
    "mediators": _reader(
        CaseMediator,
        _order("mediators"),
        {
            "member": (
                CommitteeMember,
                CaseMediator.__table__.c.member_id,
                None,
                ("user", User, "user_id", _USER_NAME),
            )
        },
    ),
}
_LIST_TABLES = {
    "events": CaseEvent,
    "agreement": Agreement,
    "notes": CaseNote,
    "sessions": MediationSession,
    "investigations": InvestigationRecord,
    "evidence": Evidence,
    "return_visits": ReturnVisit,
    "parties": CaseParty,
    "mediators": CaseMediator,
}


def _case_statement():
    """The case with its committee, the committee's roster (each member with their name; a
    committee has a handful) and its category; whether each list has rows, whether the case
    has links, and the state of the documents' templates."""
    cases = Case.__table__
    committees = Committee.__table__
    members = aliased(CommitteeMember.__table__)
    member_users = aliased(User.__table__)
    categories = LegalCategory.__table__
    case_keys, case_columns = _columns(Case)
    committee_keys, committee_columns = _columns(Committee, committees)
    member_keys, member_columns = _columns(CommitteeMember, members)
    user_keys, user_columns = _columns(User, member_users, only=_USER_NAME)
    category_keys, category_columns = _columns(LegalCategory, categories)
    columns = [*case_columns, *committee_columns, *member_columns, *user_columns]
    columns += category_columns
    parts = {}
    start = 0
    for name, model, keys in (
        ("case", Case, case_keys),
        ("committee", Committee, committee_keys),
        ("member", CommitteeMember, member_keys),
        ("user", User, user_keys),
        ("category", LegalCategory, category_keys),
    ):
        parts[name] = _Part(_display_class(model), keys, start)
        start += len(keys)
    has_rows = [
        exists().where(model.__table__.c.case_id == cases.c.id).label(name)
        for name, model in _LIST_TABLES.items()
    ]
    links = RecordLink.__table__
    has_links = or_(
        exists().where(links.c.source_type == cases.name, links.c.source_id == cases.c.id),
        exists().where(links.c.target_type == cases.name, links.c.target_id == cases.c.id),
    ).label("has_links")
    statement = (
        select(*columns, *has_rows, has_links, *render.TEMPLATES_STAMP)
        .select_from(cases)
        .join(committees, committees.c.id == cases.c.committee_id)
        .outerjoin(members, members.c.committee_id == committees.c.id)
        .outerjoin(member_users, member_users.c.id == members.c.user_id)
        .outerjoin(categories, categories.c.id == cases.c.category_id)
        .where(cases.c.id == bindparam("case_id"))
        .order_by(*(members.c[c.name] for c in _order_of(Committee, "members")))
    )
    return statement, parts


def _order_of(model, name):
    return inspect(model).relationships[name].order_by or ()


_CASE, _PARTS = _case_statement()


def read_case_page(case_id):
    """(the case as the page shows it, whether it has links), or None where there is no
    such case."""
    if not -(2**31) <= case_id < 2**31:  # no database integer holds it: no such case
        return None
    # Through the session's connection (its transaction), without the session's ORM handling of
    # a statement's results, which these plain columns do not need.
    connection = db.session.connection()
    rows = connection.execute(_CASE, {"case_id": case_id}).all()
    if not rows:
        return None
    first = rows[0]
    case = _PARTS["case"].make(first)
    committee = case.committee = _PARTS["committee"].make(first)
    committee.members = []
    for row in rows:
        member = _PARTS["member"].make(row)
        if member is not None:
            member.user = _PARTS["user"].make(row)
            committee.members.append(member)
    case.category = _PARTS["category"].make(first)
    has_rows = first._mapping
    # The documents' list checks the case against the active templates: it knows they stand
    # as the process saw them last without reading them again.
    render.templates_read(has_rows)
    for name, read in _LISTS.items():
        records = read(connection, case_id) if has_rows[name] else []
        if name == "agreement":
            case.agreement = records[0] if records else None
        else:
            setattr(case, name, records)
    return case, has_rows["has_links"]
