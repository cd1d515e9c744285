"""House rule: a list page runs a fixed number of queries, however many rows it shows.

Every argument-less page (and the detail pages that list a record's children) is rendered for
each role with 5 and with 50 rows of everything that role can see; the number of SQL statements
(counted with a SQLAlchemy event listener) must not grow with the rows.
"""

from collections import Counter

import pytest

from knowledge import operations as question_ops
from mediation.models import CaseStatus, MemberRole
from portal.accounts.models import Role
from portal.core.db import db
from portal.notifications.operations import notify
from tests.fixtures.programmes import next_free_start
from tests.fixtures.queries import counted_statements

SKIPPED = (".xlsx", ".ics", ".docx", ".zip", "/logout", "/healthz")
# Growth allowed between 5 and 50 rows: none.
ALLOWED_GROWTH = 0


def list_pages(app):
    for rule in app.url_map.iter_rules():
        if (
            "GET" in rule.methods
            and not rule.arguments
            and not rule.endpoint.startswith(("static", "bootstrap"))
            and not rule.rule.endswith(SKIPPED)
        ):
            yield rule.rule


class World:
    """One user of each role, and `grow(n)` adds n rows of every kind each of them can see."""

    def __init__(self, app, f):
        self.app = app
        self.f = f
        self.staff = f["create_user"](Role.staff)
        self.admin = f["create_user"](Role.admin)
        self.firm = f["create_enterprise"](address="沈阳市和平区青年大街1号")
        self.enterprise = f["create_enterprise_user"](enterprise=self.firm)
        self.lawyer = f["create_lawyer"]()
        self.committee = f["create_committee"]()
        self.director = f["create_mediator"](self.committee, role=MemberRole.director)
        self.mediator = self.director.user
        self.users = {
            Role.staff: self.staff,
            Role.admin: self.admin,
            Role.enterprise: self.enterprise,
            Role.lawyer: self.lawyer,
            Role.mediator: self.mediator,
        }
        self.groups = []
        self.series = f["create_series"]()

    def grow(self, n):
        with self.app.test_request_context("/"):  # operations format messages with Babel
            self._grow(n)

    def _grow(self, n):
        f = self.f
        for _ in range(n):
            # Accounts: a firm with its user, a lawyer, a mediator (rosters and account lists).
            other_firm_user = f["create_enterprise_user"]()
            f["create_lawyer"]()
            # Questions: the firm's own, one claimed and answered by the lawyer.
            f["create_question"](asker=self.enterprise)
            question = question_ops.ask_direct(
                asker=self.enterprise,
                lawyers=[self.lawyer],
                title="员工未签劳动合同离职后要求双倍工资",
                body="入职半年未签书面劳动合同，员工离职后申请仲裁。",
            )
            question_ops.claim(question, self.lawyer)
            question_ops.answer(question, self.lawyer, "依据《劳动合同法》第八十二条处理。")
            f["create_question"](asker=other_firm_user)
            # Mediation: committees, members and cases of the mediator's committee.
            committee = f["create_committee"]()
            f["create_mediator"](committee, role=MemberRole.director)
            f["create_mediator"](self.committee)
            f["create_case"](self.committee, applicant_user=self.enterprise)
            f["create_case"](
                self.committee, status=CaseStatus.accepted, applicant_user=other_firm_user
            )
            # A case of each new committee: staff lists show cases of many committees.
            f["create_case"](committee, applicant_user=other_firm_user)
            # Check-ups of the firm with the lawyer.
            f["create_checkup"](
                enterprise=self.firm, lawyers=[self.lawyer], start=next_free_start()
            )
            # 5+1 counsel groups (the lawyer serves at most a few: new counsel for the rest).
            group = f["create_counsel_group"](firms=2, lawyers=1)
            f["create_counsel_service"](group)
            self.groups.append(group)
            # Appeals referrals of the firm, lectures, notifications for everyone.
            f["create_appeal_referral"](enterprise=self.firm, by=self.staff)
            f["create_lecture"](series_id=self.series.id)
            notify(list(self.users.values()), "测试通知", url="/")
        db.session.flush()


FACTORIES = [
    "create_user",
    "create_enterprise",
    "create_enterprise_user",
    "create_lawyer",
    "create_question",
    "create_committee",
    "create_mediator",
    "create_case",
    "create_checkup",
    "create_counsel_group",
    "create_counsel_service",
    "create_appeal_referral",
    "create_series",
    "create_lecture",
]


@pytest.fixture
def world(request, app):
    return World(app, {name: request.getfixturevalue(name) for name in FACTORIES})


def _query_counts(client, login, user, paths):
    client.post("/account/logout")
    login(user)
    counts = {}
    for path in paths:
        with counted_statements() as statements:
            response = client.get(path)
        if response.status_code == 200:
            counts[path] = statements
    return counts


def _most_repeated(statements) -> str:
    statement, times = Counter(" ".join(s.split())[:160] for s in statements).most_common(1)[0]
    return f"{times}x {statement}"


def _detail_pages(world):
    group = world.groups[0]
    return [
        f"/mediation/committees/{world.committee.id}",
        f"/counsel/groups/{group.id}",
        f"/lectures/series/{world.series.id}",
        f"/account/staff/enterprises/{world.firm.id}",
    ]


ROLES = [Role.staff, Role.admin, Role.enterprise, Role.lawyer, Role.mediator]


def test_list_pages_run_a_fixed_number_of_queries(app, client, login, world):
    paths = sorted(set(list_pages(app)))
    world.grow(5)
    paths += _detail_pages(world)
    few = {role: _query_counts(client, login, world.users[role], paths) for role in ROLES}
    world.grow(45)
    many = {role: _query_counts(client, login, world.users[role], paths) for role in ROLES}
    grown = {}
    for role in ROLES:
        assert len(few[role]) > 5, f"{role}: too few pages rendered to judge"
        for path, before in few[role].items():
            after = many[role].get(path)
            if after is not None and len(after) > len(before) + ALLOWED_GROWTH:
                grown[f"{role.value} {path}"] = (len(before), len(after), _most_repeated(after))
    report = "\n".join(f"{page}: {n} -> {m} queries; {top}" for page, (n, m, top) in grown.items())
    assert not grown, f"query count grows with the rows (5 rows -> 50 rows):\n{report}"


def test_the_counter_sees_a_query_per_row(app, world):
    """The listener counts lazy loads: a loop over rows touching a relationship is caught."""
    from sqlalchemy import select

    from mediation.models import Case

    world.grow(3)
    db.session.expire_all()
    with counted_statements() as statements:
        cases = db.session.scalars(select(Case)).all()
        for case in cases:
            _ = case.parties
    assert len(statements) > len(cases) > 1
