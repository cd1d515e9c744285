"""Importing statutes (idempotent bulk upsert keyed on law title and article number)."""

import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import insert, select, update

from knowledge.laws.citations import LAW_NAMES_KEY
from knowledge.laws.models import Law, LawArticle
from knowledge.laws.numerals import article_label
from knowledge.search.outbox import enqueue
from portal.audit.operations import log
from portal.core import cache
from portal.core.db import db

LAW_KINDS = ("law", "administrative_regulation", "judicial_interpretation")
SEARCH_KIND = "law_article"


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    laws_created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    changed_ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        return (
            f"{self.created} articles added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.laws_created} new laws, {len(self.errors)} bad lines"
        )


class BadLine(ValueError):
    pass


def _text(record, name, max_length, required=True):
    value = record.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise BadLine(f"field {name!r} must be a non-empty string")
    value = value.strip()
    if len(value) > max_length:
        raise BadLine(f"field {name!r} is longer than {max_length} characters")
    return value


def parse_line(line: str) -> dict:
    """One JSON line as clean values; raises BadLine saying what is wrong."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            raise BadLine("not UTF-8 text") from None
    line = line.lstrip("\ufeff")
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise BadLine("not a JSON object")
    number = record.get("number")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1 or number >= 10000:
        raise BadLine("field 'number' must be an integer between 1 and 9999")
    effective = record.get("effective")
    if effective is not None:
        try:
            effective = date.fromisoformat(effective)
        except (TypeError, ValueError):
            raise BadLine("field 'effective' must be YYYY-MM-DD or null") from None
    kind = record.get("kind") or "law"
    if kind not in LAW_KINDS:
        raise BadLine(f"field 'kind' must be one of {', '.join(LAW_KINDS)}")
    return {
        "law": _text(record, "law", 200),
        "number": number,
        "label": _text(record, "article", 40, required=False) or article_label(number),
        "chapter": _text(record, "chapter", 300, required=False),
        "text": _text(record, "text", 20000),
        "effective": effective,
        "source": _text(record, "source", 300, required=False),
        "kind": kind,
    }


def import_laws(lines, by=None, enqueue_changes: bool = True) -> ImportReport:
    """Upsert articles from JSON lines; bad lines are reported (1-based) and skipped.

    Re-importing the same file changes nothing; a changed text or chapter updates the article.
    Changed articles are queued for the search index unless enqueue_changes is False (the caller
    then rebuilds the index).
    """
    report = ImportReport()
    records: dict[tuple[str, int], dict] = {}
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = parse_line(line)
        except BadLine as exc:
            report.errors.append((line_number, str(exc)))
            continue
        records[(record["law"], record["number"])] = record  # a later line wins

    laws = {law.title: law for law in db.session.scalars(select(Law))}
    for record in records.values():
        law = laws.get(record["law"])
        if law is None:
            law = Law(title=record["law"], kind=record["kind"])
            db.session.add(law)
            laws[law.title] = law
            report.laws_created += 1
            cache.invalidate(LAW_NAMES_KEY)  # citations find the new law at once
        law.kind = record["kind"]
        if record["effective"] is not None:
            law.effective = record["effective"]
        if record["source"]:
            law.source = record["source"]
    db.session.flush()

    existing = {
        (law_id, number): (article_id, label, chapter, text)
        for article_id, law_id, number, label, chapter, text in db.session.execute(
            select(
                LawArticle.id,
                LawArticle.law_id,
                LawArticle.number,
                LawArticle.label,
                LawArticle.chapter,
                LawArticle.text,
            )
        )
    }
    new_rows, changed_rows = [], []
    for record in records.values():
        law_id = laws[record["law"]].id
        values = {
            "law_id": law_id,
            "number": record["number"],
            "label": record["label"],
            "chapter": record["chapter"],
            "text": record["text"],
        }
        current = existing.get((law_id, record["number"]))
        if current is None:
            new_rows.append(values)
        elif current[1:] != (record["label"], record["chapter"], record["text"]):
            changed_rows.append({"id": current[0], **values})
        else:
            report.unchanged += 1
    if new_rows:
        db.session.execute(insert(LawArticle), new_rows)
    if changed_rows:
        db.session.execute(update(LawArticle), changed_rows)
    report.created, report.updated = len(new_rows), len(changed_rows)

    if new_rows:
        keys = {(row["law_id"], row["number"]) for row in new_rows}
        law_ids = {law_id for law_id, _number in keys}
        report.changed_ids.extend(
            article_id
            for article_id, law_id, number in db.session.execute(
                select(LawArticle.id, LawArticle.law_id, LawArticle.number).where(
                    LawArticle.law_id.in_(law_ids)
                )
            )
            if (law_id, number) in keys
        )
    report.changed_ids.extend(row["id"] for row in changed_rows)
    if enqueue_changes:
        for article_id in report.changed_ids:
            enqueue(SEARCH_KIND, article_id)
    if new_rows or changed_rows or report.laws_created:
        log(
            "laws.import",
            by=by,
            object_type="laws",
            summary=report.summary(),
            data={"created": report.created, "updated": report.updated},
        )
    db.session.flush()
    return report
