"""Every change to questions, routing rules and articles; flushes and audits, never commits."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from knowledge.anonymise import anonymise
from knowledge.deadlines import deadline_for
from knowledge.models import (
    UNANSWERED,
    KnowledgeArticle,
    MessageKind,
    Question,
    QuestionAttachment,
    QuestionMessage,
    QuestionOffer,
    RoutingDecision,
    RoutingMode,
    RoutingRule,
)
from knowledge.models import QuestionStatus as S
from knowledge.routing import consider, rule_for
from knowledge.stats import lawyer_figures_key
from knowledge.urls import question_url
from knowledge.workflow import TransitionError, transition
from portal.accounts.models import Role, User
from portal.audit.operations import log
from portal.core import cache, clock
from portal.core.db import db
from portal.core.links import link_records
from portal.core.models import LegalCategory
from portal.core.uploads import DOCUMENT_KINDS, store_upload
from portal.notifications.operations import notify

ATTACHMENT_KINDS = DOCUMENT_KINDS
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_BODY = 10000


class QuestionError(TransitionError):
    """Refused; str(exc) is a message for the user."""


def _enqueue(kind, object_id):
    from knowledge.search.outbox import enqueue

    enqueue(kind, object_id)


def _check_text(body: str):
    body = (body or "").strip()
    if not body:
        raise QuestionError(_l("Please write something."))
    if len(body) > MAX_BODY:
        raise QuestionError(_l("Please keep it under %(n)s characters.", n=MAX_BODY))
    return body


def staff_users():
    return db.session.scalars(
        select(User).where(User.role == Role.staff, User.is_deactivated.is_(False))
    ).all()


# --- files -------------------------------------------------------------------------------------


def store_files(files, by):
    """Keep uploaded files; raises UploadRejected (with a message) for a forbidden or huge one."""
    return [
        store_upload(f, allowed_kinds=ATTACHMENT_KINDS, by=by, max_bytes=MAX_ATTACHMENT_BYTES)
        for f in files or []
        if f is not None and getattr(f, "filename", "")
    ]


def _attach(question, stored_files, message=None):
    for stored in stored_files:
        question.attachments.append(QuestionAttachment(file=stored, message_id=None))
        if message is not None:
            db.session.flush()
            question.attachments[-1].message_id = message.id


# --- the enterprise side ---------------------------------------------------------------------


def save_draft(
    *,
    asker,
    title,
    body,
    category,
    urgency,
    consent_to_publish,
    stored_files=(),
    question=None,
):
    """Create or update a draft (drafts are private to the person writing them)."""
    body = _check_text(body)
    if question is None:
        question = Question(
            enterprise_id=asker.enterprise_id,
            asker=asker,
            industry=asker.enterprise.industry,
            status=S.draft,
            created_dt=clock.now_utc(),
            offers=[],  # known to be none: routing it reads no offers back
        )
        db.session.add(question)
        action = "question.create"
    else:
        if question.status != S.draft:
            raise QuestionError(_l("Only drafts can be edited."))
        action = "question.edit"
    question.title = title.strip()[:200]
    question.body = body
    question.category = category
    question.urgency = urgency
    question.consent_to_publish = bool(consent_to_publish)
    _attach(question, stored_files)
    log(action, question, by=asker, summary=question.title)
    # Not indexed while a draft, but the draft's page suggests articles for its words: the
    # indexer stores their vector (knowledge.search.query_vectors) when dense retrieval is on.
    db.session.flush()
    _enqueue("question", question.id)
    return question


def submit(question, by):
    """Send a draft: start the clock and route it."""
    rule = rule_for(question.category_id)
    now = clock.now_utc()
    question.deadline_days = rule.deadline_days
    # Known before the status changes, so the transition's UPDATE writes them too.
    question.deadline_dt = deadline_for(now, rule.deadline_days)
    transition(question, S.submitted, by, at=now)
    return route(question, by=None, rule=rule)


def ask(*, asker, stored_files=(), **fields):
    question = save_draft(asker=asker, stored_files=stored_files, **fields)
    submit(question, asker)
    return question


def ask_direct(*, asker, lawyers, title, body, category=None):
    """A firm asks its own counsel: assigned straight to the first of `lawyers` without a declared
    conflict, with the ordinary deadline, timeline and notifications; with none left, the
    ordinary routing takes over."""
    category = category or db.session.scalar(
        select(LegalCategory).where(LegalCategory.code == "other")
    )
    question = save_draft(
        asker=asker,
        title=title,
        body=body,
        category=category,
        urgency="normal",
        consent_to_publish=False,
    )
    rule = rule_for(question.category_id)
    question.deadline_days = rule.deadline_days
    transition(question, S.submitted, asker)
    question.deadline_dt = deadline_for(question.submitted_dt, rule.deadline_days)
    free = [
        lawyer
        for lawyer in lawyers
        if lawyer.lawyer_profile is not None
        and not lawyer.lawyer_profile.has_conflict_with(question.enterprise_id)
    ]
    if not free:
        route(question, by=None)
        return question
    summary = str(_l("Asked of the firm's 5+1 counsel %(name)s.", name=free[0].name))
    db.session.add(
        RoutingDecision(
            question_id=question.id,
            mode="counsel",
            chosen_lawyer_id=free[0].id,
            matched=len(free),
            considered=[],
            summary=summary,
            created_dt=clock.now_utc(),
        )
    )
    question.routing_mode = "direct"
    transition(question, S.assigned, None, lawyer=free[0], note=summary)
    log("question.route", question, by=None, summary=summary)
    return question


def route(question, by=None, exclude=(), now=None, rule=None) -> RoutingDecision:
    """Apply the category's rule; record the decision and every lawyer's reasons."""
    rule = rule or rule_for(question.category_id)
    candidates = consider(question, exclude=exclude, now=now)
    matches = [c for c in candidates if c.ok]
    best = matches[0].lawyer if matches and rule.mode == RoutingMode.direct else None
    # The decision is complete before it is first written (one INSERT, no UPDATE after).
    if not matches:
        summary = str(_l("No lawyer matches; staff must assign it."))
    elif best is not None:
        summary = str(
            _l(
                "Assigned straight to %(name)s (best of %(n)s matches).",
                name=best.name,
                n=len(matches),
            )
        )
        question.routing_mode = "direct"
    else:
        summary = str(_l("Offered to %(n)s matching lawyers.", n=len(matches)))
        question.routing_mode = "pool"
    decision = RoutingDecision(
        question_id=question.id,
        mode=str(rule.mode),
        matched=len(matches),
        considered=[c.as_record() for c in candidates],
        chosen_lawyer_id=best.id if best is not None else None,
        summary=summary,
        by_id=getattr(by, "id", None),
        created_dt=clock.now_utc(),
    )
    db.session.add(decision)
    if question.offers:
        for offer in list(question.offers):
            question.offers.remove(offer)
        db.session.flush()  # the old offers go before the new ones are written
    if not matches:
        if question.status != S.submitted and question.status != S.pool:
            transition(question, S.pool, by, note=summary)
        notify(
            staff_users(),
            _l("No lawyer matches question “%(title)s”; please assign it."),
            url=question_url(question.id),
            title=question.title,
        )
    elif best is not None:
        transition(question, S.assigned, by, lawyer=best, note=summary)
    else:
        for candidate in matches:
            question.offers.append(QuestionOffer(lawyer_id=candidate.lawyer.id))
        if question.status != S.pool:
            transition(question, S.pool, by, note=summary)
        notify(
            [c.lawyer for c in matches],
            _l("A new question in your pool: %(title)s"),
            url=question_url(question.id),
            title=question.title,
        )
    log("question.route", question, by=by, summary=summary)
    return decision


def add_message(question, by, kind, body, stored_files=()):
    message = QuestionMessage(
        question=question, author=by, kind=kind, body=_check_text(body), created_dt=clock.now_utc()
    )
    db.session.add(message)
    db.session.flush()
    _attach(question, stored_files, message)
    return message


def reply_info(question, by, body, stored_files=()):
    if question.status != S.needs_info:
        raise QuestionError(_l("The lawyer has not asked for more information."))
    add_message(question, by, MessageKind.info_reply, body, stored_files)
    return transition(question, S.claimed, by, note=str(_l("The enterprise replied.")))


def follow_up(question, by, body):
    if question.status != S.answered:
        raise QuestionError(_l("You can ask a follow-up once the question is answered."))
    add_message(question, by, MessageKind.follow_up, body)
    return transition(question, S.follow_up, by)


def rate(question, by, rating, comment=""):
    if question.status != S.answered:
        raise QuestionError(_l("You can rate a question only after it has been answered."))
    if rating not in range(1, 6):
        raise QuestionError(_l("The rating is a number from 1 to 5."))
    question.rating = rating
    question.rating_comment = (comment or "").strip()[:2000]
    question.rated_dt = clock.now_utc()
    transition(question, S.closed, by, note=str(_l("Rated %(n)s of 5.", n=rating)))
    _lawyer_figures_changed(question)
    return question


def withdraw(question, by, note=""):
    return transition(question, S.withdrawn, by, note=note)


# --- the lawyer side ------------------------------------------------------------------------


def claim(question, by):
    if question.status not in (S.pool, S.assigned):
        raise QuestionError(_l("This question has already been claimed by another lawyer."))
    transition(question, S.claimed, by)
    for offer in list(question.offers):
        question.offers.remove(offer)
    return question


def release(question, by, note=""):
    """Give the question back: it returns to the pool of the other matching lawyers."""
    transition(question, S.pool, by, note=note)
    route(question, by=None, exclude=[by])
    return question


def request_info(question, by, body):
    if question.status != S.claimed:
        raise QuestionError(_l("Claim the question before asking for more information."))
    add_message(question, by, MessageKind.info_request, body)
    return transition(question, S.needs_info, by)


def answer(question, by, body):
    if question.status not in (S.claimed, S.follow_up):
        raise QuestionError(_l("Claim the question before answering it."))
    if question.lawyer_id != getattr(by, "id", None):
        raise QuestionError(_l("This question is assigned to another lawyer."))
    add_message(question, by, MessageKind.answer, body)
    transition(question, S.answered, by)
    _lawyer_figures_changed(question)
    return question


def _lawyer_figures_changed(question):
    """Drop the answering lawyer's cached "My statistics" once the change commits."""
    if question.lawyer_id is not None:
        cache.invalidate(lawyer_figures_key(question.lawyer_id))


# --- staff -----------------------------------------------------------------------------------


def reassign(question, lawyer, by, note=""):
    if lawyer.lawyer_profile is None or lawyer.lawyer_profile.has_conflict_with(
        question.enterprise_id
    ):
        raise QuestionError(_l("This lawyer declared a conflict with the firm."))
    for offer in list(question.offers):
        question.offers.remove(offer)
    db.session.add(
        RoutingDecision(
            question_id=question.id,
            mode="manual",
            chosen_lawyer_id=lawyer.id,
            matched=1,
            considered=[],
            summary=str(_l("Reassigned by staff to %(name)s.", name=lawyer.name)),
            by_id=by.id,
        )
    )
    transition(question, S.assigned, by, lawyer=lawyer, note=note)
    question.overdue_flagged_dt = None
    question.reminder_sent_dt = None
    return question


def save_routing_rule(category, mode, deadline_days, by):
    rule = db.session.scalar(select(RoutingRule).where(RoutingRule.category_id == category.id))
    if rule is None:
        rule = RoutingRule(category_id=category.id)
        db.session.add(rule)
    rule.mode = RoutingMode(mode)
    rule.deadline_days = deadline_days
    log(
        "routing_rule.save",
        rule,
        by=by,
        summary=f"{category.code}: {mode}, {deadline_days}",
        data={"category": category.code, "mode": mode, "deadline_days": deadline_days},
    )
    return rule


def set_capacity(lawyer, weekly_capacity, by):
    lawyer.lawyer_profile.weekly_capacity = weekly_capacity
    log(
        "lawyer.capacity",
        lawyer,
        by=by,
        summary=f"{lawyer.name}: {weekly_capacity}",
        data={"weekly_capacity": weekly_capacity},
    )


def escalate(question, code, by, note=""):
    """Hand the question to another programme (registered target) and link both records."""
    targets = current_app.extensions.get("portal.escalation_targets", {})
    target_def = targets.get(code)
    if target_def is None or not target_def["available"](by, question):
        raise QuestionError(_l("This escalation is not available."))
    transition(question, S.escalated, by, note=note)
    target = target_def["escalate"](question, by, note=note)
    link_records(question, target, f"escalated_to_{code}", by=by)
    return target


# --- periodic jobs (idempotent: safe to run from cron any number of times) --------------------


def overdue_questions_stmt(now=None):
    """Unanswered questions past their deadline, the oldest deadline first. `now`: a moment, or
    a bound parameter for a statement built once and run with the moment of each request."""
    now = clock.now_utc() if now is None else now
    return (
        select(Question)
        .where(
            Question.status.in_(UNANSWERED),
            Question.first_answer_dt.is_(None),
            Question.deadline_dt < now,
        )
        .order_by(Question.deadline_dt)
    )


def overdue_questions(now=None):
    return db.session.scalars(overdue_questions_stmt(now)).all()


def flag_overdue(now=None) -> list[Question]:
    """Tell staff once about each question that passed its deadline unanswered."""
    flagged = []
    for question in overdue_questions(now):
        if question.overdue_flagged_dt is not None:
            continue
        question.overdue_flagged_dt = now or clock.now_utc()
        log("question.overdue", question, summary=question.title)
        notify(
            staff_users(),
            _l("Question overdue: %(title)s"),
            url=question_url(question.id),
            title=question.title,
        )
        flagged.append(question)
    return flagged


def send_reminders(now=None, hours=24) -> int:
    """Remind the lawyer(s) of unanswered questions due within `hours` (once per question)."""
    now = now or clock.now_utc()
    due = db.session.scalars(
        select(Question).where(
            Question.status.in_((S.assigned, S.pool, S.claimed)),
            Question.first_answer_dt.is_(None),
            Question.reminder_sent_dt.is_(None),
            Question.deadline_dt >= now,
            Question.deadline_dt < now + timedelta(hours=hours),
        )
    ).all()
    for question in due:
        if question.lawyer_id:
            recipients = [question.lawyer]
        else:
            recipients = [db.session.get(User, offer.lawyer_id) for offer in question.offers]
        notify(
            recipients,
            _l("Reminder: question “%(title)s” is due soon."),
            url=question_url(question.id),
            title=question.title,
        )
        question.reminder_sent_dt = now
    return len(due)


def autoclose(now=None, days=None) -> list[Question]:
    """Close answered questions nobody followed up for `days` days."""
    now = now or clock.now_utc()
    days = days if days is not None else current_app.config.get("QUESTIONS_AUTOCLOSE_DAYS", 14)
    stale = db.session.scalars(
        select(Question).where(
            Question.status == S.answered, Question.answered_dt < now - timedelta(days=days)
        )
    ).all()
    for question in stale:
        transition(
            question,
            S.closed,
            None,
            note=str(_l("Closed automatically after %(n)s days without a follow-up.", n=days)),
            at=now,
        )
    return stale


# --- publishing --------------------------------------------------------------------------------


def publishable_questions_stmt():
    """Answered questions whose firm consented and that have no article yet (no order)."""
    return (
        select(Question)
        .outerjoin(KnowledgeArticle, KnowledgeArticle.question_id == Question.id)
        .where(
            Question.consent_to_publish.is_(True),
            Question.first_answer_dt.is_not(None),
            Question.status.in_((S.answered, S.closed, S.follow_up)),
            KnowledgeArticle.id.is_(None),
        )
    )


def publishable_questions():
    """Every publishable question, the latest answer first (pages show them a page at a time)."""
    return db.session.scalars(
        publishable_questions_stmt().order_by(Question.first_answer_dt.desc())
    ).all()


def answer_text(question) -> str:
    return "\n\n".join(m.body for m in question.messages if m.kind == MessageKind.answer)


def prepare_article(question, by) -> KnowledgeArticle:
    """A draft article with the automatic first pass of anonymisation; staff edit before publishing."""
    if not question.consent_to_publish:
        raise QuestionError(_l("The enterprise did not consent to publishing this question."))
    if question.first_answer_dt is None:
        raise QuestionError(_l("Only answered questions can be published."))
    existing = db.session.scalar(
        select(KnowledgeArticle).where(KnowledgeArticle.question_id == question.id)
    )
    if existing is not None:
        return existing
    firm_names = [question.enterprise.name]
    people = {question.asker.name, question.enterprise.contact_name}
    people |= {u.name for u in question.enterprise.users}

    def clean(text):
        return anonymise(
            text, firm_names=firm_names, person_names=sorted(people, key=len, reverse=True)
        )

    article = KnowledgeArticle(
        question=question,
        title=clean(question.title)[:200],
        question_text=clean(question.body),
        answer_text=clean(answer_text(question)),
        category_id=question.category_id,
        industry=question.industry,
        edited_by_id=by.id,
    )
    db.session.add(article)
    log("kb_article.prepare", article, by=by, summary=article.title)
    _enqueue("kb_article", article.id)
    return article


def save_article(article, by, *, title, question_text, answer_text, category, industry):
    article.title = title.strip()[:200]
    article.question_text = _check_text(question_text)
    article.answer_text = _check_text(answer_text)
    article.category = category
    article.industry = industry or ""
    article.edited_by_id = by.id
    log("kb_article.edit", article, by=by, summary=article.title)
    _enqueue("kb_article", article.id)
    return article


def publish_article(article, by, publish=True):
    article.is_published = publish
    article.published_dt = clock.now_utc() if publish else None
    log(
        "kb_article.publish" if publish else "kb_article.unpublish",
        article,
        by=by,
        summary=article.title,
    )
    _enqueue("kb_article", article.id)
    return article


def lawyer_queue_filter(lawyer_id):
    """Questions open to a lawyer: routed to them or offered to them in the pool. `lawyer_id`:
    the lawyer's id, or a bindparam (a statement built once, run with the id)."""
    offered = select(QuestionOffer.question_id).where(QuestionOffer.lawyer_id == lawyer_id)
    return or_(
        and_(Question.status == S.assigned, Question.lawyer_id == lawyer_id),
        and_(Question.status == S.pool, Question.id.in_(offered)),
    )
