"""Links between records of different packages (a question escalated to a mediation case, a
check-up finding referred to the appeal register...), shown on both records."""

from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, bindparam, or_, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow


class RecordLink(db.Model):
    __tablename__ = "record_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_type: Mapped[str] = mapped_column(String(40))
    source_id: Mapped[int]
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int]
    relation: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        Index("ix_record_links_source", "source_type", "source_id"),
        Index("ix_record_links_target", "target_type", "target_id"),
    )


def record_type(obj) -> str:
    return obj.__tablename__


def link_records(source, target, relation: str, *, by=None) -> RecordLink:
    """`relation` names what happened, e.g. 'escalated_to_mediation', 'referred_to_appeal'."""
    db.session.flush()
    entry = RecordLink(
        source_type=record_type(source),
        source_id=source.id,
        target_type=record_type(target),
        target_id=target.id,
        relation=relation,
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(entry)
    return entry


# What a link means, read from the record it is shown on: (outgoing, incoming).
RELATION_LABELS = {
    "escalated_to": (_l("Escalated to"), _l("Escalated from")),
    "follow_up": (_l("Followed up as"), _l("Follow-up of record")),
    "asked_as_question": (_l("Asked as a question"), _l("Asked from a counsel request")),
    "follow_up_checkup": (_l("Follow-up check-up"), _l("Follow-up of the check-up")),
    "referred_to": (_l("Referred to"), _l("Referred from")),
}


def relation_label(relation: str, outgoing: bool) -> str:
    """'escalated_to_appeal' -> 升级为 (or 由…升级而来 on the other record); never the raw code."""
    labels = RELATION_LABELS.get(relation)
    if labels is None:
        prefix = next((p for p in RELATION_LABELS if relation.startswith(p + "_")), None)
        labels = RELATION_LABELS.get(prefix, (_l("Linked record"), _l("Linked record")))
    return str(labels[0] if outgoing else labels[1])


# The links of one record, as plain rows (what _described reads), in a statement built once:
# building it cost a record's page more than running it (most records have no links).
_LINKS_OF_ONE = (
    select(
        RecordLink.source_type,
        RecordLink.source_id,
        RecordLink.target_type,
        RecordLink.target_id,
        RecordLink.relation,
        RecordLink.created_dt,
    )
    .where(
        or_(
            (RecordLink.source_type == bindparam("kind"))
            & (RecordLink.source_id == bindparam("oid")),
            (RecordLink.target_type == bindparam("kind"))
            & (RecordLink.target_id == bindparam("oid")),
        )
    )
    .order_by(RecordLink.created_dt)
)


def links_of(obj) -> list[dict]:
    """Every link touching obj, each with the other record's label and URL (via registered types)."""
    kind, oid = record_type(obj), obj.id
    rows = db.session.execute(_LINKS_OF_ONE, {"kind": kind, "oid": oid})
    return _described(rows, kind, oid)


def links_of_each(objs) -> dict[int, list[dict]]:
    """links_of for several records of one type (a check-up's findings), in one read:
    {record id: its links}, every id present."""
    if not objs:
        return {}
    kind, ids = record_type(objs[0]), [obj.id for obj in objs]
    rows = db.session.scalars(
        select(RecordLink)
        .where(
            or_(
                (RecordLink.source_type == kind) & RecordLink.source_id.in_(ids),
                (RecordLink.target_type == kind) & RecordLink.target_id.in_(ids),
            )
        )
        .order_by(RecordLink.created_dt, RecordLink.id)
    ).all()
    return {
        oid: _described(
            [
                row
                for row in rows
                if (row.source_type == kind and row.source_id == oid)
                or (row.target_type == kind and row.target_id == oid)
            ],
            kind,
            oid,
        )
        for oid in ids
    }


def _described(rows, kind, oid) -> list[dict]:
    describers = current_app.extensions.get("portal.record_types", {})
    result = []
    for row in rows:
        outgoing = row.source_type == kind and row.source_id == oid
        other_type, other_id = (
            (row.target_type, row.target_id) if outgoing else (row.source_type, row.source_id)
        )
        describe = describers.get(other_type)
        label, url = describe(other_id) if describe else (f"{other_type} #{other_id}", "")
        result.append(
            {
                "relation": row.relation,
                "relation_label": relation_label(row.relation, outgoing),
                "outgoing": outgoing,
                "type": other_type,
                "id": other_id,
                "label": label,
                "url": url,
                "created_dt": row.created_dt,
            }
        )
    return result
