"""Which cases each user sees in lists (permissions.visible_cases and /mediation): every way a
user may see a case (staff, applicant, named party, party firm, assigned mediator, director)
and the near misses that must not show one (a recused or removed mediator, a plain member of
the committee, a firm account not verified, a director of another committee)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation import permissions
from mediation.models import (
    Case,
    CaseMediator,
    CaseParty,
    CaseStatus,
    MemberRole,
    MemberStatus,
    PartyKind,
    PartySide,
)
from portal.accounts.models import Verification
from portal.core.db import db, utcnow
from tests.fixtures.queries import counted_statements


@pytest.fixture
def world(
    create_committee,
    create_mediator,
    create_case,
    create_enterprise,
    create_enterprise_user,
    dummy_staff,
):
    """Two committees; each case seen by one kind of user only (by its title, below)."""
    home, other = create_committee(), create_committee()
    director = create_mediator(home, role=MemberRole.director)
    mediator = create_mediator(home)
    recused = create_mediator(home)
    removed = create_mediator(home)
    colleague = create_mediator(home)  # on the roster, assigned nothing
    elsewhere = create_mediator(other, role=MemberRole.director)
    other_plain = create_mediator(other)
    firm = create_enterprise()
    firm_user = create_enterprise_user(enterprise=firm)
    pending_firm_user = create_enterprise_user(enterprise=firm, verification=Verification.pending)
    applicant = create_enterprise_user()
    person = create_enterprise_user()  # named on a party as a person; their firm is not one
    nobody = create_enterprise_user()

    def case(committee, title, **kw):
        made = create_case(committee, title=title, **kw)
        # The fixture names the applicant on its party row too: keep each route on its own.
        for party in made.parties:
            party.user_id = None
        db.session.flush()
        return made

    start = utcnow() - timedelta(days=30)
    cases = {
        "applicant": case(other, "申请人可见", applicant_user=applicant),
        "firm respondent": case(other, "被申请企业可见", respondent=firm),
        "mediator": case(
            home, "本会调解员可见", status=CaseStatus.in_mediation, mediator_member=mediator
        ),
        "recused": case(
            home, "回避后不可见", status=CaseStatus.in_mediation, mediator_member=recused
        ),
        "removed": case(
            home, "离任后不可见", status=CaseStatus.in_mediation, mediator_member=removed
        ),
        "home plain": case(home, "委员会案件"),
        "other plain": case(other, "他会案件"),
    }
    named = case(other, "当事人本人可见")
    named.parties.append(
        CaseParty(side=PartySide.respondent, kind=PartyKind.person, name="张三", user_id=person.id)
    )
    cases["person"] = named
    cases["other mediator"] = case(
        other, "另一会的调解员可见", status=CaseStatus.in_mediation, mediator_member=other_plain
    )
    for i, made in enumerate(cases.values()):  # distinct dates: the list's order is certain
        made.applied_dt = start + timedelta(days=i)
    recused_row = db.session.scalars(
        select(CaseMediator).where(
            CaseMediator.case_id == cases["recused"].id, CaseMediator.member_id == recused.id
        )
    ).one()
    recused_row.recused_dt = utcnow()
    removed.status = MemberStatus.removed
    db.session.flush()
    users = {
        "staff": dummy_staff,
        "director": director.user,
        "mediator": mediator.user,
        "recused": recused.user,
        "removed": removed.user,
        "colleague": colleague.user,
        "elsewhere": elsewhere.user,
        "other plain": other_plain.user,
        "firm": firm_user,
        "pending firm": pending_firm_user,
        "applicant": applicant,
        "person": person,
        "nobody": nobody,
    }
    return users, cases


HOME = {"mediator", "recused", "removed", "home plain"}
OTHER = {"applicant", "firm respondent", "other plain", "person", "other mediator"}
SEES = {
    "staff": HOME | OTHER,
    "director": HOME,
    "mediator": {"mediator"},
    "recused": set(),
    "removed": set(),
    "colleague": set(),
    "elsewhere": OTHER,
    "other plain": {"other mediator"},
    "firm": {"firm respondent"},
    "pending firm": set(),
    "applicant": {"applicant"},
    "person": {"person"},
    "nobody": set(),
}


def _seen(user, cases):
    ids = set(db.session.scalars(permissions.visible_cases(user).with_only_columns(Case.id)))
    return {name for name, case in cases.items() if case.id in ids}


@pytest.mark.parametrize("who", sorted(SEES))
def test_visible_cases_are_exactly_the_cases_each_user_may_open(app, world, who):
    users, cases = world
    user = users[who]
    with app.test_request_context():
        permissions.forget_memberships()
        assert _seen(user, cases) == SEES[who]
        # The list's filter and the case page's own check agree, case by case.
        assert {n for n, c in cases.items() if permissions.can_view_case(user, c)} == SEES[who]


@pytest.mark.parametrize("who", sorted(SEES))
def test_case_list_shows_each_user_their_cases_newest_first(app, world, login, who):
    users, cases = world
    client = login(users[who], app.test_client())
    page = client.get("/mediation")
    if who == "pending firm":  # an account not yet verified is kept out of the page itself
        assert page.status_code == 403
        return
    assert page.status_code == 200
    shown = [name for name, case in cases.items() if case.title in page.text]
    assert set(shown) == SEES[who]
    # Newest first: the titles appear in the reverse of their (ascending) dates.
    positions = [page.text.index(cases[name].title) for name in shown]
    assert positions == sorted(positions, reverse=True)
    assert f"您可查看的案件：{len(SEES[who])} 件" in page.text


def test_a_directors_list_reads_the_roster_once_with_its_committees(app, world, login):
    users, cases = world
    client = login(users["director"], app.test_client())
    committee_name = cases["home plain"].committee.name
    db.session.expunge_all()  # the request reads from the database, as in a server's worker
    with counted_statements() as statements:
        page = client.get("/mediation")
    assert page.status_code == 200
    assert committee_name in page.text  # the menu names the committee
    roster = [s for s in statements if "FROM mediation_members" in s]
    assert len(roster) == 1 and "JOIN mediation_committees" in roster[0]
    assert not [s for s in statements if "mediation_member_specialities" in s]
    assert not [s for s in statements if s.startswith("SELECT mediation_committees.")]
    assert len(statements) <= 7  # user, roster, cases, count, notifications (+ a margin)
