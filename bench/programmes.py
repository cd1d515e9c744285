"""Bench rows of the programme packages: 100,000 questions and 20,000 mediation cases at scale 1."""

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from bench.generate import generator
from bench.questions import generate_questions
from mediation.models import (
    Case,
    CaseParty,
    CaseSource,
    CaseStatus,
    Committee,
    CommitteeMember,
    MemberRole,
)
from portal.accounts.models import Chamber, Enterprise, Role, User, Verification
from portal.accounts.passwords import hash_password
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory
from portal.demo import DEMO_PASSWORD, person_name

QUESTIONS_PER_SCALE = 100_000
CASES_PER_SCALE = 20_000
KINDS = ["货款纠纷", "租赁合同纠纷", "劳动报酬纠纷", "装修工程款纠纷", "借款纠纷"]
# What two years of a city's chamber committees accumulate: most cases finished.
CASE_STATES = {
    CaseStatus.archived: 55,
    CaseStatus.return_visited: 10,
    CaseStatus.agreement_reached: 6,
    CaseStatus.failed: 8,
    CaseStatus.withdrawn: 5,
    CaseStatus.declined: 4,
    CaseStatus.in_mediation: 5,
    CaseStatus.mediators_assigned: 3,
    CaseStatus.accepted: 2,
    CaseStatus.applied: 2,
}


@generator(order=20, name="questions")
def questions(app, scale, rng):
    n = int(QUESTIONS_PER_SCALE * scale)
    generate_questions(db.session, n, seed=rng.randrange(10**6), ensure_people=False)
    return f"{n} questions"


def _committees(rng):
    """One committee per chamber with a director and two mediators (made once)."""
    password_hash = hash_password(DEMO_PASSWORD)
    committees = []
    for chamber in db.session.scalars(select(Chamber).order_by(Chamber.id)):
        committee = db.session.scalar(select(Committee).where(Committee.chamber_id == chamber.id))
        if committee is None:
            committee = Committee(
                chamber=chamber,
                name=f"{chamber.name}人民调解委员会",
                dossier_prefix="沈商调",
                duration_limit_days=30,
            )
            db.session.add(committee)
            for n, role in enumerate((MemberRole.director, MemberRole.member, MemberRole.member)):
                user = User(
                    email=f"bench-mediator{chamber.id}-{n}@bench.example",
                    name=person_name(rng),
                    role=Role.mediator,
                    password_hash=password_hash,
                    verification=Verification.verified,
                )
                db.session.add(
                    CommitteeMember(
                        committee=committee,
                        user=user,
                        role=role,
                        qualification="律师",
                        appointed_on=clock.today() - timedelta(days=400),
                    )
                )
        committees.append(committee)
    db.session.flush()
    return committees


@generator(order=30, name="mediation")
def mediation_cases(app, scale, rng):
    committees = _committees(rng)
    firms = db.session.execute(
        select(Enterprise.id, Enterprise.name).where(
            Enterprise.verification == Verification.verified
        )
    ).all()
    categories = list(db.session.scalars(select(LegalCategory.id)))
    states, weights = zip(*CASE_STATES.items(), strict=True)
    now = utcnow()
    n = int(CASES_PER_SCALE * scale)
    done = 0
    while done < n:
        rows, pairs = [], []
        for _ in range(min(2000, n - done)):
            committee = rng.choice(committees)
            applicant, respondent = rng.sample(firms, 2)
            status = rng.choices(states, weights)[0]
            applied = now - timedelta(minutes=rng.randrange(60, 60 * 24 * 730))
            finished = status not in (
                CaseStatus.applied,
                CaseStatus.accepted,
                CaseStatus.mediators_assigned,
                CaseStatus.in_mediation,
            )
            accepted = applied + timedelta(days=2) if status != CaseStatus.applied else None
            rows.append(
                {
                    "committee_id": committee.id,
                    "title": f"{applicant.name}与{respondent.name}{rng.choice(KINDS)}",
                    "source": rng.choice(list(CaseSource)).value,
                    "category_id": rng.choice(categories),
                    "amount": Decimal(rng.randrange(5, 900) * 1000),
                    "facts": "对方拖欠款项至今未付，对账单已经双方盖章确认。",
                    "claims": "请求支付欠款及逾期利息。",
                    "status": status.value,
                    "applied_dt": applied,
                    "accepted_dt": accepted,
                    "due_dt": accepted + timedelta(days=30) if accepted else None,
                    "closed_dt": applied + timedelta(days=rng.randrange(5, 40))
                    if finished
                    else None,
                    "status_changed_dt": applied,
                    "created_dt": applied,
                }
            )
            pairs.append((applicant, respondent))
        ids = db.session.scalars(
            insert(Case).returning(Case.id, sort_by_parameter_order=True), rows
        )
        parties = []
        for case_id, (applicant, respondent) in zip(ids, pairs, strict=True):
            for side, firm in (("applicant", applicant), ("respondent", respondent)):
                parties.append(
                    {
                        "case_id": case_id,
                        "side": side,
                        "kind": "enterprise",
                        "enterprise_id": firm.id,
                        "name": firm.name,
                    }
                )
        db.session.execute(insert(CaseParty), parties)
        done += len(rows)
        db.session.flush()
    return f"{n} mediation cases in {len(committees)} committees"
