"""Ranking that does not depend on the backend: query expansion and the second-stage re-ranker.

People ask in their own words ("老板不给发工资还让我走人"); statutes say "用人单位…解除劳动合同".
Two steps bridge that, the same for Whoosh and PostgreSQL:

1. expand_query(text): statutory terms for the colloquial words of a plain question
   (analysis.COLLOQUIAL_TO_STATUTORY), appended to what the first stage looks for (off by
   default: it did not help on held-out questions; SEARCH_QUERY_EXPANSION=1 turns it on);
2. rerank(question, candidates): the first stage's top RERANK_DEPTH candidates re-ordered by
   their first-stage score plus how much of the question's wording (character bigrams, which
   survive jieba cutting a word differently in question and statute) each candidate covers,
   each bigram weighted by how rare it is among the candidates;
3. fuse(lexical, dense): when the optional dense retriever is on (knowledge.search.dense), the
   re-ranked candidates and the dense retriever's nearest articles in one list, by z-scored
   scores weighted (1 - w) : w.

The weights are chosen by cross-validation on the labelled questions
(`python -m bench.search_quality --folds 5`, docs/benchmarks-search.md), never fitted to them.
"""

import math
import os
import re
from contextlib import contextmanager

from knowledge.search.analysis import COLLOQUIAL_TO_STATUTORY, QUESTION_WORDS

RERANK_DEPTH = 50

# Current parameters (module globals so the benchmark can try others with parameters()).
# The defaults are what 5-fold cross-validation chose (docs/benchmarks-search.md): the
# colloquial -> statutory expansion did not help on held-out questions, so it is off unless
# SEARCH_QUERY_EXPANSION=1; the re-ranker's coverage weight is 1.0 for the words alone; with the
# dense retriever, the point most folds chose (8 of 25; coverage 4.0 in 21 of 25).
SETTINGS = {
    "expand": os.environ.get("SEARCH_QUERY_EXPANSION", "0") == "1",
    # Weight of bigram coverage against the first-stage score (both scaled to 0..1).
    "coverage": float(os.environ.get("SEARCH_RERANK_COVERAGE", "1.0")),
    # The same weight when the re-ranked words are then fused with the dense retriever: there
    # the words' list is one of two signals, and what it adds to the dense one is which
    # candidates hold the question's own wording, more than BM25's order (see rerank_scored).
    "dense_coverage": float(os.environ.get("SEARCH_DENSE_COVERAGE", "4.0")),
    # Share of the dense retriever's similarity in the fused score (0: words only), see fuse().
    "dense": float(os.environ.get("SEARCH_DENSE_WEIGHT", "0.6")),
    # Law coherence after the fusion (0: off): each candidate gains this times the share of the
    # softmax mass held by its law, see fuse().
    "coherence": float(os.environ.get("SEARCH_DENSE_COHERENCE", "1.5")),
    # Whose scores say which law a question is about: "dense" (the dense retriever's nearest,
    # z-scored) or "fused" (the fused list), see fuse().
    "coherence_source": os.environ.get("SEARCH_DENSE_COHERENCE_SOURCE", "fused"),
    # Query-bank normalisation of the dense similarities (0: off): each article's similarity
    # less this times its similarity to the mean of a bank of questions in everyday words
    # (knowledge.search.dense.VectorIndex, knowledge.laws.vectors.embed_question_bank).
    "centering": float(os.environ.get("SEARCH_DENSE_CENTERING", "0.5")),
}

# What cross-validation chooses from (bench/search_quality.py --folds).
PARAMETER_GRID = [
    {"expand": expand, "coverage": coverage}
    for expand in (False, True)
    for coverage in (0.0, 0.5, 1.0)
]
# Earlier cross-validation chose dense weights 0.5-0.6 and coherence 1.5-2.0 (of 0.4-0.7 and
# 0-2.0); the grid keeps the neighbourhood of those, the centering and where the law evidence
# comes from.
DENSE_WEIGHTS = (0.5, 0.6)
# The re-ranker's coverage weight before the fusion: the words-only choice (1.0) and larger.
DENSE_COVERAGE_WEIGHTS = (1.0, 2.0, 4.0)
COHERENCE_WEIGHTS = (1.0, 1.5, 2.0)
CENTERING_WEIGHTS = (0.0, 0.25, 0.5, 0.75)
COHERENCE_SOURCES = ("fused", "dense")


def parameter_grid(dense: bool = False) -> list[dict]:
    """The points cross-validation chooses from; with dense retrieval on, its weight, the
    law-coherence weight and source, the query-bank centering and the re-ranker's coverage
    weight before the fusion (the expansion off, as the lexical cross-validation chose)."""
    if not dense:
        return PARAMETER_GRID
    return [
        {
            "expand": False,
            "coverage": 1.0,
            "dense_coverage": dense_coverage,
            "dense": weight,
            "coherence": coherence,
            "centering": centering,
            "coherence_source": source,
        }
        for source in COHERENCE_SOURCES
        for weight in DENSE_WEIGHTS
        for coherence in COHERENCE_WEIGHTS
        for centering in CENTERING_WEIGHTS
        for dense_coverage in DENSE_COVERAGE_WEIGHTS
    ]


@contextmanager
def parameters(**changes):
    saved = dict(SETTINGS)
    SETTINGS.update(changes)
    try:
        yield
    finally:
        SETTINGS.clear()
        SETTINGS.update(saved)


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_LATIN_WORD = re.compile(r"[A-Za-z0-9]+")
# What the engine's parser reads as syntax. Not "?", "*" (wildcards are off, engine._parser) nor
# "/" (no operator): "供电/供热公司" or an ASCII "?" ends many a question in words.
_SYNTAX = re.compile(r"[\"()\[\]{}:~^+\-!\\<>=|&]|\b(?:AND|OR|NOT|ANDNOT|ANDMAYBE|TO)\b")


def is_plain(text: str) -> bool:
    """A question in words, with no query syntax (only those are expanded and re-ranked)."""
    return not _SYNTAX.search(text)


def expand_query(text: str) -> list[str]:
    """Statutory terms for the colloquial words in text, in order, without repeats."""
    if not SETTINGS["expand"]:
        return []
    found = []
    for colloquial, statutory in COLLOQUIAL_TO_STATUTORY.items():
        if colloquial in text:
            for term in statutory:
                if term not in text and term not in found:
                    found.append(term)
    return found


def _strip_question_words(text: str) -> str:
    for word in QUESTION_WORDS:
        text = text.replace(word, " ")
    return text


def bigrams(text: str) -> set[str]:
    """Character bigrams of the Chinese runs of text, and its Latin words lower-cased."""
    grams = set()
    for run in _CJK_RUN.findall(text):
        if len(run) == 1:
            grams.add(run)
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
    grams.update(w.lower() for w in _LATIN_WORD.findall(text))
    return grams


def rerank(question: str, candidates: list, text_of, score_of) -> list:
    """candidates re-ordered (best first) by first-stage score + weighted bigram coverage."""
    return [c for c, _score in rerank_scored(question, candidates, text_of, score_of)]


def rerank_scored(question: str, candidates: list, text_of, score_of, fused: bool = False) -> list:
    """[(candidate, combined score)] best first: first-stage score / the best one's + weighted
    bigram coverage.

    text_of(candidate) gives the text to compare (title and body); score_of its first-stage
    score. Bigrams shared by most candidates say little, so each weighs log(1 + n / df).
    fused: the list is then fused with the dense retriever's (fuse()), and the coverage weighs
    SETTINGS["dense_coverage"] instead of SETTINGS["coverage"]: the dense similarity already
    ranks by meaning, so the words' list serves best as the judge of which candidates contain
    the question's wording (chosen by cross-validation, docs/benchmarks-search.md).
    """
    top = max((score_of(c) for c in candidates), default=0.0) or 1.0
    weight = SETTINGS["dense_coverage" if fused else "coverage"]
    wanted = bigrams(_strip_question_words(question)) if weight > 0 else set()
    for term in expand_query(question) if wanted else ():
        wanted |= bigrams(term)
    if not wanted or len(candidates) < 2:
        return [(c, score_of(c) / top) for c in candidates]
    texts = [bigrams(text_of(c)) for c in candidates]
    n = len(candidates)
    df = {g: sum(1 for t in texts if g in t) for g in wanted}
    idf = {g: math.log(1 + n / df[g]) for g in wanted if df[g]}
    total = sum(idf.values()) or 1.0

    def combined(index):
        covered = sum(w for g, w in idf.items() if g in texts[index]) / total
        return score_of(candidates[index]) / top + weight * covered

    scores = [combined(i) for i in range(n)]
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    return [(candidates[i], scores[i]) for i in order]


def _mean_spread(values):
    mean = sum(values) / len(values)
    spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
    return mean, spread if spread > 1e-9 else 1.0


def fuse(lexical: list, dense: list, dense_also: dict | None = None, group_of=None) -> list:
    """[(key, fused score)] best first from the words' and the dense retriever's candidates.

    lexical: the re-ranked words' candidates (key, combined score); dense: the dense
    retriever's nearest candidates (key, similarity); dense_also: the similarity of lexical
    candidates outside its nearest (so every candidate gets its real similarity). Each signal is
    standardised (z-score) over its own list, a candidate the words did not find gets the words'
    lowest, and fused = (1 - w) * words + w * dense with w = SETTINGS["dense"]. Scores, not
    ranks: a clear winner in one list keeps its lead over near ties in the other (on the
    labelled questions z-scores beat min-max scaling and reciprocal-rank fusion,
    docs/benchmarks-search.md). Ties keep the words' order, then the dense order.

    group_of: {key: group} (an article's law). When given, each candidate then gains
    c * (the softmax of the evidence summed over its group), c = SETTINGS["coherence"]:
    the law most of the strong candidates come from is more likely the one the question is about
    (+0.010 recall@10, +0.008 MRR@10 in 5-fold cross-validation, docs/benchmarks-search.md).
    The evidence (SETTINGS["coherence_source"]) is the dense retriever's z-scored nearest
    ("dense") or the fused scores ("fused"): a question's everyday words (公司, 合同, 赔偿)
    match articles of many laws, its meaning points at fewer; judging the law by the dense list
    and the article by both gave +0.004 MRR@10 in cross-validation (docs/benchmarks-search.md).
    """
    weight = SETTINGS["dense"]
    similarity = dict(dense_also or {})
    similarity.update(dense)
    words = {}
    floor = 0.0
    if lexical:
        mean, spread = _mean_spread([s for _k, s in lexical])
        words = {k: (s - mean) / spread for k, s in lexical}
        floor = min(words.values())
    near_mean, near_spread = _mean_spread([s for _k, s in dense]) if dense else (0.0, 1.0)
    order = list(dict.fromkeys([k for k, _s in lexical] + [k for k, _s in dense]))
    fused = {}
    for key in order:
        near = (similarity[key] - near_mean) / near_spread if key in similarity else None
        if near is None:  # no vector: the words alone, as if dense were average
            near = 0.0
        fused[key] = (1 - weight) * words.get(key, floor) + weight * near
    coherence = SETTINGS.get("coherence", 0.0)
    if group_of and coherence and fused:
        evidence = fused
        if SETTINGS.get("coherence_source", "fused") == "dense" and dense:
            evidence = {k: (s - near_mean) / near_spread for k, s in dense}
        top = max(evidence.values())
        mass = {key: math.exp(score - top) for key, score in evidence.items()}
        total = sum(mass.values())
        share = {}
        for key, value in mass.items():
            group = group_of.get(key, (None, key))  # no group known: a group of its own
            share[group] = share.get(group, 0.0) + value / total
        fused = {
            key: score + coherence * share.get(group_of.get(key, (None, key)), 0.0)
            for key, score in fused.items()
        }
    position = {k: i for i, k in enumerate(order)}
    return sorted(fused.items(), key=lambda item: (-item[1], position[item[0]]))
