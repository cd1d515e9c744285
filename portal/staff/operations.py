"""Changes to staff settings."""

from sqlalchemy import func, select

from portal.audit.operations import log
from portal.core.db import db
from portal.core.models import CalendarDay, LegalCategory


def set_calendar_day(*, day, is_workday: bool, label: str, by) -> CalendarDay:
    entry = db.session.get(CalendarDay, day) or CalendarDay(day=day)
    entry.is_workday, entry.label = is_workday, label or ""
    db.session.add(entry)
    log(
        "calendar.set",
        entry,
        by=by,
        object_id=day.isoformat(),
        summary=f"{day} {'work' if is_workday else 'holiday'}",
    )
    return entry


def remove_calendar_day(entry: CalendarDay, *, by):
    log(
        "calendar.remove", None, by=by, object_type="calendar_days", object_id=entry.day.isoformat()
    )
    db.session.delete(entry)


def save_category(
    category: LegalCategory | None, *, code, name_zh, name_en, is_active, by
) -> LegalCategory:
    if category is None:
        position = (db.session.scalar(select(func.max(LegalCategory.position))) or 0) + 1
        category = LegalCategory(position=position)
        db.session.add(category)
    category.code, category.name_zh, category.name_en, category.is_active = (
        code,
        name_zh,
        name_en,
        is_active,
    )
    log("category.save", category, by=by, summary=f"{code} {name_zh}")
    return category
