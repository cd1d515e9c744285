"""How counsel plugs into the portal: blueprint, navigation, demo data, statistics."""

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.core.hooks import (
    add_demo_loader,
    add_escalation_target,
    add_home_section,
    add_nav,
    add_record_type,
    add_stats,
    enterprise_id_of,
)
from portal.core.i18n import format_day


def init_app(app):
    from portal.counsel import models  # noqa: F401  (tables known to migrations)
    from portal.counsel.blueprint import bp

    # Local practice, so a setting (PORTAL_COUNSEL_MAX_GROUPS_PER_LAWYER in the environment).
    app.config.setdefault("COUNSEL_MAX_GROUPS_PER_LAWYER", 3)
    app.register_blueprint(bp)
    add_nav(app, "counsel.index", _l("5+1 counsel"), lambda user: user.is_authenticated)
    add_home_section(app, home_section)
    add_stats(app, "counsel", _stats)
    add_record_type(app, "counsel_groups", describe_group)
    add_record_type(app, "counsel_requests", describe_request)
    add_record_type(app, "counsel_services", describe_service)
    add_escalation_target(app, "counsel", _l("5+1 counsel"), escalation_available, escalate)
    add_demo_loader(app, 60, "counsel", _load_demo)


def _stats(start, end, chamber_id=None):
    from portal.counsel.reports import stats

    return stats(start, end, chamber_id)


def _load_demo(app):
    from portal.counsel.demo import load

    return load(app)


def describe_group(group_id):
    from portal.core.db import db
    from portal.counsel.models import CounselGroup

    group = db.session.get(CounselGroup, group_id)
    if group is None:
        return (_("Deleted counsel group"), "")
    return (_("5+1 group: %(name)s", name=group.name), url_for("counsel.group", group_id=group_id))


def describe_request(request_id):
    from portal.core.db import db
    from portal.counsel.models import CounselRequest

    item = db.session.get(CounselRequest, request_id)
    if item is None:
        return (_("Deleted counsel request"), "")
    return (
        _("Counsel request: %(title)s", title=item.title),
        url_for("counsel.request_detail", request_id=request_id),
    )


def describe_service(service_id):
    from portal.core.db import db
    from portal.counsel.models import CounselService

    item = db.session.get(CounselService, service_id)
    if item is None:
        return (_("Deleted counsel service"), "")
    return (
        _(
            "Counsel service %(date)s: %(kind)s",
            date=format_day(item.service_date),
            kind=item.kind_label,
        ),
        url_for("counsel.service", service_id=service_id),
    )


def escalation_available(user, source) -> bool:
    """Only when the source's firm has an active 5+1 group."""
    from portal.counsel.operations import has_active_group

    enterprise_id = enterprise_id_of(source)
    return (
        bool(user and user.is_authenticated)
        and enterprise_id is not None
        and has_active_group(enterprise_id)
    )


def escalate(source, by, **data):
    """A counsel request for the source's firm; uses only source.title/body/enterprise."""
    from portal.counsel.operations import create_request

    title = data.get("title") or getattr(source, "title", "") or _("Referred matter")
    body = data.get("body") or getattr(source, "body", "") or ""
    if data.get("note"):
        body = f"{body}\n\n{data['note']}"
    return create_request(source.enterprise, title=title, body=body, by=by)


def home_section(user):
    from portal.accounts.models import Role
    from portal.core.permissions import is_staff, is_verified

    if is_staff(user):
        return _staff_section()
    if is_verified(user, Role.lawyer):
        return _lawyer_section(user)
    if is_verified(user, Role.enterprise):
        return _enterprise_section(user)
    return None


def _staff_section():
    from portal.counsel.reports import groups_ending, quiet_count

    items = [
        (
            _("%(group)s ends on %(date)s", group=g.name, date=format_day(g.end_date)),
            url_for("counsel.group", group_id=g.id),
        )
        for g in groups_ending()[:5]
    ]
    quiet = quiet_count()
    if quiet:
        items.append(
            (
                _("%(n)s firms with no confirmed service in 90 days", n=quiet),
                url_for("counsel.report"),
            )
        )
    return {
        "title": _("5+1 counsel: groups ending soon"),
        "items": items,
        "empty": _("No group ends in the next 30 days."),
        "link": (_("All groups"), url_for("counsel.index")),
    }


def _lawyer_section(user):
    from sqlalchemy import select

    from portal.core.db import db
    from portal.counsel.models import (
        CounselGroup,
        CounselLawyerSeat,
        CounselService,
        GroupStatus,
        ServiceStatus,
    )

    groups = db.session.scalars(
        select(CounselGroup)
        .join(CounselLawyerSeat)
        .where(
            CounselLawyerSeat.lawyer_id == user.id,
            CounselLawyerSeat.left_on.is_(None),
            CounselGroup.status == GroupStatus.active,
        )
    ).all()
    if not groups:
        return None
    items = [(g.name, url_for("counsel.group", group_id=g.id)) for g in groups]
    pending = db.session.scalars(
        select(CounselService).where(
            CounselService.lawyer_id == user.id,
            CounselService.status.in_((ServiceStatus.logged, ServiceStatus.disputed)),
        )
    ).all()
    disputed = sum(1 for s in pending if s.status == ServiceStatus.disputed)
    if pending:
        items.append(
            (
                _(
                    "%(n)s services awaiting confirmation (%(d)s disputed)",
                    n=len(pending) - disputed,
                    d=disputed,
                ),
                url_for("counsel.index"),
            )
        )
    return {
        "title": _("My 5+1 groups"),
        "items": items,
        "empty": "",
        "link": (_("View all"), url_for("counsel.index")),
    }


def _enterprise_section(user):
    from sqlalchemy import func, select

    from portal.core.db import db
    from portal.counsel.models import CounselService, ServiceStatus
    from portal.counsel.operations import active_group_of

    group = active_group_of(user.enterprise_id)
    if group is None:
        return None
    items = [
        (_("Counsel: %(name)s", name=lawyer.name), url_for("counsel.group", group_id=group.id))
        for lawyer in group.lawyers
    ]
    waiting = db.session.scalar(
        select(func.count())
        .select_from(CounselService)
        .where(
            CounselService.enterprise_id == user.enterprise_id,
            CounselService.status == ServiceStatus.logged,
        )
    )
    if waiting:
        items.append((_("%(n)s services to confirm", n=waiting), url_for("counsel.index")))
    items.append((_("Ask my counsel directly"), url_for("counsel.ask")))
    return {
        "title": _("My 5+1 counsel"),
        "items": items,
        "empty": "",
        "link": (_("View all"), url_for("counsel.index")),
    }
