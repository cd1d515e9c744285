"""Where a cold statute search's time goes: each stage's moment, from the start of the search.

    python -m bench.search_stages                 # the dev questions, each embedded when searched
    python -m bench.search_stages --warm          # their vectors cached first
    python -m bench.search_stages --workdir DIR   # keep (and reuse) the scratch database and index

With dense retrieval on, a plain statute question is embedded in a background thread
(knowledge.search.dense.prefetch) while the words are searched and re-ranked on this one; the
search then waits for the vector (dense.query_vector), fuses the two lists (ranking.fuse), loads
the dense-only candidates and builds the page. The critical path is the embedding plus what
follows the wait, as long as the words' part ends first. For each stage this prints the p50 and
p95 of its moment (ms after engine.search was called), wall clock, and the embedding thread's
CPU time; with a shared machine compare runs made in the same conditions only (and give
`uptime`). The app is prepared as bench.search_quality prepares it.
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time

from bench import search_quality as quality
from bench.timing import percentile

STAGES = [
    ("prefetch_called", "the question handed to the embedding thread"),
    ("embedding_started", "the embedding thread's C call begins"),
    ("words_done", "the words' first stage done (engine._finish called)"),
    ("reranked", "the words re-ranked"),
    ("vector_asked", "the search asks for the question's vector"),
    ("embedding_done", "the embedding thread has the vector"),
    ("vector_had", "the search has the vector"),
    ("fuse_start", "the fusion starts (the dense retriever's top-50 done)"),
    ("fuse_end", "the fusion done"),
    ("fused", "dense-only candidates loaded (engine._fused done)"),
    ("hits_built", "the page's hits built with their highlights"),
    ("end", "engine.search returns"),
]

# Stretches of one search worth timing on their own (the wall time between two stages).
SPANS = [
    ("vector_had", "end", "after the vector: the rest of the search"),
    ("fuse_end", "fused", "the dense-only candidates loaded"),
    ("fused", "hits_built", "the page's hits built with their highlights"),
]


class Marks:
    """Moments of the stages of one search (the first time each is reached)."""

    def __init__(self):
        self.started = 0.0
        self.at: dict[str, float] = {}
        self.cpu: dict[str, float] = {}  # this (the searching) thread's CPU time at each mark
        self.embedding_cpu = 0.0

    def reset(self):
        self.at.clear()
        self.cpu.clear()
        self.embedding_cpu = 0.0
        self.started = time.perf_counter()

    def mark(self, name):
        self.at.setdefault(name, (time.perf_counter() - self.started) * 1000)
        if threading.current_thread() is threading.main_thread():
            self.cpu.setdefault(name, time.thread_time() * 1000)


def instrument(marks: Marks):
    """Wrap the search's stages (module attributes, as engine and dense call them)."""
    from knowledge.search import dense, engine, ranking

    def around(module, name, before=None, after=None):
        original = getattr(module, name)

        def wrapped(*args, **kwargs):
            if before:
                marks.mark(before)
            result = original(*args, **kwargs)
            if after:
                marks.mark(after)
            return result

        setattr(module, name, wrapped)

    embed = dense._embed

    def timed_embed(embedder, text):
        marks.mark("embedding_started")
        cpu = time.thread_time()
        vector = embed(embedder, text)
        if threading.current_thread() is not threading.main_thread():
            marks.embedding_cpu = (time.thread_time() - cpu) * 1000
        marks.mark("embedding_done")
        return vector

    dense._embed = timed_embed
    around(dense, "prefetch", before="prefetch_called")
    around(dense, "query_vector", before="vector_asked", after="vector_had")
    around(engine, "_finish", before="words_done")
    around(ranking, "rerank_scored", after="reranked")
    around(ranking, "fuse", before="fuse_start", after="fuse_end")
    around(engine, "_fused", after="fused")
    around(engine, "_permitted", before="hits_built")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=str(quality.DEFAULT_QUERIES))
    parser.add_argument("--warm", action="store_true", help="the questions' vectors cached first")
    parser.add_argument("--workdir", help="scratch directory kept between runs")
    args = parser.parse_args(argv)
    queries = quality.load_queries(args.queries)
    with tempfile.TemporaryDirectory(prefix="bench-stages-") as scratch:
        workdir = args.workdir or scratch
        fresh = not os.path.exists(os.path.join(workdir, "bench.db"))
        os.makedirs(workdir, exist_ok=True)
        app = quality.portal_app(workdir)
        if fresh:
            quality.prepare_portal(app)
        if quality.prepare_dense(app) is None:
            print("no dense model installed: nothing to measure", file=sys.stderr)
            return 2
        quality.set_dense(app, True)
        search = quality.portal_search(app)
        marks = Marks()
        rows = []
        with app.test_request_context("/"):
            search(queries[0][0])
            if args.warm:
                for question, _relevant in queries:
                    search(question)
            instrument(marks)
            for question, _relevant in queries:
                marks.reset()
                cpu, process = time.thread_time(), time.process_time()
                search(question)
                marks.mark("end")
                rows.append(
                    dict(
                        marks.at,
                        cpu_marks=dict(marks.cpu),
                        search_cpu=(time.thread_time() - cpu) * 1000,
                        all_cpu=(time.process_time() - process) * 1000,
                        embedding_cpu=marks.embedding_cpu,
                    )
                )
        with app.app_context():
            from portal.core.db import db

            db.session.remove()
            db.engine.dispose()
    print(f"{len(rows)} questions, {'warm' if args.warm else 'cold'}; ms, p50 / p95")
    names = [(name, text) for name, text in STAGES] + [
        ("search_cpu", "CPU of the searching thread"),
        ("embedding_cpu", "CPU of the embedding thread"),
        ("all_cpu", "CPU of all the process's threads"),
    ]
    for name, text in names:
        values = [row[name] for row in rows if name in row]
        if values:
            print(
                f"{name:18} {statistics.median(values):7.1f} / {percentile(values, 95):7.1f}"
                f"  (n={len(values)})  {text}"
            )
    print("durations per search, p50 / p95: wall, then CPU of the searching thread")
    for start, end, text in SPANS:
        values = [row[end] - row[start] for row in rows if start in row and end in row]
        cpu = [
            row["cpu_marks"][end] - row["cpu_marks"][start]
            for row in rows
            if start in row["cpu_marks"] and end in row["cpu_marks"]
        ]
        if values:
            print(
                f"{start + '->' + end:22} {statistics.median(values):6.2f} / "
                f"{percentile(values, 95):6.2f}   CPU {statistics.median(cpu):6.2f} / "
                f"{percentile(cpu, 95):6.2f}  (n={len(values)})  {text}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
