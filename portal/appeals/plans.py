"""Tier-2 solution plans (《民营企业诉求事项解决方案》), their milestones and the DOCX."""

from io import BytesIO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.appeals import deadlines
from portal.appeals.models import PlanMilestone, SolutionPlan, Tier
from portal.appeals.workflow import AppealError
from portal.audit.operations import log
from portal.core import clock, word
from portal.core.db import db
from portal.core.i18n import format_day


def save_plan(referral, *, by, principles, direction, lead, cooperating, deadline, team):
    if referral.tier != Tier.hard:
        raise AppealError(_l("Solution plans are written for tier-2 items."))
    if lead is None:
        raise AppealError(_l("Name the lead responsible body."))
    if not (principles or "").strip() or not (direction or "").strip():
        raise AppealError(_l("Write the basic principles and the direction."))
    if deadline is None:
        raise AppealError(_l("Set the deadline."))
    deadline = deadlines.next_working_day(deadline)  # queries: before the plan is pending
    plan = referral.plan
    if plan is None:
        plan = SolutionPlan(referral=referral, created_by_id=by.id, deadline=deadline, lead=lead)
        db.session.add(plan)
    plan.principles = principles.strip()
    plan.direction = direction.strip()
    plan.lead = lead
    plan.cooperating = [o for o in cooperating if o.id != lead.id]
    plan.deadline = deadline
    plan.team = (team or "").strip()
    log("appeal_plan.save", referral, by=by, summary=f"{lead.name} {plan.deadline.isoformat()}")
    return plan


def add_milestone(plan, *, by, title, due_date):
    title = (title or "").strip()
    if not title or due_date is None:
        raise AppealError(_l("A milestone needs a title and a date."))
    due_date = deadlines.next_working_day(due_date)
    milestone = PlanMilestone(plan=plan, title=title[:200], due_date=due_date)
    db.session.add(milestone)
    log("appeal_plan.milestone", plan.referral, by=by, summary=title[:200])
    return milestone


def tick_milestone(milestone, *, by, done=True):
    milestone.done_dt = clock.now_utc() if done else None
    log("appeal_plan.milestone_done", milestone.plan.referral, by=by, summary=milestone.title)
    return milestone


def plan_docx(plan) -> bytes:
    from portal.appeals.reports import BODY_FONT, HEADING_FONT

    referral = plan.referral
    document = word.new_document(BODY_FONT, 12, headings=HEADING_FONT)
    document.add_heading(_("Solution plan for a private enterprise's appeal"), level=1)
    document.add_paragraph(word.text(
        _("Item no. %(id)s · %(firm)s · %(category)s", id=referral.id, firm=referral.firm_label,
          category=referral.category_label)
    ))  # fmt: skip
    document.add_paragraph(word.text(referral.summary))
    sections = [
        (_("1. Basic principles"), plan.principles),
        (_("2. Direction"), plan.direction),
        (
            _("3. Responsible bodies"),
            _("Lead: %(lead)s", lead=plan.lead.name)
            + "\n"
            + _(
                "Co-operating: %(names)s", names="、".join(o.name for o in plan.cooperating) or "—"
            ),
        ),
        (_("4. Deadline"), format_day(plan.deadline)),
    ]
    for title, text in sections:
        document.add_heading(title, level=2)
        for line in word.text(text).splitlines() or [""]:
            document.add_paragraph(line)
    document.add_heading(_("Work team"), level=2)
    for member in plan.team_members:
        document.add_paragraph(word.text(member), style="List Bullet")
    if plan.milestones:
        document.add_heading(_("Milestones"), level=2)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (_("Milestone"), _("Due"), _("Done")),
                              strict=True):  # fmt: skip
            cell.text = text
        for milestone in plan.milestones:
            row = table.add_row().cells
            row[0].text = word.text(milestone.title)
            row[1].text = format_day(milestone.due_date)
            row[2].text = format_day(milestone.done_dt)  # the day it was ticked, in Beijing
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()
