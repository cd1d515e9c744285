"""The search engine API every package uses: index(doc), remove(kind, id), search(...), rebuild().

Two backends behind the same API, chosen by the SEARCH_BACKEND setting: "whoosh" (default, one
host) and "postgres" (PostgreSQL full-text search over jieba-segmented text, for several hosts;
knowledge.search.pg_backend). Query parsing, analysis, expansion and the second-stage re-ranker
(knowledge.search.ranking) are shared. The rest of this docstring is about Whoosh.

Whoosh 2.7 (the last release) stays behind this module. One index on disk at
SEARCH_INDEX_DIR; one writer at a time (a file lock beside the index); one searcher per process,
refreshed when the index changed. Packages do not call index() from requests: they call
knowledge.search.outbox.enqueue(kind, id) and the indexer (knowledge.search.indexer) applies it.
"""

import fcntl
import functools
import logging
import math
import os
import re
import secrets
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from whoosh import fields, qparser, scoring, sorting
from whoosh.index import create_in, exists_in, open_dir
from whoosh.query import And, DateRange, NullQuery, Or, Term
from whoosh.writing import CLEAR

from knowledge.search import ranking
from knowledge.search.analysis import ChineseAnalyzer
from knowledge.search.plaintext import plain_text
from portal.core import clock
from portal.core.cache import delete_now, get_or_set

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
PER_PAGE = 10
FACET_FIELDS = ("kind", "category", "industry")
CORE_KEYS = {"kind", "id", "title", "body", "url", "date", "category", "industry", "access", "tags"}


class SearchLockTimeout(RuntimeError):
    """Another process held the index writer lock for too long."""


BACKENDS = ("whoosh", "postgres")


def backend_name() -> str:
    """The configured backend: SEARCH_BACKEND, "whoosh" unless set to "postgres"."""
    name = (current_app.config.get("SEARCH_BACKEND") or "whoosh").lower()
    if name not in BACKENDS:
        raise RuntimeError(f"SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")
    return name


def on_postgres() -> bool:
    return backend_name() == "postgres"


_parse_schema = None


def parse_schema():
    """The schema queries are parsed with (the index's, or a fresh one for PostgreSQL)."""
    global _parse_schema
    if _parse_schema is None:
        _parse_schema = make_schema()
    return _parse_schema


def make_schema():
    analyzer = ChineseAnalyzer()
    return fields.Schema(
        key=fields.ID(unique=True, stored=True),
        kind=fields.ID(stored=True, sortable=True),
        id=fields.STORED(),
        title=fields.TEXT(analyzer=analyzer, stored=True, field_boost=2.0),
        body=fields.TEXT(analyzer=analyzer, stored=True),
        url=fields.STORED(),
        date=fields.DATETIME(stored=True),
        category=fields.ID(stored=True, sortable=True),
        industry=fields.ID(stored=True, sortable=True),
        access=fields.KEYWORD(scorable=False),
        tags=fields.KEYWORD(scorable=False),
        extra=fields.STORED(),
    )


# ---------------------------------------------------------------------------- the index on disk


# What is worked out once per segment (field lengths, facet values, decoded postings), by segment
# id: a segment's files never change (its deletions are filtered by the searcher), and Whoosh
# opens new readers for every segment when the index changes, so keying by reader would redo it
# all (a second or two at 100,000 documents) on the first search after every indexed change.
SEGMENTS_KEPT = 64
_segment_caches: "OrderedDict[str, dict]" = OrderedDict()
_segment_caches_mutex = threading.Lock()


def segment_cache(reader) -> dict | None:
    """The dict kept for the segment reader reads (None for a reader of several segments)."""
    segment = getattr(reader, "segment", None)
    if segment is None or getattr(reader, "_perdoc", None) is None:
        return None
    key = segment().segment_id()
    with _segment_caches_mutex:
        cache = _segment_caches.get(key)
        if cache is None:
            cache = _segment_caches[key] = {}
            while len(_segment_caches) > SEGMENTS_KEPT:
                _segment_caches.popitem(last=False)
        _segment_caches.move_to_end(key)
        return cache


def _field_lengths(searcher, fieldname):
    """Every document's length of `fieldname` in the segment `searcher` reads, as a list (None
    when the searcher spans several segments: Whoosh scores those segment by segment)."""
    reader = searcher.reader()
    cache = segment_cache(reader)
    if cache is None:
        return None
    lengths = cache.get(("lengths", fieldname))
    if lengths is None:
        lengths = [reader.doc_field_length(n, fieldname, 1) for n in range(reader.doc_count_all())]
        cache[("lengths", fieldname)] = lengths
    return lengths


class ListLengthBM25F(scoring.BM25F):
    """Whoosh's BM25F with the same scores, reading a document's field length from a list.

    Profiled at 10,000 documents: an OR query scores every posting it matches, and each score
    asked the segment's length column for the document (column lookup, struct unpack, byte to
    length) — about 60% of the search time."""

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, scoring.BM25FScorer):
            lengths = _field_lengths(searcher, fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer


class _IndexHandle:
    """The index of one directory in this process: opened once, one refreshed searcher.

    Searches take the searcher through `searching()`, which counts who is using it. Whoosh's
    `Searcher.refresh()` closes the readers of segments the new version dropped (a merge), so it
    is called only when no other thread is searching with the old searcher; otherwise the new
    version gets a searcher of its own and the old one is closed by its last user (a threaded
    worker once failed a question page here: one thread's refresh closed another's readers).
    """

    def __init__(self, path):
        self.path = path
        self.mutex = threading.Lock()
        self.reading = threading.Lock()
        self._ix = None
        self._searcher = None
        self._filters = {}
        self._users = {}  # searcher -> how many searches are using it now
        self._retired = set()  # replaced searchers still in use: closed by their last user

    @property
    def ix(self):
        if self._ix is None:
            with self.mutex:
                if self._ix is None:
                    os.makedirs(self.path, exist_ok=True)
                    if not exists_in(self.path):
                        with writer_lock(self.path):
                            if not exists_in(self.path):
                                create_in(self.path, make_schema())
                    self._ix = open_dir(self.path)
        return self._ix

    def _current(self, ix):
        """The searcher of the index's latest version (call with the mutex held)."""
        searcher = self._searcher
        if searcher is None:
            searcher = ix.searcher(weighting=ListLengthBM25F())
        elif ix.latest_generation() != searcher.reader().generation():
            if self._users.get(searcher):
                searcher, old = ix.searcher(weighting=ListLengthBM25F()), searcher
                self._retired.add(old)
            else:
                searcher = searcher.refresh()  # reuses the segments that did not change
        if searcher is not self._searcher:
            self._searcher, self._filters = searcher, {}
        return searcher

    @contextmanager
    def searching(self):
        """(searcher, its cache of filter sets), not closed while the block runs."""
        ix = self.ix
        with self.mutex:
            searcher = self._current(ix)
            filters = self._filters
            self._users[searcher] = self._users.get(searcher, 0) + 1
        try:
            yield searcher, filters
        finally:
            with self.mutex:
                left = self._users.pop(searcher) - 1
                if left:
                    self._users[searcher] = left
                elif searcher in self._retired:
                    self._retired.discard(searcher)
                    searcher.close()

    def searcher(self):
        """The current searcher, for a caller that alone uses it (the indexer, tests)."""
        ix = self.ix
        with self.mutex:
            return self._current(ix), self._filters


_handles: dict[str, _IndexHandle] = {}
_handles_mutex = threading.Lock()


def _handle(path=None) -> _IndexHandle:
    path = os.path.abspath(path or current_app.config["SEARCH_INDEX_DIR"])
    with _handles_mutex:
        if path not in _handles:
            _handles[path] = _IndexHandle(path)
        return _handles[path]


def index_dir() -> str:
    return _handle().path


def get_index():
    return _handle().ix


_held = threading.local()


def holds_writer_lock(path=None) -> bool:
    path = os.path.abspath(path or current_app.config["SEARCH_INDEX_DIR"])
    return bool(getattr(_held, "paths", {}).get(path))


@contextmanager
def writer_lock(path=None, timeout: float = 60.0):
    """Only one writer per index, across threads and processes (flock on a file beside it).

    Re-entrant within a thread.
    """
    path = os.path.abspath(path or current_app.config["SEARCH_INDEX_DIR"])
    held = _held.__dict__.setdefault("paths", {})
    if held.get(path):
        held[path] += 1
        try:
            yield
        finally:
            held[path] -= 1
        return
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path + ".lock", "a+") as lock_file:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise SearchLockTimeout(path) from None
                time.sleep(0.02)
        held[path] = 1
        try:
            yield
        finally:
            held[path] = 0
            fcntl.flock(lock_file, fcntl.LOCK_UN)


# ---------------------------------------------------------------------------- documents


def _as_datetime(value):
    """Stored times are naive UTC; a date is a Beijing day, from its first moment."""
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return clock.day_start_utc(value)
    return None


def document_key(kind: str, object_id) -> str:
    return f"{kind}:{object_id}"


def document_fields(doc: dict) -> dict:
    """A source's document (see portal.core.hooks.add_search_source) as Whoosh fields."""
    values = {
        "key": document_key(doc["kind"], doc["id"]),
        "kind": doc["kind"],
        "id": doc["id"],
        "title": doc.get("title") or "",
        "body": doc.get("body") or "",
        "url": doc.get("url") or "",
        "category": doc.get("category") or "",
        "industry": doc.get("industry") or "",
        # No principals means nobody may see it: the safe default.
        "access": " ".join(p for p in (doc.get("access") or []) if p and " " not in p),
        "tags": " ".join(t for t in (doc.get("tags") or []) if t and " " not in t),
        "extra": {k: v for k, v in doc.items() if k not in CORE_KEYS},
    }
    when = _as_datetime(doc.get("date"))
    if when is not None:
        values["date"] = when
    return values


def write_documents(writer, docs, removals=()):
    for kind, object_id in removals:
        writer.delete_by_term("key", document_key(kind, object_id))
    for doc in docs:
        writer.update_document(**document_fields(doc))


def index(doc: dict):
    """Add or replace one document now (takes the writer lock; requests use the outbox instead).

    On PostgreSQL the change is part of the current transaction (the caller commits).
    """
    if on_postgres():
        from knowledge.search import pg_backend

        pg_backend.write_rows([pg_backend.row_for(document_fields(doc))])
        index_changed([doc["kind"]])
        return
    handle = _handle()
    with writer_lock(handle.path):
        writer = handle.ix.writer()
        try:
            write_documents(writer, [doc])
        except Exception:
            writer.cancel()
            raise
        writer.commit()
    index_changed([doc["kind"]])


def remove(kind: str, object_id):
    """Remove one document now (takes the writer lock; PostgreSQL: in the current transaction)."""
    if on_postgres():
        from knowledge.search import pg_backend

        pg_backend.write_rows([], [document_key(kind, object_id)])
        index_changed([kind])
        return
    handle = _handle()
    with writer_lock(handle.path):
        writer = handle.ix.writer()
        writer.delete_by_term("key", document_key(kind, object_id))
        writer.commit()
    index_changed([kind])


def search_sources(app=None) -> dict:
    return (app or current_app).extensions.get("portal.search_sources", {})


# How long a kind's index token lives in the short cache (when it is lost, a new one is made and
# whatever was kept under the old one is searched again).
GENERATION_TTL = 24 * 3600


def _generation_key(kind: str) -> str:
    return f"search:generation:{kind}"


def index_generation(kind: str) -> str:
    """A token that changes whenever documents of `kind` are written to the index (the outbox's
    rows processed, a rebuild; index_changed): results of a search kept in the short cache are
    kept under it, so they go when the index they came from changes. A token lost from the cache
    is replaced by a new one (the results are searched again, nothing worse)."""
    return get_or_set(_generation_key(kind), GENERATION_TTL, lambda: secrets.token_hex(8))


def index_changed(kinds) -> None:
    """New tokens for `kinds` (the index's documents of these kinds, or what ranks them,
    changed): results kept under the old ones are not used again."""
    keys = [_generation_key(kind) for kind in dict.fromkeys(kinds)]
    if keys:
        delete_now(*keys)


def rebuild(batch_size: int = 2000) -> int:
    """Re-index every document of every registered source; returns the number indexed.

    Readers keep the old index until the single commit that replaces it.
    """
    count = _rebuild_postgres(batch_size) if on_postgres() else _rebuild_whoosh(batch_size)
    index_changed(search_sources())
    return count


def _rebuild_whoosh(batch_size: int) -> int:
    from knowledge.search.indexer import drop_outbox_up_to, latest_outbox_id, load_document

    handle = _handle()
    count = 0
    with writer_lock(handle.path, timeout=600):
        covered = latest_outbox_id()
        writer = handle.ix.writer(limitmb=256)
        try:
            for kind, source in sorted(search_sources().items()):
                for object_id in source["ids"]():
                    doc = load_document(kind, object_id)
                    if doc is not None:
                        writer.add_document(**document_fields(doc))
                        count += 1
        except Exception:
            writer.cancel()
            raise
        writer.commit(mergetype=CLEAR)
    # Changes queued before we started are in the new index.
    drop_outbox_up_to(covered)
    return count


def _rebuild_postgres(batch_size: int) -> int:
    """Replace every row in one transaction (readers see the old rows until it commits)."""
    from knowledge.search import pg_backend
    from knowledge.search.indexer import drop_outbox_up_to, latest_outbox_id, load_document
    from portal.core.db import db

    pg_backend.lock_for_indexing()
    covered = latest_outbox_id()
    pg_backend.clear()
    count, batch = 0, []
    for kind, source in sorted(search_sources().items()):
        for object_id in source["ids"]():
            doc = load_document(kind, object_id)
            if doc is not None:
                batch.append(pg_backend.row_for(document_fields(doc)))
                count += 1
            if len(batch) >= batch_size:
                pg_backend.write_rows(batch)
                batch = []
    pg_backend.write_rows(batch)
    pg_backend.analyze()
    db.session.commit()
    drop_outbox_up_to(covered)
    return count


def document_count() -> int:
    if on_postgres():
        from knowledge.search import pg_backend

        return pg_backend.document_count()
    with _handle().searching() as (searcher, _filters):
        return searcher.doc_count()


def index_size_bytes() -> int:
    if on_postgres():
        from knowledge.search import pg_backend

        return pg_backend.size_bytes()
    path = index_dir()
    if not os.path.isdir(path):
        return 0
    return sum(
        os.path.getsize(os.path.join(path, name))
        for name in os.listdir(path)
        if os.path.isfile(os.path.join(path, name))
    )


# ---------------------------------------------------------------------------- who may see what


def principals_for(user) -> set[str]:
    """The access principals a user holds; a document is visible if it names one of them."""
    principals = {"public"}
    if not _acts_in_portal(user):  # pending, rejected, deactivated: public documents only
        return principals
    principals.add(f"user:{user.id}")
    if user.is_staff:
        principals.add("staff")
    # An unverified account must not read its claimed firm's private records.
    if user.enterprise_id and user.is_verified:
        principals.add(f"enterprise:{user.enterprise_id}")
    for provider in current_app.extensions.get("portal.principal_providers", []):
        principals |= set(provider(user) or ())
    return principals


def _acts_in_portal(user) -> bool:
    from portal.core.permissions import is_active_verified

    return is_active_verified(user)


# ---------------------------------------------------------------------------- queries

_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO"}
_SYNTAX_CHARS = re.compile(r"[\"'()\[\]{}:*?~^+\-!\\/<>=|&]")
_FIELD_PREFIX = re.compile(r"(?:^|\s)(\w+):")
SEARCH_FIELDS = ("title", "body")


def _parser(schema):
    parser = qparser.MultifieldParser(
        list(SEARCH_FIELDS),
        schema,
        # The schema weighs title x2 already; x0.5 here makes title and body equal, which
        # ranked best on the labelled statute queries (docs/benchmarks-search.md).
        fieldboosts={
            "title": float(os.environ.get("SEARCH_TITLE_QUERY_BOOST", "0.5")),
            "body": 1.0,
        },
        group=qparser.OrGroup.factory(0.9),
    )
    # Wildcards and ranges on 100,000 documents are slow and never what people mean here.
    for plugin in (qparser.WildcardPlugin, qparser.RangePlugin):
        parser.remove_plugin_class(plugin)
    return parser


def plain_terms(text: str) -> str:
    """The words of a query without any syntax (what we fall back to)."""
    words = _SYNTAX_CHARS.sub(" ", text).split()
    return " ".join(w for w in words if w not in _OPERATORS)


def _looks_broken(text: str) -> bool:
    if text.count('"') % 2:
        return True
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return True
    if depth:
        return True
    words = text.split()
    if words and (words[0] in _OPERATORS - {"NOT"} or words[-1] in _OPERATORS):
        return True
    return any(name not in SEARCH_FIELDS for name in _FIELD_PREFIX.findall(text))


def parse_query(text: str, schema):
    """(query, message, plain): a query Whoosh cannot read falls back to its plain words."""
    parser = _parser(schema)
    query = None
    if not _looks_broken(text):
        try:
            query = parser.parse(text)
        except Exception:  # Whoosh's parser has corners that raise; never a 500
            query = None
        if query is NullQuery:
            query = None
    if query is not None:
        return query, None, None
    plain = plain_terms(text)
    message = _l(
        "Your search could not be read as written, so we searched for the plain words instead."
    )
    if not plain:
        return NullQuery, message, ""
    try:
        query = parser.parse(plain)
    except Exception:
        query = NullQuery
    return query, message, plain


# An OR query's time is the number of postings it reads (pure Python, ~µs each). Over this budget
# the most common words are left out (they add least to BM25; Lucene's "common terms" idea),
# keeping at least the two rarest.
POSTINGS_BUDGET = int(os.environ.get("SEARCH_POSTINGS_BUDGET", "30000"))


def prune_common_terms(query, searcher):
    """For a plain OR of words: stay within the postings budget; score with a preloaded array."""
    return within_budget(
        query,
        lambda terms: sum(searcher.doc_frequency(t.fieldname, t.text) for t in terms),
        POSTINGS_BUDGET,
    )


def within_budget(query, frequency, budget):
    """A plain OR of words without its most common words beyond budget, keeping the two rarest
    (frequency(terms): the cost of a word's terms, one per field); any other query as it is."""
    if not isinstance(query, Or) or not all(isinstance(q, Term) for q in query.subqueries):
        return query  # phrases, AND, NOT: exactly as written
    subqueries = list(query.subqueries)
    terms_of = {}
    for term in subqueries:
        terms_of.setdefault(term.text, []).append(term)
    postings = {text: frequency(terms) for text, terms in terms_of.items()}
    kept, spent = set(), 0
    for text in sorted(postings, key=postings.get):
        if len(kept) >= 2 and spent + postings[text] > budget:
            break
        kept.add(text)
        spent += postings[text]
    pruned = Or([term for term in subqueries if term.text in kept], boost=query.boost)
    pruned.matcher_type = Or.ARRAY_MATCHER
    return pruned


@dataclass
class Hit:
    kind: str
    id: int
    title: str
    url: str
    score: float
    title_html: Markup
    snippet: Markup
    date: datetime | None = None
    category: str = ""
    industry: str = ""
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        data = {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "url": self.url,
            "score": round(self.score, 4),
        }
        data.update(self.extra)
        return data


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    # A lazy string (evaluated when shown); syntax_error says the same without a locale.
    message: str | None = None
    suggestion: str | None = None

    @property
    def syntax_error(self) -> bool:
        return self.message is not None

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    def iter_pages(self, left=2, around=3, right=2):
        """Page numbers with None for gaps (what the pager macro expects)."""
        last = 0
        for number in range(1, self.pages + 1):
            if number <= left or abs(number - self.page) < around or number > self.pages - right:
                if last + 1 != number:
                    yield None
                yield number
                last = number

    def __len__(self):
        return len(self.hits)

    def __iter__(self):
        return iter(self.hits)


def _filter_query(principals, kinds, filters):
    parts = [Or([Term("access", p) for p in sorted(principals)])]
    if kinds:
        parts.append(Or([Term("kind", k) for k in kinds]))
    filters = filters or {}
    for name in ("category", "industry"):
        if filters.get(name):
            parts.append(Term(name, filters[name]))
    if filters.get("tag"):
        parts.append(Term("tags", filters["tag"]))
    start = _as_datetime(filters.get("date_from"))
    end = _as_datetime(filters.get("date_to"))
    if isinstance(filters.get("date_to"), date) and not isinstance(filters["date_to"], datetime):
        # Inclusive: up to the last moment of that Beijing day.
        end = clock.day_bounds_utc(filters["date_to"])[1] - timedelta(microseconds=1)
    if start or end:
        parts.append(DateRange("date", start, end))
    return And(parts)


def query_words(query) -> list[str]:
    """The words a query looks for in title and body, longest first (for highlighting)."""
    words = {
        text if isinstance(text, str) else text.decode("utf-8")
        for fieldname, text in query.iter_all_terms()
        if fieldname in SEARCH_FIELDS
    }
    return sorted(words, key=len, reverse=True)


@functools.lru_cache(maxsize=256)
def _words_pattern(words: tuple):
    """The words as one pattern (a page highlights twenty texts with the same words)."""
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


def highlight(text: str, words, maxchars: int = 200) -> Markup:
    """The densest maxchars-long stretch of text with the words marked (escaped HTML).

    Plain string matching on the stored text: re-running jieba over every hit's body (Whoosh's
    highlighter) cost more than the search itself. Stemmed English words match as prefixes.
    """
    text = " ".join(text.split())
    if not text:
        return Markup("")
    pattern = _words_pattern(tuple(words)) if words else None
    matches = list(pattern.finditer(text)) if pattern else []
    start = 0
    if matches:
        # The matches do not overlap and come in order, so their ends grow too: one pointer
        # finds how many fit in the window opening at each match.
        best, fits = 0, 0
        for i, match in enumerate(matches):
            fits = max(fits, i)
            while fits < len(matches) and matches[fits].end() <= match.start() + maxchars:
                fits += 1
            if fits - i > best:
                best, start = fits - i, max(0, match.start() - 20)
    end = min(len(text), start + maxchars)
    parts, cursor = [], start
    for match in matches:
        if match.start() < start or match.end() > end:
            continue
        if match.start() < cursor:
            continue
        parts.append(escape(text[cursor : match.start()]))
        parts.append(Markup("<mark>%s</mark>") % text[match.start() : match.end()])
        cursor = match.end()
    parts.append(escape(text[cursor:end]))
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return Markup(prefix) + Markup("").join(parts) + Markup(suffix)


def searched_text(query: str) -> str:
    """What search() looks for given query (the text a stored question vector is made of)."""
    return (query or "").strip()[:MAX_QUERY_LENGTH]


def search(
    query: str,
    kinds=None,
    filters: dict | None = None,
    user=None,
    page: int = 1,
    per_page: int = PER_PAGE,
    facets: bool = True,
    count: bool = True,
) -> SearchResults:
    """Documents matching query that user may see (None: anonymous), best first.

    filters: category, industry, tag, date_from, date_to (dates or datetimes).
    facets: also count matches by kind, category and industry (needs every match).
    count: the exact total (for paging); without it, total is just the hits returned.
    """
    text = searched_text(query)
    page = max(1, int(page or 1))
    result = SearchResults(query=text, page=page, per_page=per_page)
    if not text:
        return result
    plain = ranking.is_plain(text)
    wanted = " ".join([text, *ranking.expand_query(text)]) if plain else text
    rerank = plain and page * per_page <= ranking.RERANK_DEPTH
    limit = ranking.RERANK_DEPTH if rerank else page * per_page
    fusing = False  # whether the dense retriever is expected to answer (its prefetch says)
    if rerank and _dense_source(kinds, filters):
        # The question embeds on the other core while the words are searched.
        prefetch = search_sources()[kinds[0]].get("dense_prefetch")
        if prefetch:
            fusing = bool(prefetch(text))
    if on_postgres():
        from knowledge.search import pg_backend

        parsed, result.message, result.suggestion = parse_query(wanted, parse_schema())
        if parsed is NullQuery:
            return result
        words = query_words(parsed)
        ranked, result.total, counts = pg_backend.search(
            parsed, principals_for(user), kinds, filters, limit, facets=facets, count=count
        )
        for name in FACET_FIELDS if facets else ():
            result.facets[name] = sorted(
                ((value, n) for value, n in counts.get(name, {}).items() if value),
                key=lambda item: (-item[1], item[0]),
            )
        return _finish(
            result, query, kinds, filters, user, facets, count, text, words, ranked, rerank, fusing
        )
    handle = _handle()
    principals = principals_for(user)
    # searching(): no other thread's refresh closes this searcher's readers while it is used;
    # reading: a Whoosh reader seeks and reads its files, one search at a time per process.
    with handle.searching() as (searcher, filter_cache), handle.reading:
        words, ranked = _whoosh_ranked(
            searcher, filter_cache, wanted, result, principals, kinds, filters, limit, facets, count
        )
    if ranked is None:
        return result
    return _finish(
        result, query, kinds, filters, user, facets, count, text, words, ranked, rerank, fusing
    )


def _whoosh_ranked(
    searcher, filter_cache, wanted, result, principals, kinds, filters, limit, facets, count
):
    """(query words, [(stored fields, score)] best first) from the Whoosh index; the total and
    (facets) the facet counts go into result. ranked is None when nothing can match."""
    parsed, result.message, result.suggestion = parse_query(wanted, searcher.schema)
    if parsed is NullQuery:
        return None, None
    words = query_words(parsed)
    parsed = prune_common_terms(parsed, searcher)
    filter_query = _filter_query(principals, kinds, filters)
    cache_key = repr(filter_query)
    allowed = filter_cache.get(cache_key)
    if allowed is None:
        allowed = set(searcher.docs_for_query(filter_query))
        if len(filter_cache) > 32:  # one set of up to N document numbers each
            filter_cache.clear()
        filter_cache[cache_key] = allowed
    if not allowed:  # (Whoosh reads an empty filter as no filter at all)
        return words, None
    matches = _flat_or_matches(searcher, parsed, filter_cache, cache_key, allowed)
    if matches is not None:
        # One pass gives the page, the exact total and the facet counts.
        ranked = [(searcher.stored_fields(n), score) for n, score in matches.top(limit)]
        if facets:
            result.total = matches.total
            for name in FACET_FIELDS:
                result.facets[name] = sorted(
                    ((value, n) for value, n in matches.counts(name).items() if value),
                    key=lambda item: (-item[1], item[0]),
                )
        elif count:
            result.total = len(matches.matched)
        else:
            result.total = len(ranked)
        return words, ranked
    # The page of hits: top-N with Whoosh's block-quality skipping (no full collection).
    hits = searcher.search(parsed, limit=limit, filter=allowed, terms=False)
    if facets:
        # Counts need every match, but not its score.
        grouped = sorting.Facets()
        for name in FACET_FIELDS:
            grouped.add_field(name)
        every = searcher.search(
            parsed,
            limit=None,
            filter=allowed,
            scored=False,
            groupedby=grouped,
            maptype=sorting.Count,
        )
        result.total = len(every)
        for name in FACET_FIELDS:
            result.facets[name] = sorted(
                ((value, n) for value, n in every.groups(name).items() if value),
                key=lambda item: (-item[1], item[0]),
            )
    elif count:
        result.total = len(hits)
    else:
        result.total = hits.scored_length()
    return words, [(hit.fields(), float(hit.score or 0.0)) for hit in hits[:limit]]


def _flat_or_matches(searcher, parsed, filter_cache, cache_key, allowed):
    """A flat OR of words scored over arrays (knowledge.search.postings), or None for what
    only Whoosh's matchers run (phrases, AND, NOT, other scorers)."""
    from knowledge.search import postings

    if not postings.applies(parsed):
        return None
    mask = filter_cache.get((cache_key, "mask"))
    if mask is None:
        mask = filter_cache[(cache_key, "mask")] = postings.allowed_mask(searcher, allowed)
    try:
        return postings.Matches(searcher, parsed, mask)
    except postings.Unsupported:
        return None


def _dense_source(kinds, filters):
    """The dense retriever for a search in one kind that has one, with no other filters."""
    if not kinds or len(kinds) != 1 or any((filters or {}).values()):
        return None
    return (search_sources().get(kinds[0]) or {}).get("dense")


def _fused(text, scored, kind, dense_hits, user, wanted):
    """The first `wanted` of [(stored fields, score)]: the re-ranked words' candidates fused
    with the dense ones (ranking.fuse); a dense-only candidate's fields come from its source
    (loaded only for the hits shown, together: one look-up when the source loads in batches),
    checked against the user's principals like the index's own filter."""
    from knowledge.search.indexer import load_documents

    stored_by_id = {item[0]["id"]: item[0] for item, _score in scored}
    nearest, also, *groups = dense_hits  # groups: {id: its law}, optional
    fused = ranking.fuse(
        [(item[0]["id"], score) for item, score in scored],
        nearest,
        also,
        group_of=groups[0] if groups else None,
    )[: ranking.RERANK_DEPTH]
    principals = principals_for(user)
    loaded: dict = {}
    ranked = []
    for position, (object_id, score) in enumerate(fused):
        if len(ranked) >= wanted:
            break
        stored = stored_by_id.get(object_id)
        if stored is None:
            if object_id not in loaded:
                # This one and the other dense-only candidates of the places still open: a
                # candidate refused or gone makes the next batch start further down.
                batch = [
                    other
                    for other, _score in fused[position : position + wanted - len(ranked)]
                    if other not in stored_by_id and other not in loaded
                ]
                found = load_documents(kind, batch)
                loaded.update((other, found.get(other)) for other in batch)
            doc = loaded[object_id]
            if doc is None or not principals.intersection(doc.get("access") or ()):
                continue
            fields_ = document_fields(doc)
            stored = {k: fields_[k] for k in ("kind", "id", "title", "body", "url", "extra")}
            stored.update(
                date=fields_.get("date"), category=fields_["category"], industry=fields_["industry"]
            )
        ranked.append((stored, score))
    return ranked


def _reranked(text, ranked, fused):
    return ranking.rerank_scored(
        text,
        ranked,
        text_of=lambda item: f"{item[0].get('title', '')} {item[0].get('body', '')}",
        score_of=lambda item: item[1],
        fused=fused,
    )


def _finish(
    result, query, kinds, filters, user, facets, count, text, words, ranked, rerank, fusing=False
):
    """The page of hits from the backend's ranked (stored fields, score) list, re-ranked and,
    for a plain question in one kind with a dense retriever, fused with its candidates."""
    page, per_page = result.page, result.per_page
    dense_hits = None
    if rerank:
        # The words' re-ranking first: it does not need the question's vector, which is still
        # being embedded on the other core (search's prefetch), so it costs no time of its own.
        # Weighed for the fusion when the prefetch said the retriever will answer; should it
        # answer otherwise (a source without a prefetch, vectors gone meanwhile), the words are
        # re-ranked again with the weight that fits.
        scored = _reranked(text, ranked, fused=fusing)
        retriever = _dense_source(kinds, filters)
        if retriever:
            dense_hits = retriever(
                text, ranking.RERANK_DEPTH, also=[item[0]["id"] for item in ranked]
            )
        if bool(dense_hits) != fusing:
            scored = _reranked(text, ranked, fused=bool(dense_hits))
    if dense_hits:
        result.total = max(result.total, min(ranking.RERANK_DEPTH, len(dense_hits[0])))
    if result.total and page > result.pages:
        return search(query, kinds, filters, user, result.pages, per_page, facets, count)
    if rerank:
        if dense_hits:
            ranked = _fused(text, scored, kinds[0], dense_hits, user, page * per_page)
        else:
            ranked = [item for item, _score in scored]
    for stored, score in ranked[(page - 1) * per_page : page * per_page]:
        title = plain_text(stored.get("title", ""))
        result.hits.append(
            Hit(
                kind=stored["kind"],
                id=stored["id"],
                title=title,
                url=stored.get("url", ""),
                score=score,
                title_html=highlight(title, words, maxchars=max(200, len(title))),
                snippet=highlight(plain_text(stored.get("body", "")), words),
                date=stored.get("date"),
                category=stored.get("category", ""),
                industry=stored.get("industry", ""),
                extra=stored.get("extra") or {},
            )
        )
    result.hits = _permitted(result.hits, user)
    return result


def _permitted(hits, user):
    """Drop any hit whose page would refuse the user (see knowledge.search.access)."""
    from knowledge.search.access import permitted_hits

    return permitted_hits(hits, user)
