"""Cost of each load-test action inside one process: SQL statements and CPU per request.

    python -m bench.load_profile [--database-url postgresql://.../bench_load_profile]
        [--rounds 30] [--profile "ask"] [--redis-url redis://...]

Seeds the database as `bench.load` does (dropped and recreated), then runs every action of the
load test through Flask's test client in this process: no network, no queue for a worker, so
the figures are the work of the request alone. `--profile ACTION` prints cProfile's top
functions for that action.
"""

import argparse
import cProfile
import io
import os
import pstats
import re
import secrets
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from bench.load import CASE_LINK, PASSWORD, QUESTION_LINK, ROOT, TOKEN, reset_database, seed
from portal.core import clock


class Counter:
    def __init__(self):
        self.statements = 0
        self.recording = None  # a list while one request's statements are being kept

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        self.statements += 1
        if self.recording is not None:
            self.recording.append(" ".join(statement.split())[:160])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgresql://postgres@127.0.0.1:5432/bench_load_profile"
    )
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--profile", default="")
    parser.add_argument("--sql", default="", help="print the statements of one ACTION")
    parser.add_argument("--no-seed", action="store_true", help="reuse the database as it is")
    args = parser.parse_args(argv)
    state = f"/tmp/portal-bench-load-profile-{os.getpid()}"
    env = {
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": args.database_url,
        "PORTAL_SESSION_COOKIE_SECURE": "false",
        "RATELIMIT_ENABLED": "0",
        "UPLOAD_DIR": f"{state}/uploads",
        "SEARCH_INDEX_DIR": f"{state}/search-index",
        "SEARCH_INDEX_INLINE": "0",
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    os.environ.update(env)
    category_id = None
    if not args.no_seed:
        reset_database(args.database_url)
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
            cwd=ROOT,
            env=os.environ,
            check=True,
            capture_output=True,
        )
        category_id = seed(os.environ, 20, 12, 7)

    from sqlalchemy import event

    import portal
    from portal.config import ProductionConfig
    from portal.core.db import db

    class Settings(ProductionConfig):
        SECRET_KEY = env["SECRET_KEY"]
        SQLALCHEMY_DATABASE_URI = args.database_url
        REDIS_URL = args.redis_url or None
        RATELIMIT_ENABLED = False
        SESSION_COOKIE_SECURE = False
        UPLOAD_DIR = env["UPLOAD_DIR"]
        SEARCH_INDEX_DIR = env["SEARCH_INDEX_DIR"]
        SEARCH_INDEX_INLINE = False  # the load test runs the indexer as its own process

    app = portal.create_app(Settings)
    counter = Counter()
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counter)
        if category_id is None:
            from sqlalchemy import text

            category_id = db.session.execute(
                text("SELECT id FROM legal_categories WHERE code = 'contract'")
            ).scalar()
    # HTTP_HOST as gunicorn would pass it on loopback.
    base = {"base_url": "http://127.0.0.1"}
    costs: dict[str, list[tuple[int, float]]] = {}
    profiler = (
        (
            cProfile.Profile(time.process_time)
            if os.environ.get("PROFILE_CLOCK") == "cpu"
            else cProfile.Profile()
        )
        if args.profile
        else None
    )

    def call(action, client, method, url, **kwargs):
        before = counter.statements
        started = time.process_time()
        if profiler is not None and action == args.profile:
            profiler.enable()
        record = action == args.sql and len(costs.get(action, ())) == 2
        if record:
            counter.recording = []
        response = client.open(url, method=method, **base, **kwargs)
        text = response.get_data(as_text=True)
        if profiler is not None and action == args.profile:
            profiler.disable()
        if record:
            print(f"--- {action} {method} {url}")
            print("\n".join(counter.recording))
            counter.recording = None
        costs.setdefault(action, []).append(
            (counter.statements - before, (time.process_time() - started) * 1000)
        )
        if response.status_code >= 500:
            raise SystemExit(f"{action} {url}: {response.status_code}")
        return response, text

    def log_in(email):
        client = app.test_client()
        _, page = call("login (form)", client, "GET", "/account/login")
        response, _ = call(
            "login",
            client,
            "POST",
            "/account/login",
            data={"csrf_token": TOKEN.search(page).group(1), "email": email, "password": PASSWORD},
        )
        assert response.status_code == 302, response.status_code
        return client

    firms = [log_in(f"firm{n}@load.example") for n in range(4)]
    lawyers = [log_in(f"lawyer{n}@load.example") for n in range(4)]
    mediators = [log_in(f"mediator{n}@load.example") for n in range(2)]
    visitor = app.test_client()
    asked = []
    for round_ in range(args.rounds):
        firm = firms[round_ % len(firms)]
        _, page = call("ask (form)", firm, "GET", "/questions/ask")
        response, _ = call(
            "ask",
            firm,
            "POST",
            "/questions/ask",
            data={
                "csrf_token": TOKEN.search(page).group(1),
                "title": f"压测问题 {secrets.token_hex(6)} 合同违约如何处理",
                "body": "供应商迟迟不交货，合同约定的违约金是否可以主张？" * 3,
                "category": str(category_id),
                "urgency": "normal",
                "consent_to_publish": "y",
                "submit": "1",
            },
        )
        found = re.search(r"/questions/(\d+)$", response.headers.get("Location", ""))
        if found:
            asked.append(int(found.group(1)))
        call("my questions", firm, "GET", "/questions/mine")
        if asked:
            call("question page (firm)", firm, "GET", f"/questions/{asked[-1]}")
        lawyer = lawyers[round_ % len(lawyers)]
        _, queue = call("lawyer queue", lawyer, "GET", "/questions/queue")
        ids = sorted({int(i) for i in QUESTION_LINK.findall(queue)})
        if ids:
            question_id = ids[0]
            _, page = call("question page (lawyer)", lawyer, "GET", f"/questions/{question_id}")
            if f'action="/questions/{question_id}/claim"' in page:
                response, _ = call(
                    "claim",
                    lawyer,
                    "POST",
                    f"/questions/{question_id}/claim",
                    data={"csrf_token": TOKEN.search(page).group(1)},
                )
                _, page = call("question page (lawyer)", lawyer, "GET", f"/questions/{question_id}")
                tokens = TOKEN.findall(page)
                if tokens and "alert-success" in page:
                    call(
                        "answer",
                        lawyer,
                        "POST",
                        f"/questions/{question_id}/answer",
                        data={
                            "csrf_token": tokens[0],
                            "body": "依据《民法典》第五百七十七条，对方应承担违约责任。",
                        },
                    )
        mediator = mediators[round_ % len(mediators)]
        _, listing = call("mediator cases", mediator, "GET", "/mediation")
        case_id = sorted({int(i) for i in CASE_LINK.findall(listing)})[0]
        call("case page", mediator, "GET", f"/mediation/cases/{case_id}")
        url = f"/mediation/cases/{case_id}/sessions/new"
        _, form = call("session (form)", mediator, "GET", url)
        started = clock.now_local() - timedelta(hours=2)
        call(
            "record session",
            mediator,
            "POST",
            url,
            data={
                "csrf_token": TOKEN.search(form).group(1),
                "held_dt": started.strftime("%Y-%m-%dT%H:%M"),
                "ended_dt": (started + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
                "place": "商会调解室",
                "attendees": "申请人代表、被申请人、调解员",
                "record": "双方就货款支付期限进行协商，约定下次再议。",
            },
        )
        call("public search", visitor, "GET", "/search", query_string={"q": "合同"})
        call("knowledge base", visitor, "GET", "/kb")
        call("baseline /healthz", visitor, "GET", "/healthz")
    print(f"{args.rounds} rounds, {args.database_url}; load average {os.getloadavg()}")
    print(f"{'action':<26}{'n':>5}{'SQL':>6}{'SQL max':>8}{'CPU p50 ms':>12}{'mean':>8}")
    for action in sorted(costs):
        rows = costs[action][1:] or costs[action]  # the first call compiles templates
        print(
            f"{action:<26}{len(rows):>5}{statistics.median(r[0] for r in rows):>6.0f}"
            f"{max(r[0] for r in rows):>8}{statistics.median(r[1] for r in rows):>12.1f}"
            f"{statistics.mean(r[1] for r in rows):>8.1f}"
        )
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(
            os.environ.get("PROFILE_SORT", "cumulative")
        ).print_stats(int(os.environ.get("PROFILE_LINES", "45")))
        if os.environ.get("PROFILE_CALLERS"):
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_callers(
                os.environ["PROFILE_CALLERS"]
            )
        print(out.getvalue())


if __name__ == "__main__":
    main()
