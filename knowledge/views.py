"""Pages of ask-a-lawyer: the enterprise's questions, the lawyer's queue, staff pages."""

import functools
from typing import NamedTuple

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup
from sqlalchemy import bindparam, func, inspect, select, union_all
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only
from sqlalchemy.orm.attributes import set_committed_value

from knowledge import operations
from knowledge.forms import (
    CAPACITY_MAX,
    ArticleForm,
    CapacityForm,
    MessageForm,
    NoteForm,
    QuestionForm,
    RatingForm,
    ReassignForm,
    ReplyForm,
    RoutingRuleForm,
)
from knowledge.laws.models import LawArticle
from knowledge.laws.suggest import existing_answers, likely_articles, question_text
from knowledge.listing import reassignment_choices, roster_rows, table_select
from knowledge.models import (
    STATUS_LABELS,
    UNANSWERED,
    KnowledgeArticle,
    Question,
    QuestionAttachment,
    RoutingDecision,
    RoutingMode,
    RoutingRule,
)
from knowledge.models import QuestionStatus as S
from knowledge.permissions import (
    can_ask,
    can_edit_draft,
    can_manage_questions,
    can_see_routing,
    can_use_queue,
    can_view_question,
    has_conflict,
    is_answering_lawyer,
    is_firm_member,
)
from knowledge.routing import (
    DEFAULT_DEADLINE_DAYS,
    taken_this_week,
    week_start,
)
from knowledge.stats import (
    FIGURES_TTL,
    figures,
    figures_key,
    figures_xlsx,
    lawyer_figures,
    month_bounds,
)
from knowledge.thread import question_thread
from knowledge.workflow import TransitionError, allowed_targets
from portal.accounts.models import LawyerProfile, Role, User, Verification
from portal.core import cache, clock, listfilter, once
from portal.core.db import db, get_or_404
from portal.core.i18n import current_language
from portal.core.keyset import seek
from portal.core.links import links_of
from portal.core.models import LegalCategory
from portal.core.permissions import firm_of, is_staff, is_verified, require
from portal.core.reference import INDUSTRIES, industry_choices
from portal.core.rows import href_for
from portal.core.uploads import UploadRejected, send_stored_file
from portal.core.workdays import missing_calendar_years

PER_PAGE = 25
OVERVIEW_ROWS = 20
ROSTER_PER_PAGE = 50
# Statuses in which staff may hand a question to another lawyer (the form on its page).
REASSIGNABLE = (S.submitted, S.pool, S.assigned, S.claimed)
# The queue page lists at most this many of the lawyer's own open questions (soonest first).
MAX_HELD = 50


def _categories():
    return db.session.scalars(
        select(LegalCategory)
        .where(LegalCategory.is_active.is_(True))
        .order_by(LegalCategory.position)
    ).all()


def _category_choices():
    return [(str(c.id), c.name) for c in _categories()]


def _question_or_404(question_id):
    question = get_or_404(Question, question_id)
    if not can_view_question(current_user, question):
        _refuse_view()
    return question


def _refuse_view():
    # Another firm's question: do not even confirm it exists.
    abort(404 if not is_staff(current_user) and current_user.role == Role.enterprise else 403)


def index():
    if current_user.is_authenticated:
        if current_user.role == Role.enterprise:
            return redirect(url_for(".mine"))
        if current_user.role == Role.lawyer:
            return redirect(url_for(".queue"))
        if is_staff(current_user):
            return redirect(url_for(".staff_overview"))
    return redirect(url_for("kb.index"))


@functools.cache
def _mine_statements():
    """The firm's questions (its drafts only to the one writing them; run with `firm_id` and
    `user_id`), as (page of plain table rows, their count): built once."""
    where = (
        Question.enterprise_id == bindparam("firm_id"),
        (Question.status != S.draft) | (Question.asker_id == bindparam("user_id")),
    )
    return _numbered(table_select().where(*where).order_by(Question.created_dt.desc()), where)


@login_required
def mine():
    require(firm_of(current_user) is not None)
    rows, counted = _mine_statements()
    page = _PlainPagination(
        select=rows,
        counted=counted,
        params={"firm_id": current_user.enterprise_id, "user_id": current_user.id},
    )
    return render_template("knowledge/mine.html", page=page, can_ask=can_ask(current_user))


def _files():
    return request.files.getlist("attachments")


@login_required
def ask():
    require(can_ask(current_user))
    return _question_form(None)


@login_required
def edit(question_id):
    question = get_or_404(Question, question_id)
    require(can_edit_draft(current_user, question))
    return _question_form(question)


def _question_form(question):
    form = QuestionForm(obj=question)
    # Kept referenced, so that the chosen category below comes from the session, not a query.
    categories = _categories()
    form.category.choices = [(str(c.id), c.name) for c in categories]
    if question is not None and request.method == "GET":
        form.category.data = str(question.category_id)
    if request.method == "POST" and request.form.get("look_up"):
        # "Look for existing answers first": nothing is saved; the form comes back filled in.
        text = question_text(form.title.data, form.body.data)
        return render_template(
            "knowledge/ask.html",
            form=form,
            question=question,
            looked_up=True,
            existing_answers=existing_answers(text, current_user),
            draft_articles=likely_articles(text, current_user, limit=3),
        )
    if form.validate_on_submit():
        first = once.first_result(form) if question is None else None
        if first:
            return first
        try:
            stored = operations.store_files(_files(), current_user)
        except UploadRejected as exc:
            form.attachments.errors.append(str(exc))
        else:
            fields = {
                "title": form.title.data,
                "body": form.body.data,
                "category": db.session.get(LegalCategory, int(form.category.data)),
                "urgency": form.urgency.data,
                "consent_to_publish": form.consent_to_publish.data,
            }
            try:
                question = operations.save_draft(
                    asker=current_user, stored_files=stored, question=question, **fields
                )
                if form.submit.data:
                    operations.submit(question, current_user)
            except TransitionError as exc:
                db.session.rollback()
                flash(str(exc), "danger")
            else:
                url = url_for(".question", question_id=question.id)  # before the commit expires it
                once.remember(form, url)
                db.session.commit()
                flash(
                    _("Your question was sent.") if form.submit.data else _("Draft saved."),
                    "success",
                )
                return redirect(url)
    return render_template("knowledge/ask.html", form=form, question=question)


_UNREAD = object()


def _render_question(question, cited=None, lawyer_firm=_UNREAD, **forms):
    """`lawyer_firm`: the question's lawyer's law firm, when read with the question."""
    user = current_user
    targets = allowed_targets(question, user)
    escalations = [
        (code, target["label"])
        for code, target in current_app.extensions.get("portal.escalation_targets", {}).items()
        if S.escalated in targets and target["available"](user, question)
    ]
    is_firm = is_firm_member(user, question)
    is_lawyer = is_answering_lawyer(user, question)
    status = question.status
    # Each form built only where the page shows it (question.html's conditions: most views, of
    # closed questions, show none); a posted form that failed comes back whatever the status.
    answering = is_lawyer and status in (S.claimed, S.follow_up)
    context = {
        "question": question,
        "targets": targets,
        "S": S,
        "message_form": forms.get("message_form")
        or (MessageForm() if answering or (is_firm and status == S.answered) else None),
        "reply_form": forms.get("reply_form")
        or (ReplyForm() if is_firm and status == S.needs_info else None),
        "rating_form": forms.get("rating_form")
        or (RatingForm() if is_firm and status == S.answered else None),
        "escalations": escalations,
        "cited": cited,
        "likely_articles": [],
        "existing_answers": [],
        "draft_articles": [],
        "links": links_of(question),
        "thread": question_thread(question.id),
        "lawyer_firm": _law_firm_of(question.lawyer_id) if lawyer_firm is _UNREAD else lawyer_firm,
        "is_firm": is_firm,
        "is_lawyer": is_lawyer,
        "routing": False,  # the staff's section: routing decisions, reassignment
        "decisions": [],
        "reassign_form": None,
        # Deadlines in a year nobody entered holidays for count weekends only: tell staff.
        "missing_years": missing_calendar_years(question.deadline_dt.year)
        if question.deadline_dt and is_staff(user)
        else [],
    }
    if is_verified(user, Role.lawyer) or is_staff(user):
        # "可能适用的法条": the answering lawyer cites them with one click (see cite()).
        context["likely_articles"] = likely_articles(
            question_text(question.title, question.body), user
        )
    if context["is_firm"] and question.status == S.draft:
        context["existing_answers"] = existing_answers(
            question_text(question.title, question.body), user
        )
        context["draft_articles"] = likely_articles(
            question_text(question.title, question.body), user, limit=3
        )
    if can_see_routing(user, question):
        context["routing"] = True
        context["decisions"] = (
            db.session.connection()
            .execute(_decisions_statement(), {"question_id": question.id})
            .all()
        )
        # The page offers reassignment only while the question waits or is being worked on
        # (see question.html): the closed majority neither builds the form nor loads the roster.
        if question.status in REASSIGNABLE:
            form = ReassignForm()
            # Lawyers who match the routing rules first; a conflicted lawyer is never offered.
            form.lawyer.choices = reassignment_choices(question)
            context["reassign_form"] = form
        context["reassignable"] = REASSIGNABLE
    return render_template("knowledge/question.html", **context)


@functools.cache
def _decisions_statement():
    """What the question page prints of its routing decisions (run with the question's id), newest
    first, as plain rows of a statement built once."""
    return (
        select(RoutingDecision.created_dt, RoutingDecision.summary, RoutingDecision.considered)
        .where(RoutingDecision.question_id == bindparam("question_id"))
        .order_by(RoutingDecision.id.desc())
    )


@functools.cache
def _law_firm_statement():
    return select(LawyerProfile.law_firm).where(LawyerProfile.user_id == bindparam("lawyer_id"))


def _law_firm_of(lawyer_id: int | None) -> str | None:
    """The question's lawyer's law firm, the one field of the profile the page shows: read
    alone (loading the profile object also read its specialities, a second statement)."""
    if lawyer_id is None:
        return None
    return db.session.scalar(_law_firm_statement(), {"lawyer_id": lawyer_id})


# What the question page shows of the question's firm and people, read with the question in one
# query (the page is the most viewed of the load test: three lazy loads each time otherwise).
QUESTION_PAGE_LOADS = (
    joinedload(Question.enterprise),
    joinedload(Question.asker),
    joinedload(Question.lawyer),
)


@functools.cache
def _question_page_statement():
    """The question with QUESTION_PAGE_LOADS and its lawyer's law firm, in one statement built
    once (run with the id): building and keying a statement with loader options cost more than
    SQLite's running it, and the law firm was read by a statement of its own."""
    return (
        select(Question, LawyerProfile.law_firm)
        .outerjoin(LawyerProfile, LawyerProfile.user_id == Question.lawyer_id)
        .options(*QUESTION_PAGE_LOADS)
        .where(Question.id == bindparam("question_id"))
        .execution_options(populate_existing=True)  # as get_or_404 with options
    )


@functools.cache
def _lawyer_profile_statement():
    """A lawyer's profile with its declared conflicts (run with `user_id`), built once; its
    specialities are not read (the lawyer's question page does not show them)."""
    return (
        select(LawyerProfile)
        .options(joinedload(LawyerProfile.conflicts), lazyload(LawyerProfile.specialities))
        .where(LawyerProfile.user_id == bindparam("user_id"))
    )


def _read_lawyer_profile(user) -> None:
    """A lawyer's profile and conflicts in one statement, for the permission checks that ask
    whether the lawyer has a conflict with the question's firm (knowledge.permissions
    .has_conflict, several times a page): reading them on first use took three (the profile,
    its specialities, its conflicts)."""
    if user.role != Role.lawyer or "lawyer_profile" in inspect(user).dict:
        return
    profile = (
        db.session.execute(_lawyer_profile_statement(), {"user_id": user.id})
        .unique()
        .scalar_one_or_none()
    )
    set_committed_value(user, "lawyer_profile", profile)


@login_required
def question(question_id):
    if not -(2**31) <= question_id < 2**31:  # no database integer holds it (as get_or_404)
        abort(404)
    found = db.session.execute(_question_page_statement(), {"question_id": question_id}).first()
    if found is None:
        abort(404)
    question, lawyer_firm = found
    _read_lawyer_profile(current_user)
    if not can_view_question(current_user, question):
        if (
            can_use_queue(current_user)
            and not has_conflict(current_user, question)
            and _taken_by_another(question)
        ):
            # A lawyer opening a question (from the queue, a notice) that another lawyer claimed
            # in the meantime: say so rather than show a bare "forbidden" page.
            return _taken_message()
        _refuse_view()
    return _render_question(question, lawyer_firm=lawyer_firm)


@login_required
def attachment(question_id, attachment_id):
    question = _question_or_404(question_id)
    item = get_or_404(QuestionAttachment, attachment_id)
    if item.question_id != question.id:
        abort(404)
    return send_stored_file(item.file)


def _act(question, action, success):
    """Run an operation; one commit; a refusal becomes a message, never a 500."""
    question_id = question.id  # (after the commit, reading it again would reload the question)
    try:
        action()
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
    else:
        db.session.commit()
        flash(success, "success")
    return redirect(url_for(".question", question_id=question_id))


@login_required
def submit(question_id):
    question = get_or_404(Question, question_id)
    require(can_edit_draft(current_user, question))
    return _act(
        question, lambda: operations.submit(question, current_user), _("Your question was sent.")
    )


@login_required
def claim(question_id):
    require(can_use_queue(current_user))
    question = get_or_404(Question, question_id)
    if not _taken_by_another(question):
        question = _question_or_404(question_id)
        try:
            operations.claim(question, current_user)
        except TransitionError as exc:
            db.session.rollback()
            if not _taken_by_another(db.session.get(Question, question_id)):
                flash(str(exc), "danger")
                return redirect(url_for(".question", question_id=question_id))
        else:
            db.session.commit()
            flash(_("You claimed the question."), "success")
            return redirect(url_for(".question", question_id=question_id))
    # The loser of a claim race: say what happened instead of a bare "forbidden" page.
    return _taken_message()


def _taken_message():
    flash(
        _(
            "Another lawyer took this question just before you, so it has left your queue. "
            "Nothing was changed on your side."
        ),
        "warning",
    )
    return redirect(url_for(".queue"))


def _taken_by_another(question) -> bool:
    return (
        question is not None
        and question.lawyer_id is not None
        and question.lawyer_id != current_user.id
        and question.status not in (S.pool, S.assigned)
    )


@login_required
def release(question_id):
    question = _question_or_404(question_id)
    note = NoteForm().note.data or ""
    return _act(
        question,
        lambda: operations.release(question, current_user, note),
        _("The question was given back."),
    )


def _message_action(
    question_id, operation, success, form_class=MessageForm, form_name="message_form"
):
    question = _question_or_404(question_id)
    form = form_class()
    if not form.validate_on_submit():
        return _render_question(question, **{form_name: form}), 400
    files = None
    if hasattr(form, "attachments"):
        try:
            files = operations.store_files(_files(), current_user)
        except UploadRejected as exc:
            form.attachments.errors.append(str(exc))
            return _render_question(question, **{form_name: form}), 400
    try:
        if files is None:
            operation(question, current_user, form.body.data)
        else:
            operation(question, current_user, form.body.data, files)
    except TransitionError as exc:
        db.session.rollback()
        form.body.errors.append(str(exc))
        return _render_question(question, **{form_name: form}), 400
    db.session.commit()
    flash(success, "success")
    # question_id, not question.id: the commit expired the question (one SELECT less).
    return redirect(url_for(".question", question_id=question_id))


@login_required
def cite(question_id):
    """Insert a statute citation into the answer being written (works without JavaScript).

    The answer form's "Cite" buttons post the draft here with the article's id; the page comes
    back with the draft and the citation appended. Nothing is saved or sent.
    """
    question = _question_or_404(question_id)
    require(is_answering_lawyer(current_user, question))
    posted = MessageForm()
    if not posted.validate_on_submit() and "csrf_token" in posted.errors:
        abort(400)
    article = db.session.get(LawArticle, request.form.get("cite", type=int) or 0)
    draft = (posted.body.data or "").rstrip()
    if article is None:
        posted.body.errors = [_("That article is not in the statute library.")]
        return _render_question(question, message_form=posted), 400
    citation = f"[[{article.law.short_title} {article.label}]]"
    text = f"{draft}\n{citation}" if draft else citation
    form = MessageForm(formdata=None, data={"body": text})
    return _render_question(question, message_form=form, cited=article)


@login_required
def answer(question_id):
    return _message_action(question_id, operations.answer, _("Your answer was sent."))


@login_required
def request_info(question_id):
    return _message_action(
        question_id, operations.request_info, _("Your request for information was sent.")
    )


@login_required
def follow_up(question_id):
    return _message_action(question_id, operations.follow_up, _("Your follow-up was sent."))


@login_required
def reply(question_id):
    return _message_action(
        question_id, operations.reply_info, _("Your reply was sent."), ReplyForm, "reply_form"
    )


@login_required
def rate(question_id):
    question = _question_or_404(question_id)
    form = RatingForm()
    if question.status != S.answered:
        flash(_("You can rate a question only after it has been answered."), "danger")
        return redirect(url_for(".question", question_id=question.id))
    if not form.validate_on_submit():
        return _render_question(question, rating_form=form), 400
    return _act(
        question,
        lambda: operations.rate(question, current_user, int(form.rating.data), form.comment.data),
        _("Thank you for your rating."),
    )


@login_required
def withdraw(question_id):
    question = _question_or_404(question_id)
    note = NoteForm().note.data or ""
    return _act(
        question,
        lambda: operations.withdraw(question, current_user, note),
        _("The question was withdrawn."),
    )


@login_required
def escalate(question_id, code):
    question = _question_or_404(question_id)
    note = NoteForm().note.data or ""
    return _act(
        question,
        lambda: operations.escalate(question, code, current_user, note),
        _("The question was escalated."),
    )


@login_required
def reassign(question_id):
    question = _question_or_404(question_id)
    require(can_manage_questions(current_user))
    form = ReassignForm()
    form.lawyer.choices = [(u.id, u.name) for u in _verified_lawyers()]
    if not form.validate_on_submit():
        flash(_("Choose a lawyer."), "danger")
        return redirect(url_for(".question", question_id=question.id))
    lawyer = get_or_404(User, form.lawyer.data)
    return _act(
        question,
        lambda: operations.reassign(question, lawyer, current_user, form.note.data or ""),
        _("The question was assigned to %(name)s.", name=lawyer.name),
    )


@login_required
def reroute(question_id):
    question = _question_or_404(question_id)
    require(can_manage_questions(current_user))
    if question.status not in (S.submitted, S.pool):
        flash(_("Only questions waiting for a lawyer can be routed again."), "danger")
        return redirect(url_for(".question", question_id=question.id))
    return _act(
        question,
        lambda: operations.route(question, by=current_user),
        _("The question was routed again."),
    )


# --- lawyer ----------------------------------------------------------------------------------


class _PlainPagination(Pagination):
    """db.paginate's numbered pages (the same `page` argument, per_page and ends) over plain
    table rows of statements built once: `select` (run with `params`, `limit` and `offset`) and
    `counted` (their number, run with `params`). The tables print a few columns: building each
    row's Question and firm as objects, and building and keying the statements on every view,
    cost more than the database's work."""

    def __init__(self, **kwargs):
        super().__init__(per_page=PER_PAGE, error_out=False, **kwargs)

    def _query_items(self):
        params = {"limit": self.per_page, "offset": self._query_offset}
        params.update(self._query_args["params"])
        # Through the connection: plain rows, without the ORM's result machinery.
        return db.session.connection().execute(self._query_args["select"], params).all()

    def _query_count(self):
        return (
            db.session.connection()
            .execute(self._query_args["counted"], self._query_args["params"])
            .scalar_one()
        )


def _numbered(ordered, where):
    """(`ordered` a page at a time, the number of questions `where` selects): the count over
    the questions alone, not the page's joins and columns."""
    return (
        ordered.limit(bindparam("limit")).offset(bindparam("offset")),
        select(func.count()).select_from(Question).where(*where),
    )


@functools.cache
def _queue_statements(by_category: bool, by_industry: bool):
    """The questions waiting for the lawyer (run with `lawyer_id`, and `category_id`,
    `industry` when filtered by them), soonest deadline first, as _numbered: built once for
    each of the four filters."""
    where = [operations.lawyer_queue_filter(bindparam("lawyer_id"))]
    if by_category:
        where.append(Question.category_id == bindparam("category_id"))
    if by_industry:
        where.append(Question.industry == bindparam("industry"))
    return _numbered(
        table_select().where(*where).order_by(Question.deadline_dt, Question.id), where
    )


@functools.cache
def _held_statement():
    """The lawyer's own open questions (run with `lawyer_id`), at most MAX_HELD: built once."""
    return (
        table_select()
        .where(
            Question.lawyer_id == bindparam("lawyer_id"),
            Question.status.in_((S.claimed, S.needs_info, S.follow_up)),
        )
        .order_by(Question.deadline_dt)
        .limit(MAX_HELD)
    )


@login_required
def queue():
    require(can_use_queue(current_user))
    category = request.args.get("category", type=int)
    industry = request.args.get("industry", "")
    params = {"lawyer_id": current_user.id, "category_id": category, "industry": industry}
    rows, counted = _queue_statements(bool(category), industry in INDUSTRIES)
    page = _PlainPagination(select=rows, counted=counted, params=params)
    mine = db.session.connection().execute(_held_statement(), params).all()
    return render_template(
        "knowledge/queue.html",
        page=page,
        mine=mine,
        categories=_category_options(),
        industries=industry_choices(),
        category=category,
        industry=industry,
    )


class _CategoryOption(NamedTuple):
    id: int
    name: str


# The queue's category filter is kept this long in the short cache (a category staff add, rename
# or retire shows in the filter up to this many seconds later; the questions listed are fresh).
CATEGORY_OPTIONS_TTL = 30


@functools.cache
def _active_categories_statement():
    """(id, name_zh, name_en) of the active categories, in _categories()' order: built once."""
    return (
        select(LegalCategory.id, LegalCategory.name_zh, LegalCategory.name_en)
        .where(LegalCategory.is_active.is_(True))
        .order_by(LegalCategory.position)
    )


def _category_options() -> list[_CategoryOption]:
    """The active categories' ids and names in the page's language (what the filter prints)."""
    rows = cache.get_or_set(
        "categories:active",
        CATEGORY_OPTIONS_TTL,
        lambda: [
            list(row) for row in db.session.connection().execute(_active_categories_statement())
        ],
    )
    english = current_language() == "en"
    return [
        _CategoryOption(category_id, name_en if english else name_zh)
        for category_id, name_zh, name_en in rows
    ]


@login_required
def my_stats():
    require(can_use_queue(current_user))
    return render_template("knowledge/my_stats.html", figures=lawyer_figures(current_user))


# --- staff -----------------------------------------------------------------------------------


def _verified_lawyers_stmt():
    return (
        select(User)
        .join(LawyerProfile, LawyerProfile.user_id == User.id)
        .options(contains_eager(User.lawyer_profile).selectinload(LawyerProfile.conflicts))
        .where(User.role == Role.lawyer, User.verification == Verification.verified)
    )


def _verified_lawyers():
    return db.session.scalars(_verified_lawyers_stmt().order_by(User.name, User.id)).all()


def _count(stmt) -> int:
    """How many questions `stmt` selects, counted over their ids (whole rows would make the
    database read every matching question's text)."""
    ids = stmt.with_only_columns(Question.id).order_by(None)
    return db.session.scalar(select(func.count()).select_from(ids.subquery()))


@functools.cache
def _table_rows_stmt():
    # Built once (run with the ids): building and keying it cost more than running it.
    return table_select().where(Question.id.in_(bindparam("ids", expanding=True)))


def _table_rows(ids) -> list:
    """What a question table prints of the questions of `ids`, in that order (plain rows)."""
    loaded = db.session.execute(_table_rows_stmt(), {"ids": list(ids) or [0]})
    by_id = {row.id: row for row in loaded}
    return [by_id[i] for i in ids if i in by_id]


@functools.cache
def _earliest_overdue_stmt(n):
    """The ids of the n overdue questions with the earliest deadline (run with `now`): the first
    n of each unanswered status by the (status, deadline) index, united in one statement and
    merged. (One query over all four statuses makes the database gather and sort every overdue
    question to return twenty.) Built once: building and keying this statement of four parts
    cost twenty times what the database spends running it."""
    firsts = [
        operations.overdue_questions_stmt(now=bindparam("now"))
        .with_only_columns(Question.deadline_dt, Question.id)
        .where(Question.status == status)
        .order_by(Question.id)  # after the deadline
        .limit(n)
        .subquery()
        for status in UNANSWERED
    ]
    merged = union_all(*(select(first.c.deadline_dt, first.c.id) for first in firsts)).subquery()
    return select(merged.c.id).order_by(merged.c.deadline_dt, merged.c.id).limit(n)


def _earliest_overdue_ids(n) -> list[int]:
    return db.session.scalars(_earliest_overdue_stmt(n), {"now": clock.now_utc()}).all()


def _status_choices() -> list[tuple[str, str]]:
    """(value, label) of every status a sent question can have, translated once per page."""
    return [(status.value, str(STATUS_LABELS[status])) for status in S if status != S.draft]


def _status_counts() -> dict[str, int]:
    rows = db.session.execute(select(Question.status, func.count()).group_by(Question.status))
    return {str(status): n for status, n in rows}


@functools.cache
def _unrouted_stmt():
    """Questions no lawyer was matched to (sent to no one, or in the pool without offers)."""
    return select(Question.id).where(
        (Question.status == S.submitted) | ((Question.status == S.pool) & ~Question.offers.any())
    )


def _glimpse_ids() -> list[list[int]]:
    """The ids of the overview's two glimpses: the earliest overdue and unrouted questions. (The
    ids first: sorting whole rows, their long texts, to keep twenty was the page's slowest
    query.)"""
    unrouted = db.session.scalars(
        _unrouted_stmt().order_by(Question.deadline_dt, Question.id).limit(OVERVIEW_ROWS)
    ).all()
    return [_earliest_overdue_ids(OVERVIEW_ROWS), list(unrouted)]


def _still_overdue(row, now) -> bool:
    """operations.overdue_questions_stmt's rule, for a row of table_select()."""
    return (
        row.status in UNANSWERED
        and row.first_answer_dt is None
        and row.deadline_dt is not None
        and row.deadline_dt < now
    )


@login_required
def staff_overview():
    require(can_manage_questions(current_user))
    # Which questions the glimpses show is kept 30 s like the totals: finding the unrouted ones
    # walks every pool question for its offers (~1,500 at scale 1), and the overdue ones take a
    # union of four index walks; together most of the page's database time. Their rows are read
    # afresh (one statement) and checked again, so a question that has left a list since
    # (answered, assigned, withdrawn) is gone at once; one that joined it shows up to 30 s late.
    overdue_ids, unrouted_ids = cache.get_or_set("questions:overview:glimpses", 30, _glimpse_ids)
    rows = {row.id: row for row in _table_rows([*overdue_ids, *unrouted_ids])}
    now = clock.now_utc()
    overdue = [rows[i] for i in overdue_ids if i in rows and _still_overdue(rows[i], now)]
    unrouted = [
        rows[i] for i in unrouted_ids if i in rows and rows[i].status in (S.submitted, S.pool)
    ]
    unrouted_stmt = _unrouted_stmt()
    # The totals, when there are more than the glimpse, kept 30 s like the lists' totals.
    unrouted_total = (
        len(unrouted)
        if len(unrouted) < OVERVIEW_ROWS
        else cache.get_or_set("count:questions:unrouted", 30, lambda: _count(unrouted_stmt))
    )
    overdue_total = (
        len(overdue)
        if len(overdue) < OVERVIEW_ROWS
        else cache.get_or_set(
            "count:questions:overdue", 30, lambda: _count(operations.overdue_questions_stmt())
        )
    )
    # A scan of the whole status index (5-10 ms at 100,000 questions): kept 30 s like the totals.
    counts = cache.get_or_set("count:questions:by-status", 30, _status_counts)
    return render_template(
        "knowledge/staff_overview.html",
        overdue=overdue,
        overdue_total=overdue_total,
        unrouted=unrouted,
        unrouted_total=unrouted_total,
        # The same short-lived figure as the knowledge-base page's pager.
        proposals_total=cache.get_or_set(
            "count:questions:publishable",
            30,
            lambda: _count(operations.publishable_questions_stmt()),
        ),
        counts=counts,
        statuses=_status_choices(),
    )


@login_required
def staff_questions():
    require(can_manage_questions(current_user))
    status = request.args.get("status", "")
    # From the statistics page: asked (sent) or first answered in the period, of a chamber's firms.
    answered = request.args.get("by") == "answered"
    list_filter = listfilter.from_request()

    def narrowed(stmt):
        stmt = stmt.where(Question.status != S.draft)
        if status in S.__members__:
            stmt = stmt.where(Question.status == S(status))
        stmt = list_filter.in_period(
            stmt, Question.first_answer_dt if answered else Question.submitted_dt
        )
        return list_filter.of_chamber_firms(stmt, Question.enterprise_id)

    known = status if status in S.__members__ else ""
    narrowing = ":".join(f"{k}={v}" for k, v in sorted(list_filter.args().items()))
    page = seek(
        narrowed(table_select()),
        (Question.id,),
        PER_PAGE,
        count_key=f"questions:staff:{known}:{'answered' if answered else ''}:{narrowing}",
        plain=True,
        counted=narrowed(select(Question.id)),
    )
    return render_template(
        "knowledge/staff_questions.html",
        page=page,
        status=status,
        statuses=_status_choices(),
        list_filter=list_filter,
        by="answered" if answered else "",
    )


@login_required
def staff_overdue():
    require(can_manage_questions(current_user))
    # The page's ids first, then those rows: the database sorts the overdue questions' (deadline,
    # id) pairs from the index, not whole rows, to find the page.
    page = seek(
        operations.overdue_questions_stmt().order_by(None).with_only_columns(Question.id),
        (Question.deadline_dt, Question.id),
        PER_PAGE,
        descending=False,
        count_key="questions:overdue",
        plain=True,
    )
    page.items = _table_rows([row.id for row in page.items])
    return render_template("knowledge/staff_overdue.html", page=page)


@login_required
def staff_rules():
    require(can_manage_questions(current_user))
    rules = {r.category_id: r for r in db.session.scalars(select(RoutingRule))}
    rows = []
    for category in _categories():
        rule = rules.get(category.id)
        form = RoutingRuleForm(
            prefix=f"c{category.id}",
            formdata=None,
            mode=(rule.mode if rule else RoutingMode.pool).value,
            deadline_days=rule.deadline_days if rule else DEFAULT_DEADLINE_DAYS,
        )
        rows.append((category, rule, form))
    return render_template("knowledge/staff_rules.html", rows=rows)


@login_required
def staff_rule_save(category_id):
    require(can_manage_questions(current_user))
    category = get_or_404(LegalCategory, category_id)
    form = RoutingRuleForm(prefix=f"c{category.id}")
    if form.validate_on_submit():
        operations.save_routing_rule(
            category, form.mode.data, form.deadline_days.data, current_user
        )
        db.session.commit()
        flash(_("Routing rule saved."), "success")
    else:
        errors = "; ".join(e for errs in form.errors.values() for e in errs)
        flash(_("Not saved: %(errors)s", errors=errors), "danger")
    return redirect(url_for(".staff_rules"))


def _taken_this_week_by_lawyer() -> dict[int, int]:
    """Every lawyer's questions taken this week, as the roster shows them: kept 30 s like the
    lists' totals (it reads each of the week's questions, ~500 at scale 1, on every view).
    Routing and reassignment count afresh (knowledge.routing.taken_this_week)."""
    week = week_start().isoformat()
    pairs = cache.get_or_set(
        f"count:questions:taken:{week}", 30, lambda: sorted(taken_this_week().items())
    )
    return dict((lawyer_id, n) for lawyer_id, n in pairs)


@functools.cache
def _roster_statement():
    """The roster's rows, built once (seek's `built_once`): plain rows, not User and LawyerProfile
    objects (building 50 of each, and their specialities', cost more than the page's queries)."""
    return (
        select(
            User.id,
            User.name,
            LawyerProfile.law_firm,
            LawyerProfile.industries,
            LawyerProfile.weekly_capacity,
        )
        .join(LawyerProfile, LawyerProfile.user_id == User.id)
        .where(User.role == Role.lawyer, User.verification == Verification.verified)
    )


@login_required
def staff_lawyers():
    require(can_manage_questions(current_user))
    page = seek(
        _roster_statement(),
        (User.name, User.id),
        ROSTER_PER_PAGE,
        descending=False,
        count_key="lawyers:verified",
        plain=True,
        built_once=True,
    )
    rows = roster_rows(page.items, _taken_this_week_by_lawyer())
    return render_template(
        "knowledge/staff_lawyers.html", rows=rows, page=page, capacity_max=CAPACITY_MAX
    )


@login_required
def staff_lawyer_capacity(user_id):
    require(can_manage_questions(current_user))
    lawyer = get_or_404(User, user_id)
    if lawyer.lawyer_profile is None:
        abort(404)
    form = CapacityForm(prefix=f"l{lawyer.id}")
    if form.validate_on_submit():
        operations.set_capacity(lawyer, form.weekly_capacity.data, current_user)
        db.session.commit()
        flash(_("Capacity saved."), "success")
    else:
        flash(_("The weekly capacity is a number from 0 to 100."), "danger")
    return redirect(url_for(".staff_lawyers"))


@login_required
def staff_figures():
    require(can_manage_questions(current_user))
    start, end, month = month_bounds(request.args.get("month"))
    tables = cache.get_or_set(
        figures_key(start, end),
        FIGURES_TTL,
        lambda: render_template(
            "knowledge/_staff_figure_tables.html", data=figures(start, end), month=month
        ),
    )
    return render_template("knowledge/staff_figures.html", tables=Markup(tables), month=month)


@login_required
def staff_figures_xlsx():
    require(can_manage_questions(current_user))
    start, end, month = month_bounds(request.args.get("month"))
    data = figures_xlsx(figures(start, end), month)
    return Response(
        data,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename=questions-{month}.xlsx"},
    )


@login_required
def staff_articles():
    require(can_manage_questions(current_user))
    # What the two lists print: not the articles' and questions' texts.
    articles = db.session.scalars(
        select(KnowledgeArticle)
        .options(
            load_only(
                KnowledgeArticle.title,
                KnowledgeArticle.category_id,
                KnowledgeArticle.is_published,
                KnowledgeArticle.updated_dt,
            )
        )
        .order_by(KnowledgeArticle.updated_dt.desc())
    ).all()
    proposals = seek(
        operations.publishable_questions_stmt().with_only_columns(Question.id, Question.title),
        (Question.first_answer_dt, Question.id),
        PER_PAGE,
        count_key="questions:publishable",
        plain=True,
    )
    return render_template(
        "knowledge/staff_articles.html",
        articles=articles,
        proposals=proposals,
        question_href=href_for("knowledge.question", "question_id"),
        prepare_href=href_for("knowledge.staff_article_prepare", "question_id"),
        article_href=href_for("knowledge.staff_article", "article_id"),
    )


@login_required
def staff_article_prepare(question_id):
    require(can_manage_questions(current_user))
    question = get_or_404(Question, question_id)
    try:
        article = operations.prepare_article(question, current_user)
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "danger")
        return redirect(url_for(".staff_articles"))
    db.session.commit()
    flash(_("Check the automatic anonymisation, then publish."), "info")
    return redirect(url_for(".staff_article", article_id=article.id))


@login_required
def staff_article(article_id):
    require(can_manage_questions(current_user))
    article = get_or_404(KnowledgeArticle, article_id)
    form = ArticleForm(obj=article)
    form.category.choices = _category_choices()
    if request.method == "GET":
        form.category.data = str(article.category_id)
    if form.validate_on_submit():
        try:
            operations.save_article(
                article,
                current_user,
                title=form.title.data,
                question_text=form.question_text.data,
                answer_text=form.answer_text.data,
                category=db.session.get(LegalCategory, int(form.category.data)),
                industry=form.industry.data,
            )
        except TransitionError as exc:
            db.session.rollback()
            form.answer_text.errors.append(str(exc))
        else:
            if request.form.get("publish") == "1":
                operations.publish_article(article, current_user, True)
            db.session.commit()
            flash(_("Article saved."), "success")
            return redirect(url_for(".staff_article", article_id=article.id))
    return render_template("knowledge/staff_article.html", form=form, article=article)


@login_required
def staff_article_publish(article_id):
    require(can_manage_questions(current_user))
    article = get_or_404(KnowledgeArticle, article_id)
    publish = request.form.get("publish") == "1"
    operations.publish_article(article, current_user, publish)
    db.session.commit()
    flash(
        _("Article published.") if publish else _("Article withdrawn from the public."), "success"
    )
    return redirect(url_for(".staff_article", article_id=article.id))


# --- public knowledge base -------------------------------------------------------------------


def kb_index():
    category = request.args.get("category", type=int)
    industry = request.args.get("industry", "")
    stmt = select(KnowledgeArticle).where(KnowledgeArticle.is_published.is_(True))
    if category:
        stmt = stmt.where(KnowledgeArticle.category_id == category)
    if industry in INDUSTRIES:
        stmt = stmt.where(KnowledgeArticle.industry == industry)
    page = db.paginate(
        stmt.order_by(KnowledgeArticle.published_dt.desc()), per_page=PER_PAGE, error_out=False
    )
    by_category = dict(
        db.session.execute(
            select(KnowledgeArticle.category_id, func.count())
            .where(KnowledgeArticle.is_published.is_(True))
            .group_by(KnowledgeArticle.category_id)
        ).all()
    )
    return render_template(
        "knowledge/kb_index.html",
        page=page,
        categories=_categories(),
        by_category=by_category,
        industries=INDUSTRIES,
        category=category,
        industry=industry,
    )


def kb_article(article_id):
    article = get_or_404(KnowledgeArticle, article_id)
    if not article.is_published and not is_staff(current_user):
        abort(404)
    return render_template("knowledge/kb_article.html", article=article)
