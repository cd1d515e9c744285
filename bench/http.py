"""Requests/s and p50/p95 of the portal's pages under gunicorn -w 2, beside two bare apps:
a Flask "hello" and the fair baseline (Flask + SQLAlchemy + Jinja rendering 50 rows).

    python -m bench.generate --scale 1    # first
    python -m bench.http [--requests 300] [--threads 4] [--slices 5] [--only list detail]

The servers run on 127.0.0.1 in the same run with the same worker count; clients are a few
threads opening one connection per request (gunicorn's sync workers close after each). Each
page's requests run in --slices short slices, each between two short runs of the baseline; the
page's "vs rows" is the median of the slices' ratios, printed with the lowest and highest.
Loopback only; a bounded number of requests.
"""

import argparse
import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.generate import DB_PATH, generated_database_url
from bench.timing import percentile

# A loaded 2-core machine takes far longer than usual to import and preload the app.
START_TIMEOUT = 180
ROOT = Path(__file__).resolve().parent.parent
STAFF = ("staff@demo.example", "demo-password")
TARGET_P95_MS = 100
TARGET_RATIO = 0.5


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, app_spec: str, env: dict, workers: int):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--preload",
                "--log-level",
                "warning",
                app_spec,
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench.http: {app_spec} did not start")
            try:
                request(self.port, "GET", "/")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"bench.http: {app_spec} did not answer within {START_TIMEOUT} s")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def request(port, method, path, body=None, headers=None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def log_in(port, email=STAFF[0]) -> str:
    """Log in through the form (the demo staff user unless told); returns the Cookie header."""
    _status, headers, body = request(port, "GET", "/account/login")
    cookie = _cookie(headers)
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        rb'name="csrf_token" value="([^"]+)"', body
    )
    form = urllib.parse.urlencode(
        {"csrf_token": token.group(1).decode(), "email": email, "password": STAFF[1]}
    )
    status, headers, _body = request(
        port,
        "POST",
        "/account/login",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
    )
    if status != 302:
        raise SystemExit(f"bench.http: could not log in as {email}")
    return _cookie(headers)


def _cookie(headers) -> str:
    return "; ".join(v.split(";", 1)[0] for k, v in headers if k.lower() == "set-cookie")


def warm(port, path, *, threads, cookie="") -> list[str]:
    """Ten requests from each of the parallel clients, so every worker has compiled its
    templates and opened its database connection before the clock starts; the errors seen."""
    headers = {"Cookie": cookie} if cookie else {}
    errors = []

    def client():
        for _ in range(10):
            try:
                request(port, "GET", path, headers=headers)
            except OSError as exc:
                errors.append(type(exc).__name__)
                return

    clients = [threading.Thread(target=client) for _ in range(threads)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join()
    return sorted(set(errors))


def timed(port, path, *, requests, threads, cookie="") -> dict:
    """`requests` requests shared by `threads` clients: their latencies, the elapsed time and
    the answers other than 200."""
    headers = {"Cookie": cookie} if cookie else {}
    latencies, errors = [], []
    lock = threading.Lock()
    share = [requests // threads + (1 if n < requests % threads else 0) for n in range(threads)]

    def client(count):
        mine = []
        for _ in range(count):
            started = time.perf_counter()
            try:
                status, _headers, _body = request(port, "GET", path, headers=headers)
            except OSError as exc:  # a timeout: counted, and the page marked
                status = type(exc).__name__
            mine.append(time.perf_counter() - started)
            if status != 200:
                errors.append(status)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=client, args=(count,)) for count in share if count]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return {
        "latencies": latencies,
        "elapsed": time.perf_counter() - started,
        "errors": sorted({str(e) for e in errors}),
    }


def summary(slices) -> dict:
    """req/s over all the slices together, p50 and p95 over all their requests."""
    latencies = [seconds for part in slices for seconds in part["latencies"]]
    elapsed = sum(part["elapsed"] for part in slices)
    return {
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "p50": percentile(latencies, 50) * 1000,
        "p95": percentile(latencies, 95) * 1000,
        "errors": sorted({e for part in slices for e in part["errors"]}),
    }


def measure(port, path, *, requests, threads, cookie="") -> dict:
    """One app's req/s, p50 and p95 over `requests` requests after a warm-up."""
    errors = warm(port, path, threads=threads, cookie=cookie)
    if errors:
        return {"rps": 0.0, "p50": 0.0, "p95": 0.0, "errors": errors}
    return summary([timed(port, path, requests=requests, threads=threads, cookie=cookie)])


def rps(part) -> float:
    return len(part["latencies"]) / part["elapsed"] if part["elapsed"] else 0.0


def slice_ratios(page_slices, baseline_slices) -> list[float]:
    """Each page slice's req/s over the mean of the baseline's just before and just after it
    (baseline_slices has one more than page_slices: they alternate, baseline first and last)."""
    if len(baseline_slices) != len(page_slices) + 1:
        raise ValueError("a baseline slice before and after every page slice")
    ratios = []
    for n, page in enumerate(page_slices):
        around = (rps(baseline_slices[n]) + rps(baseline_slices[n + 1])) / 2
        ratios.append(rps(page) / around if around else 0.0)
    return ratios


def compare(run_page, run_baseline, *, requests, slices) -> dict:
    """The page against the baseline in `slices` short alternating slices: B P B P ... P B.

    The machine is shared and its load changes from one second to the next: a baseline
    measured once before the page moved by half between neighbouring pages. Each page slice
    is divided by the baseline slices on either side of it, and the median of those ratios is
    the page's figure, so one disturbed slice (either app's) does not move it; the lowest and
    highest slice ratio are kept to show how sure it is. run_page(count) and
    run_baseline(count) each time `count` requests and return `timed`'s dict.
    """
    slices = max(1, min(slices, requests))
    counts = [requests // slices + (1 if n < requests % slices else 0) for n in range(slices)]
    baseline_parts = [run_baseline(counts[0])]
    page_parts = []
    for n, count in enumerate(counts):
        page_parts.append(run_page(count))
        baseline_parts.append(run_baseline(counts[min(n + 1, slices - 1)]))
    ratios = slice_ratios(page_parts, baseline_parts)
    return {
        "page": summary(page_parts),
        "baseline": summary(baseline_parts),
        "ratio": statistics.median(ratios),
        "low": min(ratios),
        "high": max(ratios),
    }


def staff_pages(database_url) -> list[tuple[str, str]]:
    """Logged-in list and detail pages, with ids of real rows from the bench database."""
    engine = create_engine(database_url)
    with engine.connect() as connection:

        def first(sql):
            row = connection.execute(text(sql)).fetchone()
            return row[0] if row else 0

        question = first("SELECT max(id) FROM questions WHERE status = 'closed'")
        committee = first("SELECT min(id) FROM mediation_committees")
        case = first("SELECT max(id) FROM mediation_cases")
        user = first("SELECT max(id) FROM users WHERE role = 'enterprise'")
        checkup = first("SELECT max(id) FROM checkups")
        group = first("SELECT max(id) FROM counsel_groups")
        lecture = first("SELECT max(id) FROM lectures WHERE status = 'published'")
        referral = first("SELECT max(id) FROM appeal_referrals")
        # Deep pages as the lists' "Next" links reach them (keyset: after the previous page's
        # last row): the 50th page of accounts, the 1,000th of questions.
        account_49 = first(
            "SELECT id FROM users ORDER BY created_dt DESC, id DESC LIMIT 1 OFFSET 2449"
        )
        question_999 = first(
            "SELECT id FROM questions WHERE status != 'draft' ORDER BY id DESC LIMIT 1 OFFSET 24974"
        )
    engine.dispose()
    return [
        ("home (staff)", "/"),
        ("accounts list", "/account/staff/users?status=all"),
        ("accounts list, page 50", f"/account/staff/users?status=all&after={account_49}&page=50"),
        ("account detail", f"/account/staff/users/{user}"),
        ("questions overview", "/questions/staff"),
        ("questions list", "/questions/staff/all"),
        ("questions list, page 1000", f"/questions/staff/all?after={question_999}&page=1000"),
        ("overdue questions", "/questions/staff/overdue"),
        ("knowledge base (staff)", "/questions/staff/articles"),
        ("question detail", f"/questions/{question}"),
        ("lawyer roster", "/questions/staff/lawyers"),
        ("mediation cases", "/mediation"),
        ("mediation case detail", f"/mediation/cases/{case}"),
        ("mediation committees", "/mediation/committees"),
        ("committee detail", f"/mediation/committees/{committee}"),
        ("counsel groups", "/counsel"),
        ("counsel group detail", f"/counsel/groups/{group}"),
        ("check-ups", "/checkups"),
        ("check-up detail", f"/checkups/{checkup}"),
        ("appeals", "/appeals"),
        ("appeal detail", f"/appeals/{referral}"),
        ("lectures", "/lectures"),
        ("lectures (manage)", "/lectures/manage"),
        ("lecture detail", f"/lectures/{lecture}"),
        ("inbox", "/inbox"),
        # Reports, ledgers and calendars over every row of their package.
        ("dashboard", "/dashboard"),
        ("dashboard report", "/dashboard/report"),
        ("question figures", "/questions/staff/figures"),
        ("overdue cases", "/mediation/overdue"),
        ("mediation dashboard", "/mediation/dashboard"),
        ("mediation ledger", "/mediation/documents/ledger"),
        ("mediation report", "/mediation/documents/report"),
        ("counsel reports", "/counsel/reports"),
        ("check-up statistics", "/checkups/stats"),
        ("check-up calendar", "/checkups/calendar"),
        ("appeals ledger", "/appeals/ledger"),
        ("appeals ledger, overdue", "/appeals/ledger?view=overdue"),
        ("lecture statistics", "/lectures/stats"),
        # Forms that offer a choice of firms or lawyers.
        ("new appeal form", "/appeals/new"),
        ("new check-up form", "/checkups/new"),
        ("new counsel group form", "/counsel/groups/new"),
        ("counsel group suggestions", "/counsel/groups/suggest"),
    ]


def role_pages(database_url) -> list[tuple[str, str, str]]:
    """The pages the other roles live on, each as (label, path, e-mail of the user who views
    it): the busiest lawyer's queue and statistics, the firm with most questions and the firm
    that is party to most mediation cases, a mediator of the busiest committee, the busiest
    department's handler and a city leader. Every account has the demo password."""
    engine = create_engine(database_url)
    with engine.connect() as connection:

        def first(sql):
            return connection.execute(text(sql)).fetchone()

        lawyer, lawyer_question = first(
            "SELECT u.email, max(q.id) FROM users u JOIN questions q ON q.lawyer_id = u.id"
            " WHERE u.role = 'lawyer' GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1"
        )
        asker, asked = first(
            "SELECT u.email, max(q.id) FROM users u JOIN questions q"
            " ON q.enterprise_id = u.enterprise_id WHERE u.role = 'enterprise'"
            " GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1"
        )
        party, party_case = first(
            "SELECT u.email, max(p.case_id) FROM users u JOIN mediation_case_parties p"
            " ON p.enterprise_id = u.enterprise_id WHERE u.role = 'enterprise'"
            " GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1"
        )
        mediator, committee, mediated = first(
            "SELECT u.email, m.committee_id, max(c.id) FROM mediation_members m"
            " JOIN users u ON u.id = m.user_id JOIN mediation_cases c"
            " ON c.committee_id = m.committee_id WHERE m.removed_on IS NULL"
            " GROUP BY m.id ORDER BY count(*) DESC, m.id LIMIT 1"
        )
        handler, handled = first(
            "SELECT u.email, max(r.id) FROM appeal_organisation_members m"
            " JOIN users u ON u.id = m.user_id JOIN appeal_referrals r"
            " ON r.organisation_id = m.organisation_id WHERE u.role = 'department_handler'"
            " GROUP BY m.id ORDER BY count(*) DESC, m.id LIMIT 1"
        ) or (None, None)
        leader = first("SELECT min(email) FROM users WHERE role = 'leadership'")[0]
    engine.dispose()
    appeal_people = [
        ("appeals (department)", "/appeals", handler),
        ("appeal detail (department)", f"/appeals/{handled}", handler),
        ("appeals (leadership)", "/appeals", leader),
        ("appeals ledger (leadership)", "/appeals/ledger", leader),
    ]
    return [
        ("home (lawyer)", "/", lawyer),
        ("queue (lawyer)", "/questions/queue", lawyer),
        ("statistics (lawyer)", "/questions/my-statistics", lawyer),
        ("question detail (lawyer)", f"/questions/{lawyer_question}", lawyer),
        ("appeals (lawyer)", "/appeals", lawyer),
        ("home (firm)", "/", asker),
        ("my questions (firm)", "/questions/mine", asker),
        ("question detail (firm)", f"/questions/{asked}", asker),
        ("counsel (firm)", "/counsel", asker),
        ("check-ups (firm)", "/checkups", asker),
        ("appeals (firm)", "/appeals", asker),
        ("mediation cases (party)", "/mediation", party),
        ("case detail (party)", f"/mediation/cases/{party_case}", party),
        ("mediation cases (mediator)", "/mediation", mediator),
        ("case detail (mediator)", f"/mediation/cases/{mediated}", mediator),
        ("committee detail (mediator)", f"/mediation/committees/{committee}", mediator),
        # A database generated before the register's people were: their pages are left out.
        *[(label, path, email) for label, path, email in appeal_people if email],
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="per page (at most 5000)")
    parser.add_argument("--threads", type=int, default=4, help="client threads (at most 16)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--db", type=Path, default=DB_PATH, help="SQLite bench database")
    parser.add_argument(
        "--database-url", help="measure a PostgreSQL bench database made by bench.generate"
    )
    parser.add_argument("--only", nargs="*", help="measure only pages whose label has a word")
    parser.add_argument(
        "--slices",
        type=int,
        default=5,
        help="short page runs per page, each between two baseline runs (default 5)",
    )
    parser.add_argument(
        "--cache",
        choices=("memory", "null", "redis"),
        default="memory",
        help="the portal's short shared cache: each worker's own (memory, the default), none, "
        "or Redis at $REDIS_URL (as production runs)",
    )
    args = parser.parse_args(argv)
    database_url = generated_database_url(args, "bench.http")
    requests, threads = min(args.requests, 5000), max(1, min(args.threads, 16))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAL_", "DATABASE_"))}
    env.update(
        PORTAL_ENV="production",
        SECRET_KEY="bench-" + os.urandom(8).hex(),
        DATABASE_URL=database_url,
        UPLOAD_DIR=str(args.db.parent / "uploads"),
        SEARCH_INDEX_DIR=str(args.db.parent / "search-index"),
        CACHE_BACKEND=args.cache,
    )
    # All three servers run side by side. Each page alternates with the baseline in short
    # slices (`compare`), so a page is compared with the baseline under the same load (the
    # machine is shared: its load changes within a run); hello is measured at the start and
    # the end.
    results, baselines = [], []
    servers = []
    try:
        hello = Server("bench.hello:app", env, args.workers)
        servers.append(hello)
        rows_app = Server("bench.baseline:app", env, args.workers)
        servers.append(rows_app)
        portal = Server("wsgi:app", env, args.workers)
        servers.append(portal)
        bare = [measure(hello.port, "/", requests=requests, threads=threads)]
        warm(rows_app.port, "/", threads=threads)
        cookie = log_in(portal.port)
        pages = [("home (anonymous)", "/", ""), ("log-in page", "/account/login", "")]
        pages += [(label, path, cookie) for label, path in staff_pages(database_url)]
        cookies = {}
        for label, path, email in role_pages(database_url):
            if not args.only or any(word in label for word in args.only):
                cookies.setdefault(email, log_in(portal.port, email) if email else "")
                pages.append((label, path, cookies[email]))

        def run_baseline(count):
            return timed(rows_app.port, "/", requests=count, threads=threads)

        for label, path, page_cookie in pages:
            if args.only and not any(word in label for word in args.only):
                continue
            warm_errors = warm(portal.port, path, threads=threads, cookie=page_cookie)
            if warm_errors:
                failed = {"rps": 0.0, "p50": 0.0, "p95": 0.0, "errors": warm_errors}
                results.append((label, {"page": failed, "ratio": 0.0, "low": 0.0, "high": 0.0}))
                print(f"{label}: {', '.join(warm_errors)}", file=sys.stderr)
                continue

            def run_page(count, path=path, page_cookie=page_cookie):
                return timed(portal.port, path, requests=count, threads=threads, cookie=page_cookie)

            compared = compare(run_page, run_baseline, requests=requests, slices=args.slices)
            baselines.append(compared["baseline"])
            results.append((label, compared))
            figures = compared["page"]
            print(
                f"{label}: {figures['rps']:.0f} req/s, p95 {figures['p95']:.0f} ms; "
                f"baseline {compared['baseline']['rps']:.0f} req/s; "
                f"{compared['ratio']:.0%} ({compared['low']:.0%}-{compared['high']:.0%})",
                file=sys.stderr,
            )
        bare.append(measure(hello.port, "/", requests=requests, threads=threads))
    finally:
        for server in servers:
            server.stop()

    def mean(figures, key):
        return statistics.fmean(f[key] for f in figures) if figures else 0.0

    bare_rps = mean(bare, "rps")
    slices = max(1, min(args.slices, requests))
    print(
        f"gunicorn -w {args.workers}, {threads} client threads, {requests} requests per page "
        f"in {slices} slices, cache {args.cache}, "
        f"database {make_url(database_url).database}; load average at the end "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    print(
        f"vs rows: the median over {slices} slices of the page's req/s over the baseline's "
        "measured just before and after each slice; low-high: the lowest and highest slice; "
        "vs hello: over the bare hello app's (mean of start and end)"
    )
    header = (
        f"{'page':<34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'vs rows':>8} {'low-high':>10}"
        f" {'vs hello':>8}  target"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'bare Flask hello':<34} {bare_rps:>8.0f} {mean(bare, 'p50'):>8.1f} "
        f"{mean(bare, 'p95'):>8.1f}"
    )
    print(
        f"{'baseline: 50 rows (mean)':<34} {mean(baselines, 'rps'):>8.0f} "
        f"{mean(baselines, 'p50'):>8.1f} {mean(baselines, 'p95'):>8.1f}"
    )
    missed = 0
    for label, compared in results:
        f, ratio = compared["page"], compared["ratio"]
        ok = f["p95"] < TARGET_P95_MS and ratio >= TARGET_RATIO and not f["errors"]
        missed += not ok
        verdict = "met" if ok else "MISSED"
        if f["errors"]:
            verdict += f" (answered {', '.join(map(str, f['errors']))})"
        spread = f"{compared['low'] * 100:.0f}-{compared['high'] * 100:.0f}%"
        print(
            f"{label:<34} {f['rps']:>8.0f} {f['p50']:>8.1f} {f['p95']:>8.1f} {ratio:>7.0%} "
            f"{spread:>10} {f['rps'] / bare_rps if bare_rps else 0:>8.0%}  {verdict}"
        )
    print(
        f"target: p95 < {TARGET_P95_MS} ms and at least {TARGET_RATIO:.0%} of the baseline's "
        f"throughput (a bare Flask + SQLAlchemy + Jinja page of 50 rows); {missed} missed"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
