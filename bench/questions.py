"""Generate many questions (bulk inserts) for benchmarks: `generate_questions(session, n)`."""

import random
from datetime import timedelta

from sqlalchemy import func, insert, select

from knowledge.models import Question, QuestionOffer, QuestionStatus
from portal.accounts.models import Enterprise, LawyerProfile, Role, User, Verification
from portal.accounts.passwords import hash_password
from portal.core.db import utcnow
from portal.core.models import LegalCategory
from portal.core.reference import make_uscc

BENCH_PASSWORD = "bench-password"
# Per mille of questions in each state: what a programme accumulates over two years.
STATE_WEIGHTS = {
    QuestionStatus.closed: 880,
    QuestionStatus.withdrawn: 30,
    QuestionStatus.escalated: 20,
    QuestionStatus.draft: 10,
    QuestionStatus.answered: 15,
    QuestionStatus.pool: 15,
    QuestionStatus.claimed: 15,
    QuestionStatus.assigned: 5,
    QuestionStatus.needs_info: 5,
    QuestionStatus.follow_up: 3,
    QuestionStatus.submitted: 2,
}
# Open questions are recent; finished ones spread over two years.
OPEN_STATES = {
    QuestionStatus.answered,
    QuestionStatus.pool,
    QuestionStatus.claimed,
    QuestionStatus.assigned,
    QuestionStatus.needs_info,
    QuestionStatus.follow_up,
    QuestionStatus.submitted,
    QuestionStatus.draft,
}
OFFERS_PER_POOL_QUESTION = 6


def _ensure_people(session, enterprises=300, lawyers=40):
    """Enterprises with one user each and verified lawyers, created once."""
    password_hash = hash_password(BENCH_PASSWORD)
    have = session.scalar(select(func.count()).select_from(Enterprise)) or 0
    for n in range(have, enterprises):
        firm = Enterprise(
            name=f"基准测试企业{n}有限公司",
            uscc=make_uscc(500000 + n),
            industry="CEFGHIK"[n % 7],
            size_class="small",
            verification=Verification.verified,
        )
        session.add(firm)
        session.add(
            User(
                email=f"bench-enterprise{n}@bench.example",
                name=f"企业用户{n}",
                role=Role.enterprise,
                password_hash=password_hash,
                verification=Verification.verified,
                enterprise=firm,
            )
        )
    categories = session.scalars(select(LegalCategory)).all()
    have = session.scalar(select(func.count()).select_from(LawyerProfile)) or 0
    for n in range(have, lawyers):
        user = User(
            email=f"bench-lawyer{n}@bench.example",
            name=f"律师{n}",
            role=Role.lawyer,
            password_hash=password_hash,
            verification=Verification.verified,
        )
        user.lawyer_profile = LawyerProfile(
            law_firm="基准律师事务所",
            certificate_no=f"B{n:016d}",
            industries="CEFGHIK",
            weekly_capacity=10,
            specialities=categories,
        )
        session.add(user)
    session.flush()


def generate_questions(
    session, n: int, seed: int = 4754, batch: int = 5000, ensure_people: bool = True
) -> int:
    """Insert n questions spread over states, categories, firms and lawyers; returns n.
    With ensure_people=False the firms and lawyers already in the database ask and answer."""
    if ensure_people:
        _ensure_people(session)
    rng = random.Random(seed)
    firms = session.execute(
        select(User.id, User.enterprise_id, Enterprise.industry)
        .join(Enterprise, Enterprise.id == User.enterprise_id)
        .where(User.role == Role.enterprise)
    ).all()
    lawyer_ids = list(session.scalars(select(User.id).where(User.role == Role.lawyer)))
    category_ids = list(session.scalars(select(LegalCategory.id)))
    states, weights = zip(*STATE_WEIGHTS.items(), strict=True)
    now = utcnow()
    done = 0
    while done < n:
        rows, pool_rows = [], []
        for _ in range(min(batch, n - done)):
            asker_id, enterprise_id, industry = rng.choice(firms)
            status = rng.choices(states, weights)[0]
            days = 14 if status in OPEN_STATES else 730
            submitted = now - timedelta(minutes=rng.randrange(0, 60 * 24 * days))
            has_lawyer = status not in (
                QuestionStatus.draft,
                QuestionStatus.submitted,
                QuestionStatus.pool,
                QuestionStatus.withdrawn,
            )
            answered = status in (
                QuestionStatus.closed,
                QuestionStatus.answered,
                QuestionStatus.follow_up,
            )
            first_answer = submitted + timedelta(hours=rng.randrange(2, 120)) if answered else None
            rows.append(
                {
                    "enterprise_id": enterprise_id,
                    "asker_id": asker_id,
                    "title": f"基准问题{done + len(rows)}：合同款项逾期未付如何处理",
                    "body": "对方拖欠货款，合同约定了违约金。请问如何主张权利？",
                    "category_id": rng.choice(category_ids),
                    "industry": industry,
                    "urgency": "normal",
                    "consent_to_publish": rng.random() < 0.5,
                    "status": status,
                    "lawyer_id": rng.choice(lawyer_ids) if has_lawyer else None,
                    "routing_mode": "pool",
                    "deadline_days": 3,
                    "deadline_dt": None
                    if status == QuestionStatus.draft
                    else submitted + timedelta(days=4),
                    "paused_seconds": 0,
                    "created_dt": submitted,
                    "updated_dt": submitted,
                    "submitted_dt": None if status == QuestionStatus.draft else submitted,
                    "claimed_dt": submitted + timedelta(hours=1) if has_lawyer else None,
                    "first_answer_dt": first_answer,
                    "answered_dt": first_answer,
                    "closed_dt": first_answer + timedelta(days=3)
                    if status == QuestionStatus.closed
                    else None,
                    "rating": rng.randint(3, 5) if status == QuestionStatus.closed else None,
                    "rating_comment": "",
                }
            )
        result = session.execute(insert(Question).returning(Question.id, Question.status), rows)
        for question_id, status in result:
            if status == QuestionStatus.pool:
                for lawyer_id in rng.sample(lawyer_ids, OFFERS_PER_POOL_QUESTION):
                    pool_rows.append(
                        {"question_id": question_id, "lawyer_id": lawyer_id, "created_dt": now}
                    )
        if pool_rows:
            session.execute(insert(QuestionOffer), pool_rows)
        done += len(rows)
        session.flush()
    return n
