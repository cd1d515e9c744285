"""Search never shows what the page refuses (issue 11, section 3).

Reproductions (a lawyer with a declared conflict, a mediator removed from a committee) and a
property test: for random users and every searchable kind, every hit is a page the user opens.
"""

import itertools
import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from knowledge import operations as questions
from knowledge.documents import question_document
from knowledge.search import engine
from knowledge.search.indexer import process_outbox
from knowledge.search.outbox import SearchOutbox, enqueue
from mediation import operations as mediation
from mediation.models import CaseStatus, MemberRole
from portal.accounts.models import Role, Verification
from portal.core import clock
from portal.core.db import db
from portal.core.permissions import is_active_verified
from tests.fixtures.accounts import PASSWORD

WORD = "共同暗号"


@pytest.fixture(autouse=True)
def own_index(search_index, app, monkeypatch):
    """A fresh index per test, filled only when the test runs the indexer."""
    monkeypatch.setitem(app.config, "SEARCH_INDEX_INLINE", False)


def _hits(query, user, kinds=None):
    return [(hit.kind, hit.id) for hit in engine.search(query, kinds=kinds, user=user).hits]


def _queued(kind, object_id) -> bool:
    stmt = select(SearchOutbox.id).where(
        SearchOutbox.kind == kind, SearchOutbox.object_id == object_id
    )
    return db.session.scalar(stmt) is not None


# ------------------------------------------------------------------------ reproductions


def test_a_lawyer_who_declares_a_conflict_no_longer_finds_the_firms_question(
    client, login, create_question, matching_lawyer
):
    question = create_question(title="货款到期机密标题怎么办")
    questions.claim(question, matching_lawyer)
    process_outbox()
    assert _hits("机密标题", matching_lawyer) == [("question", question.id)]

    login(matching_lawyer)
    response = client.post(
        "/account/conflicts", data={"enterprise_id": question.enterprise_id, "reason": "对方代理"}
    )
    assert response.status_code == 302
    assert client.get(f"/questions/{question.id}").status_code == 403
    # Before the indexer runs: the hit is checked against the page's rule and dropped.
    assert _hits("机密标题", matching_lawyer) == []
    # The question was re-queued, and its new access list leaves the lawyer out.
    assert _queued("question", question.id)
    assert f"user:{matching_lawyer.id}" not in question_document(question.id)["access"]
    process_outbox()
    assert _hits("机密标题", matching_lawyer) == []
    assert engine.search("机密标题", user=matching_lawyer).total == 0


def test_a_mediator_removed_from_the_committee_no_longer_finds_its_cases(
    client, login, create_case, dummy_committee, dummy_mediator, dummy_staff
):
    case = create_case(
        dummy_committee,
        status=CaseStatus.in_mediation,
        mediator_member=dummy_mediator,
        facts="双方争议机密金额八十万元",
    )
    process_outbox()
    mediator = dummy_mediator.user
    assert _hits("机密金额", mediator) == [("mediation_case", case.id)]

    mediation.remove_member(dummy_mediator, dummy_staff, removed_on=clock.today(), reason="调离")
    db.session.flush()
    login(mediator)
    assert client.get(f"/mediation/cases/{case.id}").status_code == 403
    assert _hits("机密金额", mediator) == []
    assert _queued("mediation_case", case.id)
    process_outbox()
    assert engine.search("机密金额", user=mediator).total == 0


def test_a_recused_mediator_no_longer_finds_the_case(
    create_case, dummy_committee, dummy_mediator, dummy_director
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    process_outbox()
    seat = case.active_mediators[0]
    mediation.recuse(seat, dummy_director.user, "与一方有利害关系")
    db.session.flush()
    assert _hits("货款纠纷", dummy_mediator.user) == []
    process_outbox()
    assert engine.search("货款纠纷", user=dummy_mediator.user).total == 0


def test_an_account_that_is_deactivated_or_rejected_keeps_only_public_hits(
    create_question, create_enterprise_user, dummy_staff
):
    from portal.accounts import operations as accounts

    asker = create_enterprise_user()
    question = create_question(asker=asker, title="劳动合同机密解除")
    process_outbox()
    assert _hits("机密解除", asker) == [("question", question.id)]
    accounts.verify_user(asker, by=dummy_staff, approve=False)
    db.session.flush()
    assert _queued("question", question.id)
    assert _hits("机密解除", asker) == []


# ------------------------------------------------------------------------ the property


@pytest.fixture
def searchable_world(
    app,
    create_case,
    create_committee,
    create_mediator,
    create_enterprise,
    create_enterprise_user,
    create_lawyer,
    create_question,
    create_checkup,
    create_appeal_referral,
    create_lecture,
    dummy_staff,
):
    """One record of every searchable kind, each with WORD in its title or text."""
    from courses.models import LectureStatus
    from knowledge.models import KnowledgeArticle

    firm = create_enterprise(name=f"{WORD}机械厂", address="沈阳市和平区青年大街1号")
    owner = create_enterprise_user(enterprise=firm)
    committee = create_committee()
    director = create_mediator(committee, role=MemberRole.director)
    mediator = create_mediator(committee)
    case = create_case(
        committee,
        status=CaseStatus.in_mediation,
        applicant_user=owner,
        mediator_member=mediator,
        title=f"{WORD}货款纠纷",
    )
    lawyer = create_lawyer()
    question = create_question(asker=owner, title=f"{WORD}合同问题")
    questions.claim(question, lawyer)
    public_question = create_question(title=f"{WORD}公开问题")
    article = KnowledgeArticle(
        question_id=public_question.id,
        title=f"{WORD}知识库文章",
        question_text="问",
        answer_text="答",
        category_id=public_question.category_id,
        is_published=True,
    )
    db.session.add(article)
    db.session.flush()
    enqueue("kb_article", article.id)
    create_checkup(enterprise=firm)
    create_appeal_referral(enterprise=firm, summary=f"{WORD}诉求")
    vtt = f"WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n{WORD}讲座字幕\n"
    create_lecture(status=LectureStatus.draft, title=f"{WORD}草稿讲座", transcript=vtt)
    create_lecture(title=f"{WORD}公开讲座", transcript=vtt)
    db.session.flush()
    return {
        "firm": firm,
        "committee": committee,
        "case": case,
        "question": question,
        "lawyer": lawyer,
        "director": director,
        "mediator": mediator,
        "staff": dummy_staff,
    }


_emails = itertools.count(1)

user_profiles = st.fixed_dictionaries(
    {
        "role": st.sampled_from(["enterprise", "lawyer", "mediator", "staff"]),
        "verification": st.sampled_from(["verified", "verified", "pending", "rejected"]),
        "deactivated": st.booleans(),
        "same_firm": st.booleans(),
        "membership": st.sampled_from([None, "member", "director", "removed", "assigned"]),
        "conflict": st.booleans(),
        "assigned_lawyer": st.booleans(),
    }
)


def _make_user(world, profile, create_user, create_lawyer, create_enterprise):
    """A user as the profile says, made through the operations that re-queue the index."""
    from portal.accounts import operations as accounts

    n = next(_emails)
    role = profile["role"]
    fields = {
        "email": f"random{n}@example.com",
        "verification": Verification(profile["verification"]),
    }
    if role == "lawyer" and profile["assigned_lawyer"]:
        user = world["lawyer"]
        if profile["conflict"] and not user.lawyer_profile.has_conflict_with(world["firm"].id):
            accounts.declare_conflict(user.lawyer_profile, world["firm"], reason="", by=user)
    elif role == "lawyer":
        user = create_lawyer(**fields)
    elif role == "enterprise":
        firm = world["firm"] if profile["same_firm"] else create_enterprise()
        user = create_user(Role.enterprise, enterprise=firm, **fields)
    else:
        user = create_user(Role(role), **fields)
    if role == "mediator" and profile["membership"]:
        kind = profile["membership"]
        committee, staff = world["committee"], world["staff"]
        if kind == "assigned":
            user = world["mediator"].user
        else:
            member = mediation.appoint_member(
                committee,
                user,
                staff,
                role=MemberRole.director if kind == "director" else MemberRole.member,
            )
            if kind == "removed":
                mediation.remove_member(member, staff, removed_on=clock.today(), reason="调离")
    if profile["deactivated"] and user.id not in (world["lawyer"].id, world["mediator"].user_id):
        accounts.set_deactivated(user, by=world["staff"], deactivated=True)
    db.session.flush()
    return user


@pytest.mark.parametrize("defence", ["page check", "index alone"])
def test_every_hit_is_a_page_the_user_can_open(
    app,
    searchable_world,
    create_user,
    create_lawyer,
    create_enterprise,
    monkeypatch,
    defence,
):
    """With the page check, and with the index alone (the outbox applied): no hit is refused."""
    if defence == "index alone":
        monkeypatch.setattr("knowledge.search.access.permitted_hits", lambda hits, user: hits)
    kinds = sorted(engine.search_sources())
    assert {"question", "mediation_case", "checkup", "appeal_referral", "lecture"} <= set(kinds)
    process_outbox()

    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(profile=user_profiles)
    def check(profile):
        # Hypothesis seeds `random` alike for every example; Whoosh names its segments with it.
        random.seed(os.urandom(16))
        user = _make_user(searchable_world, profile, create_user, create_lawyer, create_enterprise)
        if defence == "index alone":
            process_outbox()
        # Accounts that do not act in the portal may open public pages only, as anyone may.
        client = app.test_client()
        if is_active_verified(user):
            response = client.post(
                "/account/login", data={"email": user.email, "password": PASSWORD}
            )
            assert response.status_code == 302
        for kind in kinds:
            for hit in engine.search(WORD, kinds=[kind], user=user).hits:
                status = client.get(hit.url).status_code
                assert status == 200, (profile, kind, hit.url, status)

    check()
