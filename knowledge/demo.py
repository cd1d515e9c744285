"""Demo data of ask-a-lawyer: ~80 questions over every state, answers, ratings, public articles."""

import json
import random
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from knowledge import operations
from knowledge.demo_content import (
    ANSWERS,
    EXTRA_QUESTIONS,
    FOLLOW_UP_ANSWERS,
    FOLLOW_UPS,
    INFO_REPLIES,
    INFO_REQUESTS,
    RATING_COMMENTS,
)
from knowledge.models import KnowledgeArticle, Question, RoutingMode, RoutingRule
from knowledge.models import QuestionStatus as S
from knowledge.workflow import TransitionError
from portal.accounts.models import LawyerConflict, User
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory

# A copy of ../shared/data/laws/sample_questions.jsonl (written for demo data, free to use).
SAMPLE_FILE = Path(__file__).resolve().parent / "demo_data" / "sample_questions.jsonl"
# The order of outcomes (repeats): mostly closed, the rest spread over every other state.
PLAN = [
    "closed", "closed", "answered", "closed", "pool", "closed", "claimed", "closed",
    "needs_info", "closed", "follow_up", "closed", "overdue", "withdrawn", "closed", "draft",
    "answered", "closed", "info_then_answered", "closed",
]  # fmt: skip
DIRECT_CATEGORIES = {"enforcement": 5, "credit_repair": 5, "bankruptcy": 4}


def sample_questions() -> list[tuple[str, str, str]]:
    rows = []
    path = SAMPLE_FILE
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                rows.append((item["title"], item["body"], item["category"]))
    return rows + EXTRA_QUESTIONS


def _ensure_rules():
    categories = {c.code: c for c in db.session.scalars(select(LegalCategory))}
    staff = db.session.scalar(select(User).where(User.email == "staff@demo.example"))
    existing = {r.category_id for r in db.session.scalars(select(RoutingRule))}
    for code, days in DIRECT_CATEGORIES.items():
        if code in categories and categories[code].id not in existing:
            operations.save_routing_rule(categories[code], RoutingMode.direct.value, days, staff)


def _ensure_conflicts():
    lawyer = db.session.scalar(select(User).where(User.email == "lawyer1@demo.example"))
    enterprise_user = db.session.scalar(
        select(User).where(User.email == "enterprise2@demo.example")
    )
    if lawyer is None or enterprise_user is None or lawyer.lawyer_profile is None:
        return
    if not lawyer.lawyer_profile.has_conflict_with(enterprise_user.enterprise_id):
        lawyer.lawyer_profile.conflicts.append(
            LawyerConflict(
                enterprise_id=enterprise_user.enterprise_id, reason="曾代理该企业的交易对方"
            )
        )


def load_questions(app) -> str:
    rng = random.Random(4754)
    categories = {c.code: c for c in db.session.scalars(select(LegalCategory))}
    staff = db.session.scalar(select(User).where(User.email == "staff@demo.example"))
    askers = [
        db.session.scalar(select(User).where(User.email == f"enterprise{n}@demo.example"))
        for n in range(1, 96)
    ]
    askers = [a for a in askers if a is not None and a.is_verified]
    if not askers or staff is None:
        return "skipped: load the portal demo data first"
    _ensure_rules()
    _ensure_conflicts()
    db.session.flush()
    existing = set(db.session.scalars(select(Question.title)))
    now = utcnow()
    created = 0
    for i, (title, body, code) in enumerate(sample_questions()):
        plan = PLAN[i % len(PLAN)]
        rng_i = random.Random(i)
        if title in existing or code not in categories:
            continue
        # enterprise1 asks the first few, so the demo log-in has something to see.
        asker = askers[0] if i % 9 == 0 else askers[(i * 7) % len(askers)]
        if plan in ("closed", "withdrawn"):
            start = now - timedelta(days=20 + (i * 37) % 150, hours=rng_i.randrange(0, 8))
        elif plan == "overdue":
            start = now - timedelta(days=9 + i % 5)
        else:
            start = now - timedelta(days=1 + i % 6, hours=rng_i.randrange(0, 8))
        _play(i, plan, start, asker, title, body, categories[code], staff, rng)
        created += 1
    db.session.flush()
    published = _publish(staff, now)
    total = db.session.scalar(select(db.func.count()).select_from(Question))
    return f"{created} questions added ({total} in all), {published} articles published"


def _play(i, plan, start, asker, title, body, category, staff, rng):
    step = [start]

    def at(hours):
        step[0] = step[0] + timedelta(hours=hours)
        return clock.frozen(step[0])

    with clock.frozen(start):
        question = operations.save_draft(
            asker=asker,
            title=title,
            body=body,
            category=category,
            urgency="urgent" if i % 6 == 0 else "normal",
            consent_to_publish=i % 3 != 2,
        )
    if plan == "draft":
        return question
    with at(0.2):
        operations.submit(question, asker)
    if question.status == S.submitted:
        return question  # nobody matched: staff see it on their overview
    lawyer = question.lawyer
    if lawyer is None:
        offers = sorted(o.lawyer_id for o in question.offers)
        lawyer = db.session.get(User, offers[i % len(offers)])
    if plan == "pool" or plan == "overdue" and i % 2:
        return question
    if plan == "withdrawn":
        with at(5):
            operations.withdraw(question, asker, "已与对方协商解决。")
        return question
    with at(rng.randrange(2, 30)):
        operations.claim(question, lawyer)
    if plan in ("claimed", "overdue"):
        return question
    if plan in ("needs_info", "info_then_answered") or i % 5 == 0:
        with at(3):
            operations.request_info(question, lawyer, INFO_REQUESTS[i % len(INFO_REQUESTS)])
        if plan == "needs_info":
            return question
        with at(rng.randrange(10, 50)):
            operations.reply_info(question, asker, INFO_REPLIES[i % len(INFO_REPLIES)])
    with at(rng.randrange(3, 40)):
        operations.answer(question, lawyer, ANSWERS[category.code])
    if plan in ("answered", "info_then_answered"):
        return question
    if plan == "follow_up" or i % 4 == 0:
        with at(20):
            operations.follow_up(question, asker, FOLLOW_UPS[i % len(FOLLOW_UPS)])
        if plan == "follow_up":
            return question
        with at(6):
            operations.answer(question, lawyer, FOLLOW_UP_ANSWERS[i % len(FOLLOW_UP_ANSWERS)])
    if i % 5 == 3:
        with at(24 * 15):
            operations.autoclose(now=step[0], days=14)
    else:
        with at(30):
            operations.rate(
                question, asker, 5 - (i % 7 == 0) - (i % 11 == 0), RATING_COMMENTS[i % 4]
            )
    return question


def _publish(staff, now) -> int:
    """Publish a share of the consented, closed questions (staff's work, already done)."""
    published = 0
    candidates = [q for q in operations.publishable_questions() if q.status == S.closed]
    for question in candidates:
        if question.id % 3 == 2:
            continue  # left for staff to review in the demo
        try:
            article = operations.prepare_article(question, staff)
        except TransitionError:
            continue
        with clock.frozen(question.closed_dt or now):
            operations.publish_article(article, staff, True)
        published += 1
    already = db.session.scalar(
        select(db.func.count())
        .select_from(KnowledgeArticle)
        .where(KnowledgeArticle.is_published.is_(True))
    )
    return max(published, already or 0)
