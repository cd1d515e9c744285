"""The PostgreSQL full-text backend (SEARCH_BACKEND=postgres), for deployments on several hosts.

Documents live in the table search_documents: the same fields as the Whoosh index, plus a
tsvector built from the engine's own analysis (jieba search mode, stop words, stemming), title
words weighted A and body words B, with a GIN index. The tsvector is written as a literal of
lexemes and positions, so PostgreSQL's text-search configuration never re-cuts Chinese text; a
query goes through the same Whoosh query parser and analyzer and is translated to a tsquery
literal, so both backends look for exactly the same words.

Writes go through the caller's database session: the outbox row and the document change commit
together. Indexers serialise on a transaction-level advisory lock (two hosts running
`flask search work` never write an older state over a newer one).
"""

import os
import threading
import time
from datetime import date, datetime, timedelta
from itertools import combinations

from sqlalchemy import (
    DDL,
    JSON,
    DateTime,
    Index,
    String,
    Text,
    bindparam,
    delete,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR, insert
from sqlalchemy.orm import Mapped, mapped_column
from whoosh import query as wq

from knowledge.search.analysis import segment
from portal.core import clock
from portal.core.db import db

# Positions above this are stored as this (PostgreSQL's limit).
MAX_POSITION = 16383
ADVISORY_LOCK_KEY = 0x5EA4C4  # "search" indexer lock, one per database
TEXT_FIELD_WEIGHT = {"title": "A", "body": "B"}


def _string_array():
    return JSON().with_variant(ARRAY(String(200)), "postgresql")


class SearchDocument(db.Model):
    """One indexed document (PostgreSQL backend); key is "kind:id" as in the Whoosh index."""

    __tablename__ = "search_documents"
    __table_args__ = (
        # No pending list: every search would scan it until VACUUM merges it.
        Index(
            "ix_search_documents_tsv",
            "tsv",
            postgresql_using="gin",
            postgresql_with={"fastupdate": "off"},
        ),
        Index("ix_search_documents_access", "access", postgresql_using="gin"),
        Index("ix_search_documents_kind", "kind"),
        # Rows up to a page keep their tsvector in the row (see TSVECTOR_IN_THE_ROW).
        {"postgresql_with": {"toast_tuple_target": 8160}},
    )

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int]
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text, default="")
    date: Mapped[datetime | None] = mapped_column(DateTime)
    category: Mapped[str] = mapped_column(String(40), default="")
    industry: Mapped[str] = mapped_column(String(40), default="")
    access: Mapped[list] = mapped_column(_string_array())
    tags: Mapped[list] = mapped_column(_string_array())
    extra: Mapped[dict] = mapped_column(JSON, default=dict)
    tsv: Mapped[str] = mapped_column(Text().with_variant(TSVECTOR(), "postgresql"))


# A search reads the tsvector of every row it ranks; out of line in the TOAST table (where the
# default rules put most of them: 1.6 kB on average) each costs an index look-up and a page more,
# half the ranking's CPU at 100,000 documents. Migration e3a7c1f95d20 does the same.
TSVECTOR_IN_THE_ROW = DDL(
    "ALTER TABLE search_documents ALTER COLUMN tsv SET STORAGE MAIN"
).execute_if(dialect="postgresql")
event.listen(SearchDocument.__table__, "after_create", TSVECTOR_IN_THE_ROW)


def _lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(title: str, body: str) -> str:
    """The analysed words of title (weight A) and body (weight B) as a tsvector literal."""
    parts, position = [], 1
    for weight, value in (("A", title), ("B", body)):
        for word in segment(value or ""):
            parts.append(f"{_lexeme(word)}:{min(position, MAX_POSITION)}{weight}")
            position += 1
    return " ".join(parts)


def row_for(fields: dict) -> dict:
    """A document's Whoosh fields (engine.document_fields) as a search_documents row."""
    return {
        "key": fields["key"],
        "kind": fields["kind"],
        "object_id": int(fields["id"]),
        "title": fields["title"],
        "body": fields["body"],
        "url": fields["url"],
        "date": fields.get("date"),
        "category": fields["category"],
        "industry": fields["industry"],
        "access": fields["access"].split(),
        "tags": fields["tags"].split(),
        "extra": fields["extra"],
        "tsv": tsvector_literal(fields["title"], fields["body"]),
    }


def write_rows(rows: list[dict], removal_keys=()):
    """Upsert rows and delete keys in the current transaction (no commit)."""
    if removal_keys:
        db.session.execute(delete(SearchDocument).where(SearchDocument.key.in_(removal_keys)))
    if not rows:
        return
    table = SearchDocument.__table__
    statement = insert(table).values(
        [{**row, "tsv": func.cast(row["tsv"], TSVECTOR)} for row in rows]
    )
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={c.name: statement.excluded[c.name] for c in table.columns if c.name != "key"},
        )
    )


def clear():
    db.session.execute(delete(SearchDocument))


def lock_for_indexing():
    """Serialise indexers across hosts until the end of the current transaction."""
    db.session.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK_KEY)))


def document_count() -> int:
    return db.session.scalar(select(func.count()).select_from(SearchDocument)) or 0


def size_bytes() -> int:
    return db.session.scalar(select(func.pg_total_relation_size("search_documents"))) or 0


# ---------------------------------------------------------------------------- queries


def _term(fieldname, word, prefix=False):
    word = word if isinstance(word, str) else word.decode("utf-8")
    weight = TEXT_FIELD_WEIGHT.get(fieldname, "")
    suffix = weight + ("*" if prefix else "")
    return _lexeme(word) + (":" + suffix if suffix else "")


def to_tsquery(q) -> str | None:
    """A Whoosh query tree (from the engine's parser) as a tsquery literal; None matches nothing."""
    if q is None or q is wq.NullQuery:
        return None
    if isinstance(q, wq.Term):
        return _term(q.fieldname, q.text)
    if isinstance(q, wq.Prefix):
        return _term(q.fieldname, q.text, prefix=True)
    if isinstance(q, wq.Phrase):
        words = [_lexeme(w) for w in q.words if w]
        if not words:
            return None
        weight = TEXT_FIELD_WEIGHT.get(q.fieldname)
        if weight:
            words = [f"{w}:{weight}" for w in words]
        return "(" + " <-> ".join(words) + ")" if len(words) > 1 else words[0]
    if isinstance(q, wq.Or) and q.subqueries and all(isinstance(s, wq.Term) for s in q.subqueries):
        # One word looked for in title and body: no weight restriction.
        texts = {s.text for s in q.subqueries}
        fields = {s.fieldname for s in q.subqueries}
        if len(texts) == 1 and fields >= set(TEXT_FIELD_WEIGHT):
            return _term(None, next(iter(texts)))
    if isinstance(q, wq.AndNot):
        positive, negative = to_tsquery(q.a), to_tsquery(q.b)
        if positive is None:
            return None
        return f"({positive} & !{negative})" if negative else positive
    if isinstance(q, wq.AndMaybe):
        return to_tsquery(q.a)
    if isinstance(q, wq.Not):
        inner = to_tsquery(q.query)
        return f"!{inner}" if inner else None
    if isinstance(q, wq.And | wq.Or | wq.DisjunctionMax):
        parts = [p for p in (to_tsquery(s) for s in q.subqueries) if p]
        if not parts:
            return None
        joiner = " & " if isinstance(q, wq.And) else " | "
        return "(" + joiner.join(parts) + ")" if len(parts) > 1 else parts[0]
    words = [_term(f, t) for f, t in q.iter_all_terms() if f in TEXT_FIELD_WEIGHT]
    return "(" + " | ".join(words) + ")" if words else None


def match_tsquery(q) -> str | None:
    """For a flat OR of words each looked for in title and body: the same words without weights
    (every position is a title or a body one, so it matches the same rows), which the GIN index
    answers without reading each row's tsvector again; None for any other query."""
    if not isinstance(q, wq.Or) or not all(isinstance(s, wq.Term) for s in q.subqueries):
        return None
    fields_of = {}
    for term in q.subqueries:
        fields_of.setdefault(term.text, set()).add(term.fieldname)
    if not fields_of or any(fields < set(TEXT_FIELD_WEIGHT) for fields in fields_of.values()):
        return None
    return "(" + " | ".join(_term(None, word) for word in fields_of) + ")"


def _as_datetime(value, end=False):
    if value is None:
        return None
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        # Stored times are naive UTC; a date is a Beijing day (its first or last moment).
        if end:
            return clock.day_bounds_utc(value)[1] - timedelta(microseconds=1)
        return clock.day_start_utc(value)
    return None


def _where(principals, kinds, filters):
    clauses = ["d.tsv @@ mq.mq", "d.access && CAST(:principals AS varchar[])"]
    params = {"principals": sorted(principals)}
    if kinds:
        clauses.append("d.kind = ANY(CAST(:kinds AS varchar[]))")
        params["kinds"] = list(kinds)
    filters = filters or {}
    for name in ("category", "industry"):
        if filters.get(name):
            clauses.append(f"d.{name} = :{name}")
            params[name] = filters[name]
    if filters.get("tag"):
        clauses.append("CAST(:tag AS varchar) = ANY(d.tags)")
        params["tag"] = filters["tag"]
    start = _as_datetime(filters.get("date_from"))
    end = _as_datetime(filters.get("date_to"), end=True)
    if start:
        clauses.append("d.date >= :date_from")
        params["date_from"] = start
    if end:
        clauses.append("d.date <= :date_to")
        params["date_to"] = end
    return " AND ".join(clauses), params


# A plain question or list of words ranks (and counts) only the rows worth ranking: ts_rank reads
# each ranked row's vector (~2-4 µs a row here, most of a search), and at 100,000 documents the
# median query's words were in 10,000 rows. The rows ranked are those with one of the query's
# rarer words, or two of its words together, within this many estimated rows
# (candidate_tsquery); every word still counts in the score, so a row with more of them ranks
# higher. ts_rank does not weigh a word by its rarity: leaving out the rows with only common
# words is also what raised recall. At 100,000 documents (docs/benchmarks-search.md) 1,000 gave
# recall@10 0.917 at a top-10 server CPU p95 of 16 ms, against 0.883 and 81 ms for the earlier
# rule (every row with one of the words within 20,000 rows, ranked by those words only); 5,000
# and 2,000 gave 0.903 and 0.907; the 396 real questions over the statutes kept recall@10 and
# MRR@10 (0.624 / 0.461 against 0.619 / 0.461).
ROWS_BUDGET = int(os.environ.get("SEARCH_PG_ROWS_BUDGET", "1000"))
# Pairs are formed among this many of the query's rarest words (a long question has dozens).
PAIRED_WORDS = 8
# How long a process keeps the lexeme frequencies it read from pg_stats.
STATISTICS_SECONDS = 300.0

_statistics = {"read_at": None, "frequency": {}, "rare": 0.0, "rows": 0.0}
_statistics_mutex = threading.Lock()


def lexeme_frequencies():
    """({lexeme: estimated number of rows}, estimate for any other lexeme, number of rows) from
    the planner's statistics of the tsv column (ANALYZE keeps its most common lexemes;
    autovacuum refreshes them), read at most every STATISTICS_SECONDS per process. Empty before
    the first ANALYZE."""
    now = time.monotonic()
    read_at = _statistics["read_at"]
    if read_at is not None and now - read_at < STATISTICS_SECONDS:
        return _statistics["frequency"], _statistics["rare"], _statistics["rows"]
    row = db.session.execute(
        text(
            "SELECT s.most_common_elems::text::text[] AS lexemes, "
            "s.most_common_elem_freqs AS freqs, c.reltuples AS n "
            "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
            "AND c.relnamespace = to_regnamespace(s.schemaname) "
            "WHERE s.schemaname = current_schema() AND s.tablename = 'search_documents' "
            "AND s.attname = 'tsv'"
        )
    ).first()
    frequency, rare, rows = {}, 0.0, 0.0
    if row is not None and row.lexemes and row.freqs and row.n and row.n > 0:
        # The array ends with the lowest and highest frequency and the share of null rows.
        freqs = row.freqs
        frequency = {word: f * row.n for word, f in zip(row.lexemes, freqs, strict=False)}
        # What the planner assumes for a lexeme it does not list (ts_selectivity).
        rare = freqs[len(row.lexemes)] / 2 * row.n if len(freqs) > len(row.lexemes) else 0.0
        rows = float(row.n)
    with _statistics_mutex:
        _statistics.update(read_at=now, frequency=frequency, rare=rare, rows=rows)
    return frequency, rare, rows


def analyze():
    """Refresh the planner's statistics of search_documents in the current transaction (its own
    new rows count), and this process's copy of the lexeme frequencies: after a rebuild the rows
    a query ranks follow the new rows at once, not when autovacuum next analyses the table."""
    db.session.execute(text("ANALYZE search_documents"))
    with _statistics_mutex:
        _statistics["read_at"] = None


def candidate_tsquery(parsed) -> str | None:
    """The rows a flat OR of words (see match_tsquery) ranks, as an unweighted tsquery: each word
    by itself, rarest first, while the estimated rows stay within ROWS_BUDGET, then pairs of
    words found together (estimated as independent), fewest rows first, while they fit; at least
    the single word or pair with the fewest rows. A row with only a common word of several is
    left out (it ranks low: ts_rank counts matched words, not how rare they are), which is what
    keeps "民事 本法 赔偿 承担" (each word in 15,000-26,000 rows of 100,000) to the 2,500 rows
    holding both 民事 and 赔偿. None for any other query, or before the first ANALYZE: every
    matching row is ranked."""
    if match_tsquery(parsed) is None:
        return None
    frequency, rare, total = lexeme_frequencies()
    if not frequency or not total:
        return None
    rows = {term.text: frequency.get(term.text, rare) for term in parsed.subqueries}
    words = sorted(rows, key=lambda word: (rows[word], word))
    singles = [(rows[word], (word,)) for word in words]
    # A word inside another (代表人 in 法定代表人: jieba's search mode gives both) is in every row
    # the longer one is in, so together they are no more than the longer word.
    pairs = sorted(
        (rows[a] * rows[b] / total, (a, b))
        for a, b in combinations(words[:PAIRED_WORDS], 2)
        if a not in b and b not in a
    )
    chosen, spent = [], 0.0
    for estimate, clause in singles + pairs:
        if spent + estimate > ROWS_BUDGET or any(set(c) <= set(clause) for c in chosen):
            continue
        chosen.append(clause)
        spent += estimate
    if not chosen:
        chosen = [min(singles + pairs)[1]]
    return "(" + " | ".join(" & ".join(_term(None, w) for w in clause) for clause in chosen) + ")"


_STORED = "d.kind, d.object_id, d.title, d.body, d.url, d.date, d.category, d.industry, d.extra"


def search(parsed, principals, kinds, filters, limit, facets=True, count=True):
    """(rows as (stored fields, score) best first, total, facet counts) for a parsed query.

    One pass over the rows ranked (candidate_tsquery for a plain query, else every matching
    row): each is ranked once by every word of the query, the page's stored fields are read for
    the page only, and the total and facet counts come from the same ranked rows.
    """
    tsquery = to_tsquery(parsed)
    if tsquery is None:
        return [], 0, {}
    where, params = _where(principals, kinds, filters)
    match = candidate_tsquery(parsed) or match_tsquery(parsed) or tsquery
    params.update(tsquery=tsquery, match=match, limit=limit)
    matches = (
        "SELECT d.key, d.kind, d.category, d.industry, ts_rank(d.tsv, q.q, 1) AS score "
        "FROM search_documents d, "
        f"CAST(:tsquery AS tsquery) AS q(q), CAST(:match AS tsquery) AS mq(mq) WHERE {where}"
    )
    if facets or count:
        summary = ["'total', (SELECT count(*) FROM m)"]
        if facets:
            summary += [
                f"'{name}', (SELECT json_object_agg(v, n) FROM "
                f"(SELECT {name} AS v, count(*) AS n FROM m GROUP BY {name}) AS g)"
                for name in ("kind", "category", "industry")
            ]
        statement = (
            f"WITH m AS MATERIALIZED ({matches}), "
            "top AS (SELECT key, score FROM m ORDER BY score DESC, key LIMIT :limit), "
            f"summary AS (SELECT json_build_object({', '.join(summary)}) AS s) "
            f"SELECT {_STORED}, top.score, summary.s AS summary "
            "FROM summary LEFT JOIN (top JOIN search_documents d ON d.key = top.key) ON true "
            "ORDER BY top.score DESC, d.key"
        )
    else:
        statement = (
            f"WITH top AS ({matches} ORDER BY score DESC, d.key LIMIT :limit) "
            f"SELECT {_STORED}, top.score, NULL AS summary "
            "FROM top JOIN search_documents d ON d.key = top.key ORDER BY top.score DESC, d.key"
        )
    rows = db.session.execute(text(statement).bindparams(bindparam("limit")), params).all()
    ranked = [
        (
            {
                "kind": r.kind,
                "id": r.object_id,
                "title": r.title,
                "body": r.body,
                "url": r.url,
                "date": r.date,
                "category": r.category,
                "industry": r.industry,
                "extra": r.extra or {},
            },
            float(r.score or 0.0),
        )
        for r in rows
        if r.kind is not None
    ]
    summary = rows[0].summary if rows and rows[0].summary else {}
    total = summary.get("total", len(ranked)) if (facets or count) else len(ranked)
    counts = {}
    if facets:
        counts = {name: summary.get(name) or {} for name in ("kind", "category", "industry")}
    return ranked, total, counts
