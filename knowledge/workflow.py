"""The question's state machine: one table of allowed transitions and the one function that moves it."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from knowledge.models import Question, QuestionEvent
from knowledge.models import QuestionStatus as S
from knowledge.permissions import is_answering_lawyer, is_firm_member, is_offered_to
from knowledge.urls import question_url
from portal.audit.operations import log
from portal.core import clock
from portal.core.db import db
from portal.core.permissions import acting_firm_users_query, is_staff


class TransitionError(Exception):
    """The change is not allowed now; str(exc) is a message for the user."""


# A rule gets (user, question); user None means the system itself (routing, cron jobs).
def system(user, question):
    return user is None


def staff(user, question):
    return is_staff(user)


def system_or_staff(user, question):
    return user is None or is_staff(user)


def asker(user, question):
    return is_firm_member(user, question)


def claimer(user, question):
    return is_offered_to(user, question)


def lawyer(user, question):
    return is_answering_lawyer(user, question)


def lawyer_or_staff(user, question):
    return is_answering_lawyer(user, question) or is_staff(user)


def party_or_staff(user, question):
    return is_firm_member(user, question) or is_answering_lawyer(user, question) or is_staff(user)


def asker_or_system(user, question):
    return user is None or is_firm_member(user, question)


TRANSITIONS = {
    (S.draft, S.submitted): asker,
    (S.draft, S.withdrawn): asker,
    (S.submitted, S.assigned): system_or_staff,
    (S.submitted, S.pool): system_or_staff,
    (S.pool, S.assigned): system_or_staff,
    (S.assigned, S.assigned): staff,
    (S.claimed, S.assigned): staff,
    (S.pool, S.claimed): claimer,
    (S.assigned, S.claimed): claimer,
    (S.assigned, S.pool): lawyer_or_staff,
    (S.claimed, S.pool): lawyer_or_staff,
    (S.claimed, S.needs_info): lawyer,
    (S.needs_info, S.claimed): asker,
    (S.claimed, S.answered): lawyer,
    (S.answered, S.follow_up): asker,
    (S.follow_up, S.answered): lawyer,
    (S.answered, S.closed): asker_or_system,
    (S.escalated, S.closed): system_or_staff,
    **{
        (source, S.escalated): party_or_staff
        for source in (
            S.submitted,
            S.assigned,
            S.pool,
            S.claimed,
            S.needs_info,
            S.answered,
            S.follow_up,
        )
    },
    **{
        (source, S.withdrawn): asker
        for source in (S.submitted, S.assigned, S.pool, S.claimed, S.needs_info)
    },
}

# Who hears about it (besides the timeline): "firm", "lawyer", "staff".
_NOTICES = {
    S.assigned: ("lawyer", _l("A question was assigned to you: %(title)s")),
    S.claimed: ("firm", _l("A lawyer is working on your question: %(title)s")),
    S.needs_info: ("firm", _l("The lawyer needs more information: %(title)s")),
    S.answered: ("firm", _l("Your question has been answered: %(title)s")),
    S.follow_up: ("lawyer", _l("The enterprise asked a follow-up: %(title)s")),
    S.escalated: ("firm", _l("Your question was escalated: %(title)s")),
    S.withdrawn: ("lawyer", _l("The enterprise withdrew the question: %(title)s")),
    S.closed: ("lawyer", _l("The question you answered was closed: %(title)s")),
}


def allowed_targets(question, user) -> list[S]:
    """Targets the user could move the question to now (for buttons and tests)."""
    return [
        to
        for (source, to), rule in TRANSITIONS.items()
        if source == question.status and rule(user, question)
    ]


def _taken_meanwhile(question) -> bool:
    current = db.session.scalar(select(Question.status).where(Question.id == question.id))
    return current not in (S.pool, S.assigned)


def transition(question: Question, to: S, by, *, note: str = "", lawyer=None, at=None):
    """The only place a question's status changes.

    Checks the pair and the user's right, changes the status with a conditional UPDATE (so two
    people racing for the same change cannot both win), stamps who/when, writes the audit log
    and the timeline, queues notifications and the search-index update.
    """
    source = question.status
    rule = TRANSITIONS.get((source, to))
    if rule is None:
        if to == S.claimed and source in (S.claimed, S.needs_info, S.answered, S.follow_up):
            raise TransitionError(_l("This question has already been claimed by another lawyer."))
        raise TransitionError(
            _l("A question that is “%(source)s” cannot become “%(to)s”.", source=source, to=to)
        )
    if not rule(by, question):
        if to == S.claimed and source in (S.pool, S.assigned) and _taken_meanwhile(question):
            # The winner of a race has committed since this request read the question (and its
            # claim withdrew the other lawyers' offers): the loser is told who was first.
            raise TransitionError(_l("This question has already been claimed by another lawyer."))
        raise TransitionError(_l("You may not do this with this question."))
    now = at or clock.now_utc()

    if inspect(question).pending:
        db.session.flush()  # the conditional UPDATE needs the row
    stamped, new_lawyer = _stamp(question, source, to, by, lawyer, now)
    # The question's own unsaved changes (a deadline, a routing mode) and the change's stamps ride
    # on the conditional UPDATE rather than UPDATEs of their own; other rows follow at the next
    # flush.
    changed = {**_changed_columns(question), **stamped}
    if new_lawyer is not _UNCHANGED:
        changed["lawyer_id"] = new_lawyer.id if new_lawyer is not None else None
    condition = [Question.id == question.id, Question.status == source]
    claiming = to == S.claimed and source in (S.pool, S.assigned)
    if claiming:
        # Direct assignments are claimed only by their lawyer; pool questions by the first comer.
        condition.append(or_(Question.lawyer_id.is_(None), Question.lawyer_id == by.id))
    result = db.session.execute(
        update(Question)
        .where(*condition)
        .values(**changed, status=to, updated_dt=now)
        .execution_options(synchronize_session=False, autoflush=False)
    )
    if result.rowcount != 1:
        if claiming:
            raise TransitionError(_l("This question has already been claimed by another lawyer."))
        raise TransitionError(_l("Someone else changed this question just now; please reload."))
    for key, value in changed.items():
        set_committed_value(question, key, value)
    if new_lawyer is not _UNCHANGED:
        set_committed_value(question, "lawyer", new_lawyer)
    set_committed_value(question, "status", to)

    db.session.add(
        QuestionEvent(
            question=question,
            from_status=str(source),
            to_status=str(to),
            by_id=getattr(by, "id", None),
            note=(note or "")[:500],
            created_dt=now,
        )
    )
    log(
        f"question.{to}",
        question,
        by=by,
        summary=f"{source} -> {to}: {question.title}",
        data={"from": str(source), "to": str(to), "note": (note or "")[:200]},
    )
    _notify(question, source, to, by)
    _enqueue(question)
    return question


def _changed_columns(question) -> dict:
    """The question's plain columns changed since they were loaded (not its relationships)."""
    state = inspect(question)
    changed = {}
    for attr in state.mapper.column_attrs:
        if attr.key in ("status", "updated_dt"):
            continue
        added = state.attrs[attr.key].history.added
        if added:
            changed[attr.key] = added[0]
    return changed


# The lawyer a change leaves in place.
_UNCHANGED = object()


def _stamp(question, source, to, by, lawyer, now):
    """The columns the change stamps and the lawyer it gives the question (or _UNCHANGED);
    changes nothing itself: they are written with the status, or not at all."""
    from knowledge.deadlines import add_working_days_local, local_date
    from portal.core.workdays import working_days_between

    columns, new_lawyer = {}, _UNCHANGED
    if source == S.needs_info and question.paused_since_dt is not None:
        # Give back the working days the enterprise took to reply.
        paused = working_days_between(local_date(question.paused_since_dt), local_date(now))
        columns["paused_seconds"] = question.paused_seconds + int(
            (now - question.paused_since_dt).total_seconds()
        )
        if question.deadline_dt is not None and paused:
            columns["deadline_dt"] = add_working_days_local(question.deadline_dt, paused)
        columns["paused_since_dt"] = None
    if to == S.submitted:
        columns["submitted_dt"] = now
    elif to == S.assigned:
        if lawyer is not None:
            new_lawyer = lawyer
        columns["assigned_dt"] = now
        columns["claimed_dt"] = None
    elif to == S.pool:
        # Only what changes (a question new to the pool has neither).
        if question.lawyer_id is not None:
            new_lawyer = None
        if question.claimed_dt is not None:
            columns["claimed_dt"] = None
    elif to == S.claimed and source != S.needs_info:
        new_lawyer = by
        columns["claimed_dt"] = now
    elif to == S.needs_info:
        columns["paused_since_dt"] = now
    elif to == S.answered:
        columns["answered_dt"] = now
        if question.first_answer_dt is None:
            columns["first_answer_dt"] = now
    elif to in (S.closed, S.withdrawn, S.escalated):
        columns["closed_dt"] = now
    return columns, new_lawyer


def _notify(question, source, to, by):

    from portal.notifications.operations import notify

    if to not in _NOTICES:
        return
    who, message = _NOTICES[to]
    if source == S.needs_info:
        who, message = "lawyer", _l("The enterprise replied to your request: %(title)s")
    url = question_url(question.id)
    if who == "lawyer":
        recipients = [question.lawyer]
    elif who == "firm":
        recipients = list(db.session.scalars(acting_firm_users_query([question.enterprise_id])))
    else:
        recipients = []
    recipients = [u for u in recipients if u is not None and u is not by]
    notify(recipients, message, url=url, title=question.title)


def _enqueue(question):
    from knowledge.search.outbox import enqueue

    enqueue("question", question.id)
