"""Pages of counsel."""

from datetime import date, timedelta
from types import SimpleNamespace

from flask import (
    Response,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from sqlalchemy import Integer, bindparam, func, literal_column, null, select, union_all
from sqlalchemy.orm import joinedload, load_only

from portal.accounts.models import Chamber, Enterprise, LawyerProfile, Role, User
from portal.core import cache, clock, listfilter, once
from portal.core.db import db, get_or_404
from portal.core.forms import LongSelect
from portal.core.i18n import current_language, day_formatter
from portal.core.keyset import seek
from portal.core.links import link_records, links_of
from portal.core.permissions import is_staff, is_verified, require
from portal.core.reference import SIZE_CLASSES
from portal.core.rows import LabelsOnce, href_for, translated
from portal.counsel import operations, permissions, reports
from portal.counsel.forms import (
    AddLawyerForm,
    AddMemberForm,
    AnswerForm,
    DisputeForm,
    FollowUpForm,
    GroupForm,
    RenewForm,
    ReportFilterForm,
    RequestForm,
    ServiceEditForm,
    ServiceForm,
    SuggestFilterForm,
    lawyer_choices,
)
from portal.counsel.models import (
    GROUP_STATUS_LABELS,
    REQUEST_STATUS_LABELS,
    SERVICE_KIND_LABELS,
    SERVICE_STATUS_LABELS,
    CounselGroup,
    CounselLawyerSeat,
    CounselMembership,
    CounselRequest,
    CounselService,
    CounselTerm,
    GroupStatus,
    RequestStatus,
    ServiceStatus,
    group_kind_label,
    group_list_options,
    service_list_options,
)
from portal.counsel.workflow import CounselError, transition_request, transition_service


def _refuse(form_field, error):
    form_field.errors = list(form_field.errors) + [str(error)]


@login_required
def index():
    if is_staff(current_user):
        status = request.args.get("status", "active")
        # Plain rows of what the table prints (not CounselGroup and Chamber objects), by seek
        # (portal.core.keyset), the total kept briefly like the other long lists'.
        stmt = select(
            CounselGroup.id,
            CounselGroup.name,
            CounselGroup.status,
            CounselGroup.start_date,
            CounselGroup.end_date,
        )
        if status in ("active", "ended"):
            stmt = stmt.where(CounselGroup.status == GroupStatus(status))
        # From the statistics page: one chamber's groups (groups run for years: no period).
        list_filter = listfilter.ListFilter(chamber=listfilter.from_request().chamber)
        if list_filter.chamber_id is not None:
            stmt = stmt.where(CounselGroup.chamber_id == list_filter.chamber_id)
        known = status if status in ("active", "ended") else ""
        groups = seek(
            stmt.add_columns(Chamber.name.label("chamber_name"), _CURRENT_MEMBERS).outerjoin(
                Chamber, Chamber.id == CounselGroup.chamber_id
            ),
            (CounselGroup.end_date, CounselGroup.id),
            30,
            descending=False,
            count_key=f"counsel-groups:{known}:{list_filter.chamber_id}",
            plain=True,
            counted=stmt,
        )
        group_href, day = href_for("counsel.group", "group_id"), day_formatter()
        return render_template(
            "counsel/staff_index.html",
            list_filter=list_filter,
            groups=groups,
            lines=_group_lines(groups.items, group_href, day),
            group_href=group_href,
            day=day,
            status=status,
            coverage=reports.coverage(),
            ending=reports.groups_ending_soon(),
        )
    if is_verified(current_user, Role.lawyer):
        groups = db.session.scalars(
            select(CounselGroup)
            .options(*group_list_options())
            .join(CounselLawyerSeat)
            .where(CounselLawyerSeat.lawyer_id == current_user.id)
            .order_by(CounselGroup.status, CounselGroup.end_date)
            .distinct()
        ).all()
        pending = db.session.scalars(
            select(CounselService)
            .options(*service_list_options())
            .where(
                CounselService.lawyer_id == current_user.id,
                CounselService.status.in_((ServiceStatus.logged, ServiceStatus.disputed)),
            )
            .order_by(CounselService.service_date.desc())
        ).all()
        open_requests = db.session.scalars(
            select(CounselRequest)
            .options(*_REQUEST_ROW_COLUMNS)
            .where(
                CounselRequest.group_id.in_([g.id for g in groups if g.is_active] or [0]),
                CounselRequest.status == RequestStatus.open,
            )
            .order_by(CounselRequest.created_dt)
        ).all()
        rows = _table_rows()
        return render_template(
            "counsel/lawyer_index.html",
            groups=groups,
            pending=_service_lines(pending, rows),
            requests=open_requests,
            rows=rows,
        )
    if is_verified(current_user, Role.enterprise):
        firm = current_user.enterprise
        group = operations.active_group_of(firm.id)
        services = db.session.scalars(
            select(CounselService)
            .options(*service_list_options())
            .where(CounselService.enterprise_id == firm.id)
            .order_by(CounselService.service_date.desc(), CounselService.id.desc())
            .limit(50)
        ).all()
        my_requests = db.session.scalars(
            select(CounselRequest)
            .options(*_REQUEST_ROW_COLUMNS)
            .where(CounselRequest.enterprise_id == firm.id)
            .order_by(CounselRequest.created_dt.desc())
            .limit(30)
        ).all()
        rows = _table_rows()
        return render_template(
            "counsel/enterprise_index.html",
            firm=firm,
            group=group,
            services=_service_lines(services, rows),
            requests=my_requests,
            rows=rows,
        )
    return render_template("counsel/about.html")


# The number of a group's current firms, read with the staff list's rows (the partial index
# of current seats answers it).
_CURRENT_MEMBERS = (
    select(func.count())
    .where(CounselMembership.group_id == CounselGroup.id, CounselMembership.left_on.is_(None))
    .correlate(CounselGroup)
    .scalar_subquery()
    .label("members")
)
# The current counsel of the page's groups, in the order they joined: built once.
_CURRENT_COUNSEL = (
    select(CounselLawyerSeat.group_id, User.name)
    .join(User, User.id == CounselLawyerSeat.lawyer_id)
    .where(
        CounselLawyerSeat.group_id.in_(bindparam("group_ids", expanding=True)),
        CounselLawyerSeat.left_on.is_(None),
    )
    .order_by(CounselLawyerSeat.id)
)


def _group_lines(groups, group_href, day) -> list[tuple]:
    """Each row of the staff list as it prints: link, name, kind (5+N), chamber, firms,
    counsel, term and status, worked out here in one pass (in the template, calls and filters
    cost several times as much a row); the counsel's names by one statement for the page."""
    counsel: dict[int, list[str]] = {g.id: [] for g in groups}
    if counsel:
        for group_id, name in db.session.execute(_CURRENT_COUNSEL, {"group_ids": list(counsel)}):
            counsel[group_id].append(name)
    statuses = translated(GROUP_STATUS_LABELS)
    return [
        (
            group_href(g.id),
            g.name,
            group_kind_label(len(counsel[g.id])),
            g.chamber_name or "",
            g.members,
            "、".join(counsel[g.id]),
            f"{day(g.start_date)} – {day(g.end_date)}",
            statuses[g.status],
        )
        for g in groups
    ]


def _create_group_from(form):
    """Create the group the form describes; None (and the message on the form) when refused."""
    try:
        group = operations.create_group(
            name=form.name.data,
            chamber=db.session.get(Chamber, form.chamber.data) if form.chamber.data else None,
            start_date=form.start_date.data,
            end_date=form.end_date.data,
            enterprises=form.enterprises.firms,
            lawyers=[db.session.get(User, i) for i in form.lawyers.data],
            note=form.note.data,
            by=current_user,
        )
    except CounselError as error:
        db.session.rollback()
        _refuse(form.enterprises, error)
        return None
    db.session.commit()
    flash(_("Group created."), "success")
    return group


# The new group form lists every active lawyer (~330 at scale 1): the list is kept this long in
# the short shared cache (a lawyer verified or deactivated shows in it within this time), the
# same for every reader. Reading it and writing each option through WTForms cost the page
# some 2 ms. A posted form is checked against the list read afresh.
GROUP_FORM_LAWYERS_TTL = 30
GROUP_FORM_LAWYERS_KEY = "counsel:group-form-lawyers"


def _lawyer_rows() -> list[list]:
    return [[lawyer_id, name] for lawyer_id, name in lawyer_choices()]


@login_required
def group_new():
    require(permissions.can_manage_groups(current_user))
    if request.method == "GET":
        choices = cache.get_or_set(GROUP_FORM_LAWYERS_KEY, GROUP_FORM_LAWYERS_TTL, _lawyer_rows)
        form = GroupForm(lawyers=choices, written_options=LongSelect.written_options(choices))
        form.start_date.data = clock.today()
        form.end_date.data = date(clock.today().year + 1, clock.today().month, 1)
    else:
        form = GroupForm()  # a posted group is checked against the lawyers read afresh
    if form.validate_on_submit() and (group := _create_group_from(form)) is not None:
        return redirect(url_for(".group", group_id=group.id))
    return render_template("counsel/group_form.html", form=form)


@login_required
def suggest():
    require(permissions.can_manage_groups(current_user))
    filters = SuggestFilterForm(request.args)
    filters.validate()
    chamber_id, industry = filters.chamber.data or None, filters.industry.data or None
    today = clock.today()

    def write():
        return render_template(
            "counsel/_suggestions.html",
            suggestions=operations.plain_suggestions(chamber_id=chamber_id, industry=industry),
            sizes=LabelsOnce(lambda size_class: str(SIZE_CLASSES.get(size_class, size_class))),
            start=today,
            end=date(today.year + 1, today.month, 1),
            csrf_field=Markup(_CSRF_FIELD % _CSRF_MARK),
        )

    # The suggestions as written, per filter, language and day (the proposed terms start
    # today); each form's CSRF token, the viewer's own, is written in on every view.
    written = cache.get_or_set(
        f"{operations.suggestions_key(chamber_id, industry)}:{current_language()}:{today}",
        operations.SUGGEST_TTL,
        write,
    )
    written = written.replace(_CSRF_MARK, str(escape(generate_csrf())))
    return render_template("counsel/suggest.html", filters=filters, suggestions=Markup(written))


# The hidden CSRF field as macros.html's csrf() writes it; the mark stands for the token in the
# suggestions kept in the cache (no text a user typed can hold it: "<" is written "&lt;").
_CSRF_FIELD = '<input type="hidden" name="csrf_token" value="%s">'
_CSRF_MARK = "<!--csrf-->"


@login_required
def suggest_accept():
    """Accepting a suggestion posts the same fields as the group form; checked again there."""
    require(permissions.can_manage_groups(current_user))
    form = GroupForm()
    if form.validate_on_submit() and (group := _create_group_from(form)) is not None:
        return redirect(url_for(".group", group_id=group.id))
    # Something changed since the suggestion was made: show it in the full form to fix.
    return render_template("counsel/group_form.html", form=form)


# The group page reads plain rows of what it prints and of what the permission functions ask
# (not CounselGroup, CounselMembership, CounselLawyerSeat and CounselTerm objects, whose
# loading cost several times the statements): the group with its chamber's name, then its
# firms, counsel (with their law firm) and terms in one statement, in the relations' own order.
_GROUP_ROW = (
    select(
        CounselGroup.id,
        CounselGroup.name,
        CounselGroup.status,
        CounselGroup.start_date,
        CounselGroup.end_date,
        CounselGroup.note,
        Chamber.name.label("chamber_name"),
    )
    .outerjoin(Chamber, Chamber.id == CounselGroup.chamber_id)
    .where(CounselGroup.id == bindparam("group_id"))
)
_FIRM, _COUNSEL, _TERM = 1, 2, 3
# One row shape for the three: a firm's seat has an enterprise_id, a counsel's a lawyer_id
# (what the permission functions compare), a term its dates as joined_on and left_on.
_GROUP_SEATS_AND_TERMS = union_all(
    select(
        literal_column(str(_FIRM), Integer).label("kind"),
        CounselMembership.id,
        CounselMembership.enterprise_id,
        null().label("lawyer_id"),
        CounselMembership.joined_on,
        CounselMembership.left_on,
        Enterprise.name,
        Enterprise.size_class.label("detail"),
        CounselMembership.id.label("position"),
    )
    .join(Enterprise, Enterprise.id == CounselMembership.enterprise_id)
    .where(CounselMembership.group_id == bindparam("group_id")),
    select(
        literal_column(str(_COUNSEL), Integer),
        CounselLawyerSeat.id,
        null(),
        CounselLawyerSeat.lawyer_id,
        CounselLawyerSeat.joined_on,
        CounselLawyerSeat.left_on,
        User.name,
        LawyerProfile.law_firm,
        CounselLawyerSeat.id,
    )
    .join(User, User.id == CounselLawyerSeat.lawyer_id)
    .outerjoin(LawyerProfile, LawyerProfile.user_id == User.id)
    .where(CounselLawyerSeat.group_id == bindparam("group_id")),
    select(
        literal_column(str(_TERM), Integer),
        CounselTerm.id,
        null(),
        null(),
        CounselTerm.start_date,
        CounselTerm.end_date,
        null(),
        null(),
        CounselTerm.number,
    ).where(CounselTerm.group_id == bindparam("group_id")),
).order_by("kind", "position")


class PageGroup(SimpleNamespace):
    """A counsel group as its page reads it: the columns of _GROUP_ROW, and `memberships`,
    `lawyer_seats` and `terms` as rows of _GROUP_SEATS_AND_TERMS. Whether it is active, its
    current seats, kind and status come from CounselGroup's own properties, so the permission
    functions ask it what they ask a CounselGroup and get the same answers."""

    __tablename__ = CounselGroup.__tablename__  # the record type links_of looks up
    is_active = CounselGroup.__dict__["is_active"]
    current_members = CounselGroup.__dict__["current_members"]
    current_lawyer_seats = CounselGroup.__dict__["current_lawyer_seats"]
    kind_label = CounselGroup.__dict__["kind_label"]
    status_label = CounselGroup.__dict__["status_label"]


def _group_for_page(read, group_id) -> PageGroup:
    """The group with its chamber's name, firms, counsel and terms (404 when there is none).
    `read`: the session's connection's execute (see group())."""
    # As get_or_404: an id no database integer can hold is not found (not a driver error).
    if not -(2**31) <= group_id < 2**31:
        abort(404)
    ids = {"group_id": group_id}
    row = read(_GROUP_ROW, ids).one_or_none()
    if row is None:
        abort(404)
    seats: dict[int, list] = {_FIRM: [], _COUNSEL: [], _TERM: []}
    for seat in read(_GROUP_SEATS_AND_TERMS, ids):
        seats[seat.kind].append(seat)
    return PageGroup(
        **row._mapping,
        memberships=seats[_FIRM],
        lawyer_seats=seats[_COUNSEL],
        terms=seats[_TERM],
    )


def _law_firm(name) -> str:
    # A counsel without a lawyer profile shows no law firm.
    return name or ""


def _seat_lines(seats, detail, day, remove) -> list[tuple]:
    """Each firm or counsel of the group page as it prints: name, "detail · joined – left",
    and the address of its "Remove" form (None where the page shows none), in one pass."""
    return [
        (
            s.name,
            f"{detail(s.detail)} · {day(s.joined_on)} – {day(s.left_on)}",
            remove(s.id) if remove and s.left_on is None else None,
        )
        for s in seats
    ]


@login_required
def group(group_id):
    # Its plain-row statements run on the session's connection: the same rows, without the
    # ORM's execution layer (about 50 µs a statement) that only ORM entities need.
    read = db.session.connection().execute
    group = _group_for_page(read, group_id)
    require(permissions.can_view_group(current_user, group))
    services = read(_GROUP_SERVICES, {"group_id": group.id}).all()
    staff = permissions.can_manage_groups(current_user)
    if not (is_staff(current_user) or permissions.is_current_counsel(current_user, group)):
        # The one permission rule, asked of each row as of a service of this group.
        services = [
            s
            for s in services
            if permissions.can_view_service(
                current_user, SimpleNamespace(**s._mapping, group=group)
            )
        ]
    group_requests = read(_GROUP_REQUESTS, {"group_id": group.id}).all()
    if not is_staff(current_user):
        # As above: each row asked as a request of this group.
        group_requests = [
            r
            for r in group_requests
            if permissions.can_view_request(
                current_user, SimpleNamespace(**r._mapping, group=group)
            )
        ]
    # The staff's fields only where the page shows them (staff, an active group), kept
    # written (_staff_fields); the firms' and counsel's "Remove" addresses from one url_for each.
    managed = staff and group.is_active
    rows = _table_rows()
    day = rows.day
    return render_template(
        "counsel/group.html",
        group=group,
        firms=_seat_lines(
            group.memberships,
            LabelsOnce(lambda size: str(SIZE_CLASSES.get(size, size))).__getitem__,
            day,
            staff and href_for("counsel.member_remove", "membership_id", group_id=group.id),
        ),
        counsel=_seat_lines(
            group.lawyer_seats,
            _law_firm,
            day,
            staff and href_for("counsel.lawyer_remove", "seat_id", group_id=group.id),
        ),
        terms=[f"{day(t.joined_on)} – {day(t.left_on)}" for t in group.terms],
        staff=staff,
        may_log_service=permissions.can_log_service(current_user, group),
        services=_service_lines(services, rows),
        requests=group_requests,
        rows=rows,
        staff_fields=_staff_fields(group) if managed else None,
        links=links_of(group),
    )


# The renew fields are written once per language with these dates in their place (_staff_fields):
# no other part of the two fields' HTML has digits.
_RENEW_PLACEHOLDERS = (date(1111, 1, 11), date(1222, 2, 22))


def _staff_fields(group) -> SimpleNamespace:
    """The staff's fields of the group page as the field macro writes them, in the request's
    language: "add an enterprise", "add a lawyer" and the renew form's two dates. Kept 30
    seconds in the short cache: the first two are the same for every group (the enterprise
    field is empty on a page view, the ~330 lawyers' select is the list the page kept 30 s
    before), the renew fields differ only in their dates (the term after the current one, from
    the day after it ends, for a year), written over placeholders. Adding a lawyer checks the
    choice against the list read afresh (lawyer_add)."""
    fields = cache.get_or_set(
        f"counsel:staff-fields:{current_language()}", 30, _written_staff_fields
    )
    start = group.end_date + timedelta(days=1)
    dates = (start, start + timedelta(days=364))
    start_field, end_field = (
        fields[name].replace(placeholder.isoformat(), day.isoformat())
        for name, placeholder, day in zip(
            ("renew_start", "renew_end"), _RENEW_PLACEHOLDERS, dates, strict=True
        )
    )
    return SimpleNamespace(
        member=Markup(fields["member"]),
        lawyer=Markup(fields["lawyer"]),
        renew_start=Markup(start_field),
        renew_end=Markup(end_field),
    )


def _written_staff_fields():
    field = get_template_attribute("macros.html", "field")
    choices = [list(choice) for choice in lawyer_choices()]
    # The lawyers' <option>s written by LongSelect in one pass, not per option by WTForms.
    lawyers = AddLawyerForm(lawyers=choices, written_options=LongSelect.written_options(choices))
    renew = RenewForm()
    renew.start_date.data, renew.end_date.data = _RENEW_PLACEHOLDERS
    return {
        "member": str(field(AddMemberForm().enterprise)),
        "lawyer": str(field(lawyers.lawyer)),
        "renew_start": str(field(renew.start_date)),
        "renew_end": str(field(renew.end_date)),
    }


# What a row of the services table (_services.html) prints, as plain rows: the firm's and the
# lawyer's names joined (not 40 services with their group, firm and lawyer as objects); the
# firm's and lawyer's ids for can_view_service.
_SERVICE_ROWS = (
    select(
        CounselService.id,
        CounselService.enterprise_id,
        CounselService.lawyer_id,
        CounselService.kind,
        CounselService.service_date,
        CounselService.minutes,
        CounselService.status,
        Enterprise.name.label("firm_name"),
        User.name.label("lawyer_name"),
    )
    .join(Enterprise, Enterprise.id == CounselService.enterprise_id)
    .join(User, User.id == CounselService.lawyer_id)
)


# The group page's services and requests, newest first; statements built once (building one
# cost about as much CPU as running it).
_GROUP_SERVICES = _SERVICE_ROWS.where(CounselService.group_id == bindparam("group_id")).order_by(
    CounselService.service_date.desc(), CounselService.id.desc()
)


# What a row of the requests list (_requests.html) shows: not the question and answer texts.
_REQUEST_ROW_COLUMNS = (
    load_only(
        CounselRequest.id,
        CounselRequest.group_id,
        CounselRequest.enterprise_id,
        CounselRequest.title,
        CounselRequest.status,
        CounselRequest.created_dt,
    ),
    joinedload(CounselRequest.enterprise),
)
# The group page's, as plain rows with the firm's name joined.
_GROUP_REQUESTS = (
    select(
        CounselRequest.id,
        CounselRequest.enterprise_id,
        CounselRequest.title,
        CounselRequest.status,
        CounselRequest.created_dt,
        Enterprise.name.label("firm_name"),
    )
    .join(Enterprise, Enterprise.id == CounselRequest.enterprise_id)
    .where(CounselRequest.group_id == bindparam("group_id"))
    .order_by(CounselRequest.created_dt.desc())
)


# The badge colour of a service's status in the services table (others: warning).
_SERVICE_BADGES = {
    ServiceStatus.confirmed: "success",
    ServiceStatus.disputed: "danger",
    ServiceStatus.withdrawn: "secondary",
}


def _service_lines(services, rows) -> list[tuple]:
    """Each row of the services table (_services.html) as it prints: link, day, firm, lawyer,
    service, minutes, badge colour and status, worked out here in one pass (the template's
    calls and filters cost several times as much a row). `services`: CounselService objects
    or the plain rows of _SERVICE_ROWS."""
    href, day = rows.service_href, rows.day
    kinds, statuses = rows.service_kinds, rows.service_statuses
    return [
        (
            href(s.id),
            day(s.service_date),
            s.firm_name,
            s.lawyer_name,
            kinds[s.kind],
            s.minutes,
            _SERVICE_BADGES.get(s.status, "warning"),
            statuses[s.status],
        )
        for s in services
    ]


def _table_rows() -> SimpleNamespace:
    """Links and labels of the services and requests tables, worked out once a page."""
    return SimpleNamespace(
        service_href=href_for("counsel.service", "service_id"),
        request_href=href_for("counsel.request_detail", "request_id"),
        service_kinds=translated(SERVICE_KIND_LABELS),
        service_statuses=translated(SERVICE_STATUS_LABELS),
        request_statuses=translated(REQUEST_STATUS_LABELS),
        day=day_formatter(),
    )


def _group_action(group_id, action):
    group = get_or_404(CounselGroup, group_id)
    require(permissions.can_manage_groups(current_user))
    try:
        action(group)
    except CounselError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(_("Saved."), "success")
    return redirect(url_for(".group", group_id=group_id))


@login_required
def member_add(group_id):
    form = AddMemberForm()

    def action(group):
        if not form.validate_on_submit():
            raise CounselError(
                form.enterprise.errors[0] if form.enterprise.errors else _("Choose an enterprise.")
            )
        operations.add_member(group, form.enterprise.firm, by=current_user)

    return _group_action(group_id, action)


@login_required
def member_remove(group_id, membership_id):
    def action(group):
        membership = get_or_404(CounselMembership, membership_id)
        operations.remove_member(group, membership, by=current_user)

    return _group_action(group_id, action)


@login_required
def lawyer_add(group_id):
    form = AddLawyerForm()

    def action(group):
        if not form.validate_on_submit():
            raise CounselError(_("Choose a lawyer."))
        operations.add_lawyer(group, get_or_404(User, form.lawyer.data), by=current_user)

    return _group_action(group_id, action)


@login_required
def lawyer_remove(group_id, seat_id):
    def action(group):
        seat = get_or_404(CounselLawyerSeat, seat_id)
        operations.remove_lawyer(group, seat, by=current_user)

    return _group_action(group_id, action)


@login_required
def renew(group_id):
    form = RenewForm()

    def action(group):
        if not form.validate_on_submit():
            raise CounselError(_("Give the new term's start and end dates."))
        operations.renew_group(
            group, start_date=form.start_date.data, end_date=form.end_date.data, by=current_user
        )

    return _group_action(group_id, action)


@login_required
def end(group_id):
    return _group_action(group_id, lambda group: operations.end_group(group, by=current_user))


@login_required
def service_new(group_id):
    group = get_or_404(CounselGroup, group_id)
    require(permissions.can_log_service(current_user, group))
    form = ServiceForm(group)
    if request.method == "GET":
        form.service_date.data = clock.today()
    if form.validate_on_submit():
        first = once.first_result(form)
        if first:
            return first
        try:
            service = operations.log_service(
                group,
                enterprise=get_or_404(Enterprise, form.enterprise.data),
                lawyer=current_user,
                kind=form.kind.data,
                service_date=form.service_date.data,
                minutes=form.minutes.data,
                note=form.note.data,
                by=current_user,
            )
        except CounselError as error:
            db.session.rollback()
            _refuse(form.service_date, error)
        else:
            once.remember(form, url_for(".service", service_id=service.id))
            db.session.commit()
            flash(_("Service logged; the enterprise will be asked to confirm it."), "success")
            return redirect(url_for(".service", service_id=service.id))
    return render_template("counsel/service_form.html", form=form, group=group, service=None)


@login_required
def service(service_id):
    service = get_or_404(CounselService, service_id)
    require(permissions.can_view_service(current_user, service))
    return render_template(
        "counsel/service.html",
        service=service,
        dispute_form=DisputeForm(),
        permissions=permissions,
        ServiceStatus=ServiceStatus,
    )


@login_required
def service_edit(service_id):
    service = get_or_404(CounselService, service_id)
    require(permissions.can_change_own_service(current_user, service))
    form = ServiceEditForm(service, obj=service)
    if request.method == "GET":
        form.kind.data = service.kind.value
    if form.validate_on_submit():
        try:
            operations.edit_service(
                service,
                kind=form.kind.data,
                service_date=form.service_date.data,
                minutes=form.minutes.data,
                note=form.note.data,
                by=current_user,
            )
            if service.status == ServiceStatus.disputed:
                transition_service(service, ServiceStatus.logged, current_user, note=_("Corrected"))
        except CounselError as error:
            db.session.rollback()
            _refuse(form.service_date, error)
        else:
            db.session.commit()
            flash(_("Saved."), "success")
            return redirect(url_for(".service", service_id=service.id))
    return render_template(
        "counsel/service_form.html", form=form, group=service.group, service=service
    )


# What the user is told after each step, instead of a bare "Saved."
SERVICE_DONE = {
    ServiceStatus.confirmed: _l(
        "Thank you: you confirmed this service. It now counts in your group's service record."
    ),
    ServiceStatus.disputed: _l(
        "Your objection is recorded; the counsel and federation staff will see it."
    ),
    ServiceStatus.withdrawn: _l("The service entry is withdrawn."),
}
REQUEST_DONE = {
    RequestStatus.answered: _l("Your answer is sent to the firm."),
    RequestStatus.closed: _l("The request is closed."),
}


@login_required
def service_transition(service_id):
    service = get_or_404(CounselService, service_id)
    require(permissions.can_view_service(current_user, service))
    require(
        permissions.can_answer_for_firm(current_user, service)
        or permissions.can_change_own_service(current_user, service)
    )
    target = request.form.get("to", "")
    if target not in ServiceStatus.__members__:
        abort(400)
    note = request.form.get("reason", "")
    try:
        transition_service(service, target, current_user, note=note)
    except CounselError as error:
        db.session.rollback()
        if target == ServiceStatus.disputed:
            form = DisputeForm()
            form.reason.errors = [str(error)]
            page = render_template(
                "counsel/service.html",
                service=service,
                dispute_form=form,
                permissions=permissions,
                ServiceStatus=ServiceStatus,
            )
            return page, 400
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(SERVICE_DONE.get(target, _l("Saved.")), "success")
    return redirect(url_for(".service", service_id=service.id))


@login_required
def ask():
    require(is_verified(current_user, Role.enterprise))
    group = operations.active_group_of(current_user.enterprise_id)
    require(permissions.can_ask_counsel(current_user, group))
    form = RequestForm()
    if form.validate_on_submit():
        first = once.first_result(form)
        if first:
            return first
        counsel_request, question = operations.ask_counsel(
            current_user.enterprise,
            title=form.title.data,
            body=form.body.data,
            by=current_user,
            group=group,
        )
        if question is not None:
            result = url_for("knowledge.question", question_id=question.id)
        else:
            result = url_for(".request_detail", request_id=counsel_request.id)
        once.remember(form, result)
        db.session.commit()
        flash(_("Your counsel has been told."), "success")
        return redirect(result)
    return render_template("counsel/ask.html", form=form, group=group)


@login_required
def request_detail(request_id):
    counsel_request = get_or_404(CounselRequest, request_id)
    require(permissions.can_view_request(current_user, counsel_request))
    return render_template(
        "counsel/request.html",
        item=counsel_request,
        answer_form=AnswerForm(),
        follow_form=FollowUpForm(),
        links=links_of(counsel_request),
        permissions=permissions,
        RequestStatus=RequestStatus,
        targets=_escalation_targets(counsel_request),
    )


def _escalation_targets(counsel_request):
    """Other packages' targets (appeal register, mediation...) this request can go on to."""
    if not permissions.can_escalate_request(current_user, counsel_request):
        return []
    targets = current_app.extensions.get("portal.escalation_targets", {})
    return [
        (code, target["label"])
        for code, target in targets.items()
        if code != "counsel" and target["available"](current_user, counsel_request)
    ]


@login_required
def request_escalate(request_id):
    counsel_request = get_or_404(CounselRequest, request_id)
    require(permissions.can_escalate_request(current_user, counsel_request))
    code = request.form.get("target", "")
    if code not in dict(_escalation_targets(counsel_request)):
        abort(400)
    target = current_app.extensions["portal.escalation_targets"][code]
    created = target["escalate"](counsel_request, current_user)
    link_records(counsel_request, created, f"escalated_to_{code}", by=current_user)
    db.session.commit()
    flash(_("Passed on; the records are linked."), "success")
    return redirect(url_for(".request_detail", request_id=counsel_request.id))


@login_required
def request_transition(request_id):
    counsel_request = get_or_404(CounselRequest, request_id)
    require(permissions.can_view_request(current_user, counsel_request))
    target = request.form.get("to", "")
    if target not in RequestStatus.__members__:
        abort(400)
    text = request.form.get("answer") or request.form.get("text") or ""
    try:
        transition_request(counsel_request, target, current_user, text=text)
    except CounselError as error:
        db.session.rollback()
        flash(str(error), "danger")
    else:
        db.session.commit()
        flash(REQUEST_DONE.get(target, _l("Saved.")), "success")
    return redirect(url_for(".request_detail", request_id=counsel_request.id))


def _period():
    form = ReportFilterForm(request.args)
    form.validate()
    return form, form.start.data, form.end.data


@login_required
def report():
    require(permissions.can_see_reports(current_user))
    form, start, end = _period()
    # From the statistics page: one chamber's member firms and groups.
    chamber = listfilter.from_request().chamber
    chamber_id = chamber.id if chamber is not None else None

    def write():
        # Afresh, not through tables()' own cache: the page is then at most REPORT_TTL old.
        tables = {d: reports.breakdown(start, end, d, chamber_id) for d in reports.DIMENSIONS}
        return render_template(
            "counsel/_report_tables.html",
            tables=[
                (_("By lawyer"), tables["lawyer"]),
                (_("By group"), tables["group"]),
                (_("By chamber"), tables["chamber"]),
                (_("By month"), tables["month"]),
            ],
            quiet=reports.quiet_firms(chamber_id=chamber_id),
            total=sum(row["services"] for row in tables["month"]),
        )

    written = cache.get_or_set(
        reports.report_page_key(start, end, chamber_id), reports.REPORT_TTL, write
    )
    return render_template(
        "counsel/report.html",
        form=form,
        list_filter=listfilter.ListFilter(chamber=chamber),
        coverage=reports.coverage(chamber_id),
        tables=Markup(written),
    )


@login_required
def report_xlsx():
    require(permissions.can_see_reports(current_user))
    _form, start, end = _period()
    return Response(
        reports.xlsx(start, end),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": "attachment; filename=counsel-report.xlsx"},
    )
