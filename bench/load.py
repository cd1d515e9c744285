"""Load test: PostgreSQL, gunicorn with 4 workers (the production settings), 50 simulated users
for 60 s, loopback only; then an audit in the database that every acknowledged write is there
exactly once and that refused writes changed nothing.

    python -m bench.load [--users 50] [--duration 60] [--spawn-rate 10]
        [--database-url postgresql://...]

Users: enterprises ask questions and read them; lawyers read their queue, claim questions from
the pool and answer them; mediators open their cases and record mediation sessions; visitors
search and read the knowledge base. Each user waits 0.2-1 s after each round of its pages
(people, not a flood). Like a browser, a user reads the page a write sends it to (the redirect
after logging in, asking, claiming, answering, recording a session) and writes from the page it
has (the answer from the page shown after the claim). Users arrive over the first seconds,
--spawn-rate a second (as locust's spawn rate: not the whole population logging in at the same
instant), then all of them run for --duration seconds; every request of the run is counted,
the arrival included. Prints requests/s, p50/p95/p99 per action, errors, and the CPU each part
of the system used.
The database named by --database-url is dropped and recreated: never point it at real data.
"""

import argparse
import functools
import http.client
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psycopg

from bench.timing import percentile
from portal.core import clock

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-test-password"
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
QUESTION_LINK = re.compile(r'href="/questions/(\d+)"')
CASE_LINK = re.compile(r'href="/mediation/cases/(\d+)"')
CASES_PER_MEDIATOR = 2
ACCESS_MARK = "bench-load-access"
# The indexer runs at the CPU priority of its service (Nice= in
# docs/deploy/portal-search-worker.service): background work yields the cores to the pages.
INDEXER_NICENESS = 10
# Server-side time per action: (method, path pattern) -> action, as the clients name them.
ROUTES = [
    ("GET", r"/account/login", "login"),
    ("GET", r"/", "home (after log-in)"),
    ("POST", r"/account/login", "login"),
    ("GET", r"/questions/ask", "ask (form)"),
    ("POST", r"/questions/ask", "ask"),
    ("GET", r"/questions/mine", "my questions"),
    ("GET", r"/questions/queue", "lawyer queue"),
    ("GET", r"/questions/\d+", "question page"),
    ("POST", r"/questions/\d+/claim", "claim"),
    ("POST", r"/questions/\d+/answer", "answer"),
    ("GET", r"/mediation", "mediator cases"),
    ("GET", r"/mediation/cases/\d+", "case page"),
    ("GET", r"/mediation/cases/\d+/sessions/new", "session (form)"),
    ("POST", r"/mediation/cases/\d+/sessions/new", "record session"),
    ("GET", r"/search", "public search"),
    ("GET", r"/kb", "knowledge base"),
    ("GET", r"/healthz", "baseline /healthz"),
]
SEARCH_TERMS = ["合同", "劳动合同", "违约", "工资", "租赁", "知识产权", "借款", "公司"]


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reset_database(url):
    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def seed(env, enterprises, lawyers, mediators):
    """Accounts for the simulated users, written through the app's own models; each mediator
    leads CASES_PER_MEDIATOR cases in mediation (moved there by the real transitions)."""
    code = f"""
import sys
from datetime import timedelta
from decimal import Decimal
from sqlalchemy import select
import portal
from mediation import operations as mediation_ops
from mediation.models import (Case, CaseMediator, CaseParty, CaseSource, CaseStatus, Committee,
    CommitteeMember, MemberRole, PartyKind, PartySide)
from portal.accounts.models import Chamber, Enterprise, LawyerProfile, Role, User, Verification
from portal.accounts.passwords import hash_password
from portal.core import clock
from portal.core.db import db
from portal.core.models import LegalCategory
from portal.core.reference import make_uscc
from portal.demo import ensure_categories

app = portal.create_app()
with app.app_context():
    ensure_categories()
    contract = db.session.scalar(select(LegalCategory).where(LegalCategory.code == "contract"))
    password = hash_password({PASSWORD!r})
    for n in range({enterprises}):
        firm = Enterprise(name=f"压测企业{{n}}有限公司", uscc=make_uscc(700000 + n), industry="C",
                          size_class="small", verification=Verification.verified)
        db.session.add(User(email=f"firm{{n}}@load.example", name=f"企业用户{{n}}",
                            role=Role.enterprise, password_hash=password, enterprise=firm,
                            verification=Verification.verified))
    for n in range({lawyers}):
        user = User(email=f"lawyer{{n}}@load.example", name=f"律师{{n}}", role=Role.lawyer,
                    password_hash=password, verification=Verification.verified)
        user.lawyer_profile = LawyerProfile(law_firm="压测律师事务所",
            certificate_no=f"{{900000 + n:017d}}", industries="C", weekly_capacity=100000,
            specialities=[contract])
        db.session.add(user)
    chamber = Chamber(code="load", name="压测商会")
    committee = Committee(chamber=chamber, name="压测商会人民调解委员会", dossier_prefix="压调")
    password_user = lambda email, name: User(email=email, name=name, role=Role.mediator,
        password_hash=password, verification=Verification.verified)
    db.session.add(CommitteeMember(committee=committee, role=MemberRole.director,
        user=password_user("director@load.example", "调委会主任"),
        appointed_on=clock.today() - timedelta(days=100)))
    firms = db.session.scalars(select(User).where(User.role == Role.enterprise)).all()
    for n in range({mediators}):
        member = CommitteeMember(committee=committee, role=MemberRole.member,
            user=password_user(f"mediator{{n}}@load.example", f"调解员{{n}}"),
            qualification="律师", training_hours=24,
            appointed_on=clock.today() - timedelta(days=100))
        db.session.add(member)
        for k in range({CASES_PER_MEDIATOR}):
            applicant = firms[(n * {CASES_PER_MEDIATOR} + k) % len(firms)]
            case = Case(committee=committee, title=f"压测调解案件 {{n}}-{{k}} 货款纠纷",
                source=CaseSource.online, facts="乙方拖欠货款 12 万元。", claims="支付货款及利息",
                amount=Decimal("120000.00"), applicant_user_id=applicant.id)
            case.parties = [
                CaseParty(side=PartySide.applicant, kind=PartyKind.enterprise,
                          enterprise_id=applicant.enterprise_id, user_id=applicant.id,
                          name=applicant.enterprise.name, phone="024-12345678"),
                CaseParty(side=PartySide.respondent, kind=PartyKind.person, name="李四",
                          phone="024-87654321"),
            ]
            db.session.add(case)
            db.session.flush()
            mediation_ops.transition(case, CaseStatus.accepted, None, notify_people=False)
            case.mediators.append(CaseMediator(member=member, is_lead=True))
            mediation_ops.transition(case, CaseStatus.mediators_assigned, None,
                                     notify_people=False)
            case.rights_notice_dt = clock.now_utc()
            mediation_ops.transition(case, CaseStatus.in_mediation, None, notify_people=False)
    db.session.commit()
    print(contract.id)
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"bench.load: seeding failed:\n{result.stderr[-2000:]}")
    return int(result.stdout.strip().splitlines()[-1])


class Response:
    def __init__(self, status_code, headers, body):
        self.status_code, self.headers, self.content = status_code, headers, body

    @functools.cached_property
    def text(self):
        return self.content.decode("utf-8", errors="replace")


class Session:
    """One simulated user's browser: its cookies, one HTTP request at a time, no redirects
    followed. Plain http.client: the users share the server's two cores, and the requests
    package spent about four times the CPU per request (0.87 against 0.20 ms, measured here)."""

    errors = (OSError, http.client.HTTPException)

    def __init__(self):
        self.cookies = {}

    def request(self, method, url, timeout=30, allow_redirects=False, params=None, data=None):
        assert not allow_redirects
        parts = urlsplit(url)
        path = quote(parts.path) + (f"?{quote(parts.query, safe='=&%')}" if parts.query else "")
        if params:
            path += ("&" if "?" in path else "?") + urlencode(params)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
        finally:
            connection.close()
        for cookie in response.headers.get_all("Set-Cookie") or ():
            name, _, rest = cookie.partition("=")
            value, *attributes = rest.split(";")
            expired = any(
                a.strip().lower().startswith(("max-age=0", "expires=thu, 01 jan 1970"))
                for a in attributes
            )
            if expired or not value:
                self.cookies.pop(name.strip(), None)
            else:
                self.cookies[name.strip()] = value
        return Response(response.status, response.headers, content)

    def get(self, url, timeout=30, **kwargs):
        return self.request("GET", url, timeout=timeout, **kwargs)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.errors = defaultdict(lambda: defaultdict(int))
        self.asked = []  # (title, question id) acknowledged
        self.claimed = []  # (lawyer email, question id) acknowledged
        self.refused_claims = []  # (lawyer email, question id)
        self.unconfirmed_claims = []  # (lawyer email, question id): the result page failed
        self.answered = []  # (token, question id) acknowledged
        self.sessions = []  # (token, case id) acknowledged
        self.refused_asks = []  # titles of questions refused (form shown again with errors)
        self.refused_sessions = []  # tokens of session records refused

    def timed(self, action, session, method, url, **kwargs):
        started = time.perf_counter()
        try:
            response = session.request(method, url, timeout=30, allow_redirects=False, **kwargs)
        except Session.errors as exc:
            with self.lock:
                self.errors[action][type(exc).__name__] += 1
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latency[action].append(elapsed)
            if response.status_code >= 400:
                self.errors[action][response.status_code] += 1
        return response


def log_in(stats, base, email):
    session = Session()
    page = stats.timed("login", session, "GET", f"{base}/account/login")
    token = TOKEN.search(page.text).group(1)
    response = stats.timed(
        "login",
        session,
        "POST",
        f"{base}/account/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
    )
    if response is None or response.status_code != 302:
        raise RuntimeError(f"could not log in {email}")
    follow(stats, "home (after log-in)", session, base, response)
    return session


def follow(stats, action, session, base, response):
    """The page a redirect sends the user to, as a browser loads it (timed as action)."""
    path = urlsplit(response.headers.get("Location", "")).path
    return stats.timed(action, session, "GET", f"{base}{path}")


def _acknowledged(stats, session, base, question_id):
    """The redirect's page says whether the action succeeded (the flash message)."""
    page = stats.timed("question page", session, "GET", f"{base}/questions/{question_id}")
    return page is not None and page.status_code == 200 and "alert-success" in page.text


def _claim_outcome(stats, session, base, response) -> tuple[str, Response | None]:
    """What the lawyer was told after a claim, and the page that says it: "claimed", "refused"
    (sent back to the queue as the loser of a race, or the question page with an error), or
    "unconfirmed" (the page that says it could not be read: the user was told nothing either
    way)."""
    if response.headers.get("Location", "").endswith("/questions/queue"):
        return "refused", follow(stats, "lawyer queue", session, base, response)
    page = follow(stats, "question page", session, base, response)
    if page is None or page.status_code != 200:
        return "unconfirmed", page
    return ("claimed" if "alert-success" in page.text else "refused"), page


def enterprise_user(stats, base, email, category_id, stop):
    session = log_in(stats, base, email)
    mine = []
    while not stop.is_set():
        if not mine or random.random() < 0.4:
            page = stats.timed("ask (form)", session, "GET", f"{base}/questions/ask")
            if page is None or page.status_code != 200:
                continue
            title = f"压测问题 {secrets.token_hex(6)} 合同违约如何处理"
            # One in ten is bad input (no question text): refused, it must store nothing.
            bad = random.random() < 0.1
            response = stats.timed(
                "ask (refused)" if bad else "ask",
                session,
                "POST",
                f"{base}/questions/ask",
                data={
                    "csrf_token": TOKEN.search(page.text).group(1),
                    "title": title,
                    "body": "" if bad else "供应商迟迟不交货，合同约定的违约金是否可以主张？" * 3,
                    "category": str(category_id),
                    "urgency": "normal",
                    "consent_to_publish": "y",
                    "submit": "1",
                },
            )
            if bad:
                if response is not None and response.status_code == 200:
                    with stats.lock:
                        stats.refused_asks.append(title)
            elif response is not None and response.status_code == 302:
                found = re.search(r"/questions/(\d+)$", response.headers.get("Location", ""))
                if found:
                    with stats.lock:
                        stats.asked.append((title, int(found.group(1))))
                    mine.append(int(found.group(1)))
                follow(stats, "question page", session, base, response)
        else:
            stats.timed("my questions", session, "GET", f"{base}/questions/mine")
            stats.timed("question page", session, "GET", f"{base}/questions/{random.choice(mine)}")
        stop.wait(random.uniform(0.2, 1.0))


def lawyer_user(stats, base, email, stop):
    session = log_in(stats, base, email)
    while not stop.is_set():
        queue = stats.timed("lawyer queue", session, "GET", f"{base}/questions/queue")
        ids = sorted({int(i) for i in QUESTION_LINK.findall(queue.text)}) if queue else []
        if ids:
            question_id = random.choice(ids)
            page = stats.timed("question page", session, "GET", f"{base}/questions/{question_id}")
            tokens = TOKEN.findall(page.text) if page is not None else []
            claim_form = f'action="/questions/{question_id}/claim"' in (page.text if page else "")
            if tokens and claim_form:
                response = stats.timed(
                    "claim",
                    session,
                    "POST",
                    f"{base}/questions/{question_id}/claim",
                    data={"csrf_token": tokens[0]},
                )
                if response is not None and response.status_code in (403, 409):
                    with stats.lock:  # refused (taken meanwhile): must have changed nothing
                        stats.refused_claims.append((email, question_id))
                elif response is not None and response.status_code == 302:
                    outcome, page = _claim_outcome(stats, session, base, response)
                    with stats.lock:
                        {
                            "claimed": stats.claimed,
                            "refused": stats.refused_claims,
                            "unconfirmed": stats.unconfirmed_claims,
                        }[outcome].append((email, question_id))
                    if outcome == "claimed":
                        # The answer is written on the page the claim led to (its form).
                        token = f"答复编号{secrets.token_hex(6)}"
                        response = stats.timed(
                            "answer",
                            session,
                            "POST",
                            f"{base}/questions/{question_id}/answer",
                            data={
                                "csrf_token": TOKEN.findall(page.text)[0],
                                "body": f"{token}：依据《民法典》第五百七十七条，对方应承担违约责任。",
                            },
                        )
                        if (
                            response is not None
                            and response.status_code == 302
                            and _acknowledged(stats, session, base, question_id)
                        ):
                            with stats.lock:
                                stats.answered.append((token, question_id))
        stop.wait(random.uniform(0.2, 1.0))


def mediator_user(stats, base, email, stop):
    """Open my cases, read one, record a session (one in ten with its end before its start:
    refused, must store nothing)."""
    session = log_in(stats, base, email)
    while not stop.is_set():
        listing = stats.timed("mediator cases", session, "GET", f"{base}/mediation")
        ids = sorted({int(i) for i in CASE_LINK.findall(listing.text)}) if listing else []
        if ids:
            case_id = random.choice(ids)
            stats.timed("case page", session, "GET", f"{base}/mediation/cases/{case_id}")
            url = f"{base}/mediation/cases/{case_id}/sessions/new"
            form = stats.timed("session (form)", session, "GET", url)
            tokens = TOKEN.findall(form.text) if form is not None else []
            if tokens:
                token = f"调解记录{secrets.token_hex(6)}"
                started = clock.now_local() - timedelta(hours=2)
                bad = random.random() < 0.1
                ended = started - timedelta(hours=1) if bad else started + timedelta(hours=1)
                response = stats.timed(
                    "record session (refused)" if bad else "record session",
                    session,
                    "POST",
                    url,
                    data={
                        "csrf_token": tokens[0],
                        "held_dt": started.strftime("%Y-%m-%dT%H:%M"),
                        "ended_dt": ended.strftime("%Y-%m-%dT%H:%M"),
                        "place": "商会调解室",
                        "attendees": "申请人代表、被申请人、调解员",
                        "record": f"{token}：双方就货款支付期限进行协商，约定下次再议。",
                    },
                )
                if bad:
                    if response is not None and response.status_code == 200:
                        with stats.lock:
                            stats.refused_sessions.append(token)
                elif response is not None and response.status_code == 302:
                    page = stats.timed(
                        "case page", session, "GET", f"{base}/mediation/cases/{case_id}"
                    )
                    if (
                        page is not None
                        and page.status_code == 200
                        and "alert-success" in page.text
                    ):
                        with stats.lock:
                            stats.sessions.append((token, case_id))
        stop.wait(random.uniform(0.2, 1.0))


def probe(stats, base, stop):
    """The baseline of the same run: /healthz (one SELECT 1, no page) every half second. Its
    latency is what the machine and the queue for a worker add to any request."""
    session = Session()
    while not stop.is_set():
        stats.timed("baseline /healthz", session, "GET", f"{base}/healthz")
        stop.wait(0.5)


def visitor(stats, base, stop):
    session = Session()
    while not stop.is_set():
        term = random.choice(SEARCH_TERMS)
        stats.timed("public search", session, "GET", f"{base}/search", params={"q": term})
        if random.random() < 0.3:
            stats.timed("knowledge base", session, "GET", f"{base}/kb")
        stop.wait(random.uniform(0.2, 1.0))


def _count_check(connection, problems, sql, rows, wanted, message):
    """For each row of parameters, count(*) of sql must be `wanted` (a number, or a function of
    the row); else a problem described by message.format(*row, count=n)."""
    for row in rows:
        n = connection.execute(sql, row).fetchone()[0]
        expected = wanted(row) if callable(wanted) else wanted
        if n != expected:
            problems.append(message.format(*row, count=n))


def audit(url, stats) -> list[str]:
    """Every acknowledged write exactly once; every refused write changed nothing."""
    problems = []
    claimed_by = (
        "SELECT count(*) FROM questions q JOIN users u ON u.id = q.lawyer_id "
        "WHERE u.email = %s AND q.id = %s"
    )
    with psycopg.connect(url) as connection:
        check = functools.partial(_count_check, connection, problems)
        check(  # one row with the title, and it is the acknowledged question
            "SELECT (count(*) = 1 AND bool_and(id = %s))::int FROM questions WHERE title = %s",
            [(question_id, title) for title, question_id in stats.asked],
            1,
            "question {1!r}: not exactly one row, #{0}",
        )
        check(claimed_by, stats.claimed, 1, "claim of #{1} by {0}: not the question's lawyer")
        check(claimed_by, stats.refused_claims, 0, "refused claim of #{1} by {0} took effect")
        check(
            "SELECT count(*) FROM question_messages WHERE question_id = %s AND body LIKE %s",
            [(question_id, f"{token}%") for token, question_id in stats.answered],
            1,
            "answer {1} on #{0}: {count} rows",
        )
        check(
            "SELECT count(*) FROM questions WHERE title = %s",
            [(title,) for title in stats.refused_asks],
            0,
            "refused question {0!r} was stored",
        )
        check(
            "SELECT count(*) FROM mediation_sessions WHERE case_id = %s AND record LIKE %s",
            [(case_id, f"{token}%") for token, case_id in stats.sessions],
            1,
            "session {1} on case {0}: {count} rows",
        )
        check(
            "SELECT count(*) FROM mediation_sessions WHERE record LIKE %s",
            [(f"{token}%",) for token in stats.refused_sessions],
            0,
            "refused session {0} was stored",
        )
        # Nothing stored beyond what was acknowledged (a write the client was not told about).
        check(
            "SELECT count(*) FROM mediation_sessions WHERE record LIKE %s",
            [("调解记录%",)],
            len(stats.sessions),
            f"{{count}} sessions in the database, {len(stats.sessions)} acknowledged",
        )
        check(
            "SELECT count(*) FROM questions WHERE title LIKE %s",
            [("压测问题%",)],
            len(stats.asked),
            f"{{count}} questions in the database, {len(stats.asked)} acknowledged",
        )
    return problems


def server_times(log_path) -> dict:
    """Milliseconds each request spent inside a gunicorn worker, per action (from the access log)."""
    patterns = [(m, re.compile(f"{p}$"), a) for m, p, a in ROUTES]
    times = defaultdict(list)
    for line in Path(log_path).read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) != 5 or parts[0] != ACCESS_MARK:
            continue
        _mark, method, path, status, micros = parts
        for m, pattern, action in patterns:
            if m == method and pattern.match(path):
                if action in ("ask", "record session") and status == "200":
                    action += " (refused)"  # the form shown again with its errors
                times[action].append(int(micros) / 1000)
                break
    return times


class ProcessCPU:
    """CPU seconds (user + system) a set of processes used since this object was made (Linux
    /proc; a process that ended meanwhile counts up to its last reading)."""

    TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100

    def __init__(self, pids):
        self.pids = list(pids)
        self.start = {pid: self.seconds(pid) for pid in self.pids}

    @classmethod
    def seconds(cls, pid) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / cls.TICK  # utime, stime

    @staticmethod
    def children(pid) -> list[int]:
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def used(self, now_running=()) -> float:
        """Also counts the whole time of processes in now_running that started meanwhile."""
        pids = set(self.pids) | set(now_running)
        return sum(max(0.0, self.seconds(p) - self.start.get(p, 0.0)) for p in pids)


def database_backends(url) -> list[int]:
    """Process ids of the PostgreSQL backends connected to url's database (the workers' pools
    and the indexer's), other than this query's own."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return [pid for (pid,) in rows]


def index_backlog(url) -> int:
    """Changes in the search outbox the indexer has not applied yet."""
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM search_outbox").fetchone()[0]


class MachineCPU:
    """Share of all CPUs busy (not idle or waiting for I/O) since this object was made."""

    def __init__(self):
        self.start = self.read()

    @staticmethod
    def read():
        try:
            values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        except OSError:
            return 0, 0
        idle = values[3] + values[4]
        return sum(values) - idle, sum(values)

    def busy(self) -> float:
        busy, total = self.read()
        return (busy - self.start[0]) / max(1, total - self.start[1])


def report(stats, duration, server=None):
    total = sum(len(v) for v in stats.latency.values())
    print(f"\n{total} requests in {duration:.0f} s: {total / duration:.1f} requests/s")
    print(f"load average at the end (1/5/15 min): {os.getloadavg()}, {os.cpu_count()} CPUs")
    server = server or {}
    print("client side: what the simulated user waited; server: time inside a gunicorn worker")
    print(
        f"{'action':<26}{'n':>6}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
        f"{'server p50':>12}{'p95':>7}  errors"
    )
    for action in sorted(stats.latency):
        values = [v * 1000 for v in stats.latency[action]]
        errors = dict(stats.errors.get(action, {}))
        inside = server.get(action)
        inside_text = (
            f"{statistics.median(inside):>12.0f}{percentile(inside, 95):>7.0f}"
            if inside
            else " " * 19
        )
        print(
            f"{action:<26}{len(values):>6}{statistics.median(values):>8.0f}"
            f"{percentile(values, 95):>8.0f}{percentile(values, 99):>8.0f}{inside_text}"
            f"  {errors or '-'}"
        )
    for action, errors in stats.errors.items():
        if action not in stats.latency:
            print(f"{action:<26}{'':>49}  {dict(errors)}")
    print(
        f"writes acknowledged: {len(stats.asked)} questions, {len(stats.claimed)} claims "
        f"({len(stats.refused_claims)} refused: someone else was first; "
        f"{len(stats.unconfirmed_claims)} unconfirmed: the page saying so failed), "
        f"{len(stats.answered)} answers, {len(stats.sessions)} mediation sessions"
    )
    print(
        f"bad input refused: {len(stats.refused_asks)} questions, "
        f"{len(stats.refused_sessions)} sessions"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--spawn-rate",
        type=float,
        default=10,
        help="users starting per second (0: all at the same instant)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "LOAD_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/portal_load"
        ),
    )
    parser.add_argument("--redis-url", default=os.environ.get("LOAD_REDIS_URL", ""))
    args = parser.parse_args(argv)
    if not args.database_url.startswith("postgresql://"):
        raise SystemExit("bench.load runs on PostgreSQL: --database-url postgresql://...")
    if args.duration > 600 or args.users > 500:
        raise SystemExit("bench.load: bounded to 600 s and 500 users")

    n_firms = max(1, args.users * 2 // 5)
    n_lawyers = max(1, args.users // 4)
    n_mediators = max(1, args.users * 3 // 20)
    n_visitors = max(1, args.users - n_firms - n_lawyers - n_mediators)
    # The search index and uploads of this run, apart from any other run's (two runs on one
    # machine with different databases must not share, nor wipe, one search index).
    database_name = args.database_url.rsplit("/", 1)[1]
    state = Path(os.environ.get("LOAD_STATE_DIR", f"/tmp/portal-bench-load-{database_name}"))
    # The database is recreated: so is the index of its documents (one left by the previous run
    # would keep that run's documents, ids that now name other records).
    shutil.rmtree(state / "search-index", ignore_errors=True)
    shutil.rmtree(state / "uploads", ignore_errors=True)
    state.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(32),
        "DATABASE_URL": args.database_url,
        "PORTAL_SESSION_COOKIE_SECURE": "false",  # plain http on loopback
        # Every simulated user comes from 127.0.0.1: per-address limits would refuse them.
        "RATELIMIT_ENABLED": "0",
        "UPLOAD_DIR": str(state / "uploads"),
        "SEARCH_INDEX_DIR": str(state / "search-index"),
        "SEARCH_INDEX_INLINE": "0",
        "PORTAL_BIND": f"127.0.0.1:{port}",
        "PORTAL_WORKERS": str(args.workers),
    }
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    print(f"database {args.database_url} (recreated), {args.workers} gunicorn workers")
    reset_database(args.database_url)
    subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    category_id = seed(env, n_firms, n_lawyers, n_mediators)
    log = open(state / "server.log", "w")  # noqa: SIM115 (closed in finally)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "docs/deploy/gunicorn.conf.py",
            # Each request's time inside the worker, to tell work from waiting for a worker.
            "--access-logformat",
            f"{ACCESS_MARK} %(m)s %(U)s %(s)s %(D)s",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    indexer = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "search", "work", "--loop"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=functools.partial(os.nice, INDEXER_NICENESS),
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # a loaded machine starts slowly
        while True:
            try:
                if Session().get(f"{base}/healthz", timeout=5).status_code == 200:
                    break
            except Session.errors:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("bench.load: the server did not start (see server.log)")
            time.sleep(0.3)
        # Warm-up, not measured: each worker compiles its templates on first use.
        warm = Session()
        for _ in range(args.workers * 3):
            for path in ("/account/login", "/search?q=合同", "/kb", "/"):
                warm.get(f"{base}{path}", timeout=60)
        stats, stop = Stats(), threading.Event()
        threads = [
            threading.Thread(
                target=enterprise_user,
                args=(stats, base, f"firm{n}@load.example", category_id, stop),
            )
            for n in range(n_firms)
        ]
        threads += [
            threading.Thread(
                target=lawyer_user, args=(stats, base, f"lawyer{n}@load.example", stop)
            )
            for n in range(n_lawyers)
        ]
        threads += [
            threading.Thread(
                target=mediator_user, args=(stats, base, f"mediator{n}@load.example", stop)
            )
            for n in range(n_mediators)
        ]
        threads += [
            threading.Thread(target=visitor, args=(stats, base, stop)) for _ in range(n_visitors)
        ]
        threads.append(threading.Thread(target=probe, args=(stats, base, stop)))
        # The probe first (it is the baseline from the start), then the users in a fixed mix.
        threads.insert(0, threads.pop())
        ramp = (len(threads) - 1) / args.spawn_rate if args.spawn_rate > 0 else 0
        print(
            f"{len(threads)} users ({n_firms} enterprises, {n_lawyers} lawyers, "
            f"{n_mediators} mediators, {n_visitors} visitors, 1 probe): "
            + (
                f"arriving {args.spawn_rate:g} a second over {ramp:.0f} s, then "
                if ramp
                else "all starting at once, "
            )
            + f"{args.duration:.0f} s all together; every request counted"
        )
        cpu_parts = {
            "gunicorn workers": ProcessCPU(ProcessCPU.children(server.pid)),
            "PostgreSQL backends": ProcessCPU(database_backends(args.database_url)),
            "search indexer": ProcessCPU([indexer.pid]),
        }
        machine = MachineCPU()
        started, cpu_started = time.monotonic(), time.process_time()
        for n, thread in enumerate(threads):
            thread.daemon = True
            if ramp:
                time.sleep(max(0.0, started + n / args.spawn_rate - time.monotonic()))
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join(timeout=40)
        elapsed = time.monotonic() - started
        client_cpu = time.process_time() - cpu_started
        used = {
            "gunicorn workers": cpu_parts["gunicorn workers"].used(ProcessCPU.children(server.pid)),
            "PostgreSQL backends": cpu_parts["PostgreSQL backends"].used(
                database_backends(args.database_url)
            ),
            "search indexer": cpu_parts["search indexer"].used(),
        }
        used["load generator"] = client_cpu
        busy = machine.busy()
        backlog = index_backlog(args.database_url)
        log.flush()
        report(stats, elapsed, server_times(state / "server.log"))
        # Everything runs on the same cores: where their time went.
        total = sum(len(v) for v in stats.latency.values())
        print(f"CPU in {elapsed:.0f} s ({os.cpu_count()} CPUs):")
        for name, seconds in used.items():
            print(
                f"  {name:<22}{seconds:>7.1f} s  {seconds / elapsed:>5.0%} of one core  "
                f"{seconds / max(total, 1) * 1000:>5.1f} ms per request"
            )
        print(
            f"  whole machine busy     {busy:>7.0%} of its {os.cpu_count()} CPUs "
            "(anything else running included)"
        )
        print(
            f"search index behind at the end: {backlog} changes waiting "
            f"(the indexer runs at nice {INDEXER_NICENESS}, as its service)"
        )
    finally:
        for process in (server, indexer):
            process.terminate()
        for process in (server, indexer):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()
    problems = audit(args.database_url, stats)
    five_xx = sum(n for e in stats.errors.values() for k, n in e.items() if str(k).startswith("5"))
    print(f"5xx responses: {five_xx}")
    if problems:
        print("AUDIT FAILED:")
        for problem in problems[:20]:
            print("  " + problem)
        raise SystemExit(1)
    print(
        "audit: every acknowledged write is in the database exactly once; refused claims, "
        "questions and sessions changed nothing"
    )


if __name__ == "__main__":
    main()
