"""Flat OR queries on the Whoosh index, scored a term's postings at a time (numpy).

Every plain query the portal runs is, after parsing and the postings budget
(engine.prune_common_terms), an OR of single words in title and body. Whoosh scores such a query
one posting at a time in Python and then walks every document number of the index to collect
the matches (its array matcher clears and scans a 2,048-slot array per stretch of documents),
and the search page needed a second, unscored pass for the facet counts: 58 / 124 ms of CPU
(top 10 / search page, p50) at 100,000 documents. Here each term's postings are read block by
block into arrays and BM25F is computed over the whole array: 17 ms for both.

The scores are Whoosh's own, bit for bit: the same scorer object gives idf, average length, B
and K1; the per-posting formula and the order of the additions are the same (IEEE doubles in
both); ties go to the lower document number as in Whoosh's collector. The same pass gives the
exact total and the facet counts, so the search page needs no second, unscored pass.
"""

import os
import threading
from collections import OrderedDict

import numpy as np
from whoosh import scoring
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.query import Or, Term

# Decoded posting lists of the most used words, by (segment id, field, word), least recently
# used dropped beyond this many postings in all (8 bytes each: 16 MB per process by default).
CACHED_POSTINGS = int(os.environ.get("SEARCH_POSTINGS_CACHE", "2000000"))
# Shorter lists are decoded every time (cheap, and they would crowd out the long ones).
CACHE_FROM = 500
_cache: "OrderedDict[tuple, tuple]" = OrderedDict()
_cache_size = 0
_cache_mutex = threading.Lock()


def applies(query) -> bool:
    """Whether query is a flat OR of words (what this module runs)."""
    return (
        isinstance(query, Or)
        and bool(query.subqueries)
        and all(isinstance(q, Term) for q in query.subqueries)
    )


class Matches:
    """The documents an OR query matches among the allowed ones, with Whoosh's scores."""

    def __init__(self, searcher, query, allowed_mask):
        size = searcher.doc_count_all()
        self.searcher = searcher
        self.scores = np.zeros(size, dtype=np.float64)
        self.posted = np.zeros(size, dtype=bool)
        for subsearcher, offset in searcher.leaf_searchers():
            self._add_segment(subsearcher, offset, query)
        live = allowed_mask & self.posted
        # Whoosh's array matcher reports a document when its summed score is above zero.
        self.matched = np.flatnonzero(live & (self.scores > 0))
        self.every = np.flatnonzero(live)

    def _add_segment(self, subsearcher, offset, query):
        reader = subsearcher.reader()
        weighting = subsearcher.weighting
        for term in query.subqueries:
            fieldname = term.fieldname
            if fieldname not in subsearcher.schema:
                continue
            text = subsearcher.schema[fieldname].to_bytes(term.text)
            if (fieldname, text) not in reader:
                continue
            scorer = weighting.scorer(subsearcher, fieldname, text)
            if not isinstance(scorer, scoring.BM25FScorer):
                raise Unsupported(type(scorer).__name__)
            segment_ids, weights = _postings(reader, fieldname, text)
            if not len(segment_ids):
                continue
            ids = segment_ids + offset  # (a new array: the cached one stays as it is)
            self.posted[ids] = True
            lengths = _lengths(subsearcher, fieldname)[segment_ids]
            idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
            # scoring.bm25(), written out over arrays in the same order of operations.
            scores = idf * ((weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl)))
            if term.boost != 1.0:
                scores = scores * term.boost  # Whoosh's WrappingMatcher
            if query.boost != 1.0:
                scores = scores * query.boost  # the array matcher's boost
            self.scores[ids] += scores  # a term's document numbers are unique

    @property
    def total(self) -> int:
        return int(len(self.every))

    def top(self, limit: int):
        """[(document number, score)], best first, ties by document number (Whoosh's order)."""
        scores = self.scores[self.matched]
        docnums = self.matched
        if limit < len(docnums):
            # Everything scoring at least the limit-th best (ties at the edge included).
            edge = np.partition(scores, len(scores) - limit)[len(scores) - limit]
            keep = scores >= edge
            scores, docnums = scores[keep], docnums[keep]
        order = np.lexsort((docnums, -scores))[:limit]
        return [(int(docnums[i]), float(scores[i])) for i in order]

    def counts(self, fieldname) -> dict:
        """{value: number of matches} of a sortable field, as Whoosh's facet counts."""
        counts: dict = {}
        for subsearcher, offset in self.searcher.leaf_searchers():
            size = subsearcher.doc_count_all()
            start, end = np.searchsorted(self.every, [offset, offset + size])
            if start == end:
                continue
            values, codes = _facet_codes(subsearcher, fieldname)
            for code, n in enumerate(np.bincount(codes[self.every[start:end] - offset])):
                if n:
                    counts[values[code]] = counts.get(values[code], 0) + int(n)
        return counts


class Unsupported(Exception):
    """A query this module cannot score exactly as Whoosh does (the caller uses Whoosh)."""


def allowed_mask(searcher, docnums) -> np.ndarray:
    mask = np.zeros(searcher.doc_count_all(), dtype=bool)
    if docnums:
        mask[np.fromiter(docnums, dtype=np.int64, count=len(docnums))] = True
    return mask


def clear_cache():
    """Forget every decoded posting list (the benchmark times cold and warm runs)."""
    global _cache_size
    with _cache_mutex:
        _cache.clear()
        _cache_size = 0


def _postings(reader, fieldname, text):
    """(document numbers, weights as float64 of Whoosh's float32) of a term in one segment.

    Deleted documents are in: the allowed mask (Whoosh's own filter query, which skips them)
    takes them out."""
    global _cache_size
    key = (reader.segment().segment_id(), fieldname, text)
    with _cache_mutex:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
    if found is not None:
        return found[0], found[1].astype(np.float64)
    matcher = reader.postings(fieldname, text)
    matcher = getattr(matcher, "child", matcher)  # (a FilterMatcher leaving out the deleted)
    if isinstance(matcher, W3LeafMatcher) and not matcher._byteids:
        ids, weights = _block_postings(matcher)
    else:
        ids, weights = [], []
        while matcher.is_active():
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        ids = np.array(ids, dtype=np.int64)
        # Whoosh keeps weights in float32 arrays and scores with their double value.
        weights = np.array(weights, dtype=np.float32)
    if CACHE_FROM <= len(ids) <= CACHED_POSTINGS:
        with _cache_mutex:
            if key not in _cache:
                _cache[key] = (ids, weights)
                _cache_size += len(ids)
                while _cache_size > CACHED_POSTINGS:
                    _key, (dropped, _weights) = _cache.popitem(last=False)
                    _cache_size -= len(dropped)
    return ids, weights.astype(np.float64)


def _block_postings(matcher):
    """A W3 posting list read whole blocks at a time: each block's pickled tuple of document
    number deltas (from 0 in every block) and weights (None: all 1.0; one float: all the same),
    decoded with numpy instead of Whoosh's per-posting generator."""
    deltas, weights, starts = [], [], []
    while matcher.is_active():
        matcher._read_data()
        block_deltas, block_weights = matcher._data[0], matcher._data[1]
        count = len(block_deltas)
        starts.append(len(deltas))
        deltas.extend(block_deltas)
        if block_weights is None:
            weights.extend([1.0] * count)
        elif isinstance(block_weights, float):
            weights.extend([block_weights] * count)
        else:
            weights.extend(block_weights)
        matcher._next_block()
    running = np.cumsum(np.array(deltas, dtype=np.int64))
    if len(starts) > 1:
        # Every block counts from 0: take off what the blocks before it summed to.
        lengths = np.diff(np.array(starts + [len(deltas)]))
        before = np.concatenate(([0], running[np.array(starts[1:]) - 1]))
        running = running - np.repeat(before, lengths)
    # Whoosh keeps weights in float32 arrays and scores with their double value.
    return running, np.array(weights, dtype=np.float32)


def _segment_arrays(subsearcher):
    from knowledge.search.engine import segment_cache

    cache = segment_cache(subsearcher.reader())
    if cache is None:
        raise Unsupported(type(subsearcher.reader()).__name__)
    return cache


def _lengths(subsearcher, fieldname):
    """The segment's field lengths as Whoosh's BM25F reads them (engine._field_lengths)."""
    from knowledge.search.engine import _field_lengths

    cache = _segment_arrays(subsearcher)
    key = ("length", fieldname)
    if key not in cache:
        cache[key] = np.array(_field_lengths(subsearcher, fieldname), dtype=np.float64)
    return cache[key]


def _facet_codes(subsearcher, fieldname):
    """(values, code of each document's value) of a sortable field in one segment."""
    cache = _segment_arrays(subsearcher)
    key = ("facet", fieldname)
    if key not in cache:
        column = subsearcher.reader().column_reader(fieldname)
        values, codes = np.unique(
            np.array([column[n] for n in range(subsearcher.doc_count_all())], dtype=object),
            return_inverse=True,
        )
        cache[key] = (list(values), codes.astype(np.int64))
    return cache[key]
