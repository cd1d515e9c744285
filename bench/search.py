"""Search benchmark: both engine backends (Whoosh; PostgreSQL full-text) and plain SQLite FTS5.

    python -m bench.search --docs 100000      # the figures in docs/benchmarks-search.md
    python -m bench.search --docs 10000       # a few minutes
    python -m bench.search --postgres postgresql://postgres@127.0.0.1:5432/bench_db
        # also the PostgreSQL backend (SEARCH_BACKEND=postgres); its search_documents table in
        # that database is replaced (default: $SEARCH_BENCH_DATABASE_URL, else skipped)

Synthesises questions-and-answers and lecture-transcript-like documents from the statute corpus
and the sample questions, adds every statute article, indexes them with the engine's analyzer
(jieba search mode) into Whoosh and into FTS5 (the same segmented terms), then times 200 realistic
queries on both and measures recall@10 on a labelled set: keywords of an article -> that article.
"""

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

import jieba.analyse
from flask import Flask
from sqlalchemy import text
from whoosh.index import exists_in

from bench.timing import percentile
from knowledge.search import engine, postings
from knowledge.search.analysis import segment
from portal.core import clock

ROOT = Path(__file__).resolve().parent.parent
LAWS = ROOT / "knowledge" / "laws" / "data" / "laws.jsonl"
QUESTIONS = ROOT / "knowledge" / "demo_data" / "sample_questions.jsonl"

KEYWORD_QUERIES = [
    "违约金 过高 调整",
    "劳动合同 解除 经济补偿",
    "工伤认定 申请 期限",
    "拖欠 工程款 优先受偿权",
    "股权转让 优先购买权",
    "竞业限制 补偿",
    "试用期 辞退",
    "加班费 计算",
    "商标侵权 赔偿",
    "诉讼时效 中断",
    "定金 违约金 同时",
    "借款 利息 上限",
    "建设工程 质量 保修",
    "破产 债权 申报",
    "行政处罚 听证",
    "行政复议 期限",
    "营业执照 吊销",
    "个人信息 处理 同意",
    "数据 出境",
    "产品质量 缺陷 赔偿",
    "消费者 退货",
    "电子商务 平台 责任",
    "农民工 工资 支付",
    "社会保险 缴纳",
    "公司 股东 出资 责任",
    "法定代表人 变更",
    "强制执行 财产",
    "仲裁 协议 效力",
    "调解协议 司法确认",
    "格式条款 无效",
    "不可抗力 免责",
    "租赁合同 解除",
    "买卖合同 质量 异议",
    "保证 期间",
    "商业秘密 保护",
    "专利 侵权 诉讼",
    "著作权 软件",
    "税款 滞纳金",
    "企业所得税 优惠",
    "失信 信用修复",
]
SPOKEN = [
    "大家好，今天我们来讲一讲",
    "这个问题在实务中非常常见",
    "我们来看一个案例",
    "那么这里要注意的是",
    "很多企业主会问",
    "简单来说就是",
    "法院一般会认为",
    "所以我的建议是",
    "好，我们接着往下看",
    "这一点大家一定要记住",
]
ANSWER_OPENINGS = [
    "您好，根据您描述的情况，",
    "律师解答：",
    "这个问题可以分几点来看。",
    "建议如下：",
]


def load_corpus():
    articles = [json.loads(line) for line in LAWS.open(encoding="utf-8")]
    questions = [json.loads(line) for line in QUESTIONS.open(encoding="utf-8")]
    return articles, questions


def synthesise(total: int, articles, questions, rng: random.Random):
    """Documents: every article, then Q&A and transcript documents up to total."""
    docs = []
    for n, article in enumerate(articles, start=1):
        short = article["law"].removeprefix("中华人民共和国")
        docs.append(
            {
                "kind": "law_article",
                "id": n,
                "title": f"{short} {article['article']}",
                "body": article["text"] + "\n" + article["chapter"],
                "url": f"/laws/x/{article['number']}",
                "date": clock.utc(2021, 1, 1),
                "category": "contract",
                "industry": "",
                "access": ["public"],
                "law": article["law"],
                "number": article["number"],
            }
        )
    categories = sorted({q["category"] for q in questions})
    n = len(docs)
    while len(docs) < total:
        n += 1
        question = rng.choice(questions)
        cited = rng.sample(articles, 2)
        private = rng.random() < 0.1
        access = [f"user:{rng.randint(1, 500)}", "staff"] if private else ["public"]
        if n % 2:
            body = (
                question["body"]
                + "\n"
                + rng.choice(ANSWER_OPENINGS)
                + "".join(
                    f"依据{a['law'].removeprefix('中华人民共和国')}{a['article']}，{a['text'][:160]}"
                    for a in cited
                )
            )
            doc = {
                "kind": "question",
                "title": question["title"],
                "body": body,
                "category": question["category"],
            }
        else:
            lines = []
            for a in cited:
                lines += [rng.choice(SPOKEN), a["text"][:200], rng.choice(SPOKEN)]
            doc = {
                "kind": "transcript",
                "title": f"讲座实录 第{n % 97 + 1}讲 {question['title'][:12]}",
                "body": "。".join(lines),
                "category": rng.choice(categories),
            }
        doc.update(
            id=n,
            url=f"/x/{n}",
            date=clock.utc(2020 + n % 6, n % 12 + 1, n % 28 + 1),
            industry=rng.choice("CEFGI"),
            access=access,
        )
        docs.append(doc)
    return docs


def labelled_queries(articles, count: int, rng: random.Random):
    """(query, article doc id): a few of an article's keywords, shuffled, as a user might type."""
    candidates = [(i, a) for i, a in enumerate(articles, start=1) if len(a["text"]) >= 40]
    labelled = []
    for doc_id, article in rng.sample(candidates, count):
        words = jieba.analyse.extract_tags(article["text"], topK=5)
        if len(words) < 3:
            continue
        rng.shuffle(words)
        labelled.append((" ".join(words[:4]), doc_id))
    return labelled


class Report(dict):
    """Prints each figure as soon as it is known (a long run still tells something)."""

    def __init__(self, initial):
        super().__init__()
        for key, value in initial.items():
            self[key] = value

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        print(f"{key:28} {value}", flush=True)


RECALL_ONLY = False


# ---------------------------------------------------------------------------- FTS5 baseline


def fts_build(docs, path):
    db = sqlite3.connect(path)
    db.execute(
        "CREATE VIRTUAL TABLE docs USING fts5(title, body, access UNINDEXED, kind UNINDEXED)"
    )
    started = time.perf_counter()
    rows = (
        (
            d["id"],
            " ".join(segment(d["title"])),
            " ".join(segment(d["body"])),
            " ".join(d["access"]),
            d["kind"],
        )
        for d in docs
    )
    db.executemany(
        "INSERT INTO docs(rowid, title, body, access, kind) VALUES (?, ?, ?, ?, ?)", rows
    )
    db.commit()
    return db, time.perf_counter() - started


def fts_search(db, text, limit=10):
    terms = sorted(set(segment(text[: engine.MAX_QUERY_LENGTH])))
    if not terms:
        return []
    match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
    return [
        row[0]
        for row in db.execute(
            "SELECT rowid FROM docs WHERE docs MATCH ? AND access LIKE '%public%' "
            "ORDER BY bm25(docs, 2.0, 1.0) LIMIT ?",
            (match, limit),
        )
    ]


def fts_part(path, docs, queries, labelled, report, reuse=False):
    if reuse:
        fts = sqlite3.connect(str(path))
    else:
        fts, fts_seconds = fts_build(docs, str(path))
        report["fts5_index_docs_per_s"] = round(len(docs) / fts_seconds)
    report["fts5_index_mb"] = round(os.path.getsize(path) / 1e6, 1)
    fts_times = timed(lambda q: fts_search(fts, q), queries)["wall"]
    report["fts5_p50_ms"] = round(statistics.median(fts_times), 1)
    report["fts5_p95_ms"] = round(percentile(fts_times, 95), 1)
    report["fts5_recall_at_10"] = round(recall(lambda q: fts_search(fts, q), labelled), 3)
    fts.close()


# ---------------------------------------------------------------------------- Whoosh (engine)


def whoosh_build(docs, app):
    started = time.perf_counter()
    handle = engine._handle()
    writer = handle.ix.writer(limitmb=512)
    for doc in docs:
        writer.add_document(**engine.document_fields(doc))
    writer.commit()
    return time.perf_counter() - started


def engine_search(text, facets, limit=10):
    found = engine.search(text, per_page=limit, facets=facets, count=facets)
    return [hit.id for hit in found.hits]


def whoosh_part(app, docs, queries, labelled, report, reuse=False, profile=None):
    with app.app_context():
        segment("预热")  # jieba's dictionary, once
        if not reuse:
            whoosh_seconds = whoosh_build(docs, app)
            report["whoosh_index_docs_per_s"] = round(len(docs) / whoosh_seconds)
        report["whoosh_index_mb"] = round(engine.index_size_bytes() / 1e6, 1)
        measure(
            "whoosh",
            engine_search,
            queries,
            labelled,
            report,
            profile=profile,
            recall_only=RECALL_ONLY,
        )


def measure(
    name, search, queries, labelled, report, server_cpu=None, profile=None, recall_only=False
):
    """p50/p95 with facets and counts (the search page), top-10 only, and recall@10.

    Wall clock, this thread's CPU time and (PostgreSQL) the server backend's CPU time per query:
    on a shared machine the wall clock is mostly waiting for a core.
    """
    # A worker's first search reads each segment's field lengths and facet values (once per
    # segment, seconds at 100,000 documents): not what the timed queries should measure.
    search("合同 公司", True)
    for label, facets in () if recall_only else (("", True), ("_no_facets", False)):
        postings.clear_cache()  # each pass starts without decoded posting lists
        times = timed(lambda q, f=facets: search(q, f), queries, server_cpu)
        for column, values in times.items():
            suffix = {"wall": "", "cpu": "_cpu", "server": "_server_cpu"}[column]
            report[f"{name}{label}{suffix}_p50_ms"] = round(statistics.median(values), 1)
            report[f"{name}{label}{suffix}_p95_ms"] = round(percentile(values, 95), 1)
        slowest = sorted(zip(times["wall"], queries, strict=True), reverse=True)[:3]
        report[f"{name}{label}_slowest"] = [f"{ms:.0f} ms {q[:24]}" for ms, q in slowest]
    report[f"{name}_recall_at_10"] = round(recall(lambda q: search(q, False), labelled), 3)
    if profile:
        profiled(lambda q: search(q, profile == "api"), queries)


def profiled(function, queries, top=30):
    """cProfile over every query once: where a search's time goes."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for query in queries:
        function(query)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(top)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


# ---------------------------------------------------------------------------- PostgreSQL backend


def postgres_part(url, docs, queries, labelled, report, reuse=False, profile=None):
    """The engine with SEARCH_BACKEND=postgres over the same documents, in url's database."""
    from knowledge.search import pg_backend
    from portal.core.db import db

    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=url,
        SEARCH_BACKEND="postgres",
        SEARCH_INDEX_DIR=tempfile.mkdtemp(prefix="bench-pg-unused-"),
    )
    db.init_app(app)
    with app.app_context():
        segment("预热")
        table = pg_backend.SearchDocument.__table__
        if not reuse:
            table.drop(db.engine, checkfirst=True)
            table.create(db.engine)
            started = time.perf_counter()
            for i in range(0, len(docs), 2000):
                pg_backend.write_rows(
                    [pg_backend.row_for(engine.document_fields(d)) for d in docs[i : i + 2000]]
                )
                db.session.commit()
            report["postgres_index_docs_per_s"] = round(len(docs) / (time.perf_counter() - started))
            db.session.execute(text("ANALYZE search_documents"))
            db.session.commit()
        report["postgres_index_mb"] = round(pg_backend.size_bytes() / 1e6, 1)
        with app.test_request_context("/"):
            measure(
                "postgres",
                engine_search,
                queries,
                labelled,
                report,
                server_cpu=backend_cpu_clock(),
                profile=profile,
                recall_only=RECALL_ONLY,
            )
        db.session.remove()
        db.engine.dispose()


def timed(function, queries, server_cpu=None):
    """{"wall": [ms], "cpu": [ms of this thread], "server": [ms of the database backend]}."""
    times = {"wall": [], "cpu": []}
    if server_cpu:
        times["server"] = []
    for query in queries:
        server_before = server_cpu() if server_cpu else 0
        cpu_before = time.thread_time()
        started = time.perf_counter()
        function(query)
        times["wall"].append((time.perf_counter() - started) * 1000)
        times["cpu"].append((time.thread_time() - cpu_before) * 1000)
        if server_cpu:
            times["server"].append((server_cpu() - server_before) * 1000)
    return times


def backend_cpu_clock():
    """Seconds of CPU the current session's PostgreSQL backend has used (the server must be on
    this machine: /proc/<pid>/schedstat), or None when it cannot be read."""
    from portal.core.db import db

    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    path = Path(f"/proc/{pid}/schedstat")
    if not path.exists():
        return None
    return lambda: int(path.read_text().split()[0]) / 1e9


def recall(function, labelled):
    return sum(1 for query, label in labelled if label in function(query)) / len(labelled)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--labelled", type=int, default=300)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--workdir", help="keep the indexes here (default: a temporary folder)")
    parser.add_argument(
        "--reuse", action="store_true", help="query the indexes already in --workdir"
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SEARCH_BENCH_DATABASE_URL"),
        help="PostgreSQL URL for the postgres backend (its search_documents table is replaced)",
    )
    parser.add_argument("--skip-whoosh", action="store_true", help="only PostgreSQL and FTS5")
    parser.add_argument("--skip-fts", action="store_true", help="no SQLite FTS5 baseline")
    parser.add_argument(
        "--profile",
        choices=["top10", "api"],
        help="also print a cProfile of every query (top-10 or the search page's call)",
    )
    parser.add_argument("--recall-only", action="store_true", help="no timings, recall@10 only")
    args = parser.parse_args(argv)
    global RECALL_ONLY
    RECALL_ONLY = args.recall_only

    rng = random.Random(args.seed)
    articles, questions = load_corpus()
    docs = synthesise(max(args.docs, len(articles)), articles, questions, rng)
    labelled = labelled_queries(articles, args.labelled, rng)
    queries = (KEYWORD_QUERIES + [q["title"] for q in questions] + [q for q, _label in labelled])[
        : args.queries
    ]

    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-search-"))
    # Each index is reused only if it is there (a run stopped half-way rebuilds the rest).
    reuse_whoosh = args.reuse and exists_in(str(workdir / "whoosh"))
    reuse_fts = args.reuse and (workdir / "fts.db").exists()
    if not reuse_whoosh and not args.skip_whoosh:
        shutil.rmtree(workdir / "whoosh", ignore_errors=True)
    if not reuse_fts and not args.skip_fts and (workdir / "fts.db").exists():
        os.remove(workdir / "fts.db")
    app = Flask(__name__)
    app.config["SEARCH_INDEX_DIR"] = str(workdir / "whoosh")

    report = Report({"docs": len(docs), "queries": len(queries), "labelled": len(labelled)})
    report["load_average"] = " ".join(f"{x:.1f}" for x in os.getloadavg())
    if args.postgres:
        postgres_part(
            args.postgres, docs, queries, labelled, report, reuse=args.reuse, profile=args.profile
        )
    if not args.skip_whoosh:
        whoosh_part(app, docs, queries, labelled, report, reuse=reuse_whoosh, profile=args.profile)
    if not args.skip_fts:
        fts_part(workdir / "fts.db", docs, queries, labelled, report, reuse=reuse_fts)
    report["load_average_after"] = " ".join(f"{x:.1f}" for x in os.getloadavg())

    print(json.dumps(report))
    if not args.workdir:
        shutil.rmtree(workdir, ignore_errors=True)
    return report


if __name__ == "__main__":
    main()
