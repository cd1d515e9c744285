"""Pages of the dossier documents: case documents, print views, DOCX/ZIP downloads, templates,
ledger and monthly report."""

from datetime import date
from io import BytesIO

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from mediation.documents import context as ctxmod
from mediation.documents import dossier as dossiers
from mediation.documents import ledger as ledgers
from mediation.documents import permissions as perms
from mediation.documents.doctypes import BY_CODE, DEFAULTS, DOC_TYPES
from mediation.documents.forms import TemplateForm
from mediation.documents.models import DocumentTemplateVersion
from mediation.documents.operations import save_template
from mediation.documents.render import TemplateRefused, active_body
from mediation.models import Case, CaseStatus, Committee
from mediation.views import audit_view
from portal.core import clock
from portal.core.db import db, get_or_404
from portal.core.permissions import require

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    # send_file writes an ASCII fallback plus filename*=UTF-8''...; a raw Chinese file name
    # (the dossier number) in the header is refused by gunicorn.
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=filename)


def _case(case_id):
    case = get_or_404(Case, case_id)
    require(perms.can_view_documents(current_user, case))
    return case


def _missing_page(case, title, problems, status=422):
    return (
        render_template(
            "mediation_documents/missing.html", case=case, title=title, problems=problems
        ),
        status,
    )


@login_required
def case_documents(case_id):
    case = _case(case_id)
    internal = perms.can_see_internal(current_user, case)
    audit_view(case, page="documents")
    rows = []
    context = ctxmod.case_context(case)  # once for all the case's documents
    for doc in dossiers.plan(case, context):
        kind = BY_CODE[doc.doc_type]
        if not perms.can_view_document(current_user, case, kind):
            continue
        rows.append((doc, kind, dossiers.render_planned(case, doc, context)))
    return render_template(
        "mediation_documents/case.html",
        case=case,
        rows=rows,
        problems=dossiers.missing_documents(case) if internal else [],
        internal=internal,
        archived=case.status == CaseStatus.archived,
    )


def _planned(case, key):
    doc = dossiers.find(case, key)
    if doc is None:
        abort(404)
    require(perms.can_view_document(current_user, case, BY_CODE[doc.doc_type]))
    return doc


@login_required
def document_html(case_id, key):
    case = _case(case_id)
    doc = _planned(case, key)
    rendered = dossiers.render_planned(case, doc)
    if not rendered.ok:
        return _missing_page(case, rendered.title, rendered.problems)
    audit_view(case, document=doc.key)
    return render_template(
        "mediation_documents/print.html", case=case, documents=[rendered], title=rendered.title
    )


@login_required
def document_docx(case_id, key):
    from mediation.documents.docx_builder import build

    case = _case(case_id)
    doc = _planned(case, key)
    rendered = dossiers.render_planned(case, doc)
    if not rendered.ok:
        return _missing_page(case, rendered.title, rendered.problems)
    audit_view(case, download=f"{doc.key}.docx")
    return _download(build([rendered]), DOCX, f"{rendered.title}-{case.id}-{doc.key}.docx")


def _assembled(case):
    require(perms.can_assemble_dossier(current_user, case))
    if case.status != CaseStatus.archived:
        return None, [_("The dossier is assembled once the case is archived.")]
    try:
        return dossiers.assemble(case), []
    except dossiers.DossierIncomplete as error:
        return None, error.problems


def _dossier_name(case, ext):
    return f"{(case.dossier_number or f'case-{case.id}').replace('/', '-')}.{ext}"


@login_required
def dossier_html(case_id):
    case = _case(case_id)
    documents, problems = _assembled(case)
    if problems:
        return _missing_page(case, _("Dossier"), problems)
    audit_view(case, document="dossier")
    return render_template(
        "mediation_documents/print.html", case=case, documents=documents, title=_("Dossier")
    )


@login_required
def dossier_docx(case_id):
    from mediation.documents.docx_builder import build

    case = _case(case_id)
    documents, problems = _assembled(case)
    if problems:
        return _missing_page(case, _("Dossier"), problems)
    audit_view(case, download="dossier.docx")
    return _download(build(documents), DOCX, _dossier_name(case, "docx"))


@login_required
def dossier_zip(case_id):
    case = _case(case_id)
    documents, problems = _assembled(case)
    if problems:
        return _missing_page(case, _("Dossier"), problems)
    data = dossiers.dossier_zip(case)
    audit_view(case, download="dossier.zip")
    return _download(data, "application/zip", _dossier_name(case, "zip"))


# ---------------------------------------------------------------- templates


@login_required
def templates():
    require(perms.can_edit_templates(current_user))
    latest = {}
    for version in db.session.scalars(
        select(DocumentTemplateVersion).order_by(DocumentTemplateVersion.version)
    ):
        latest[version.doc_type] = version
    return render_template("mediation_documents/templates.html", doc_types=DOC_TYPES, latest=latest)


@login_required
def edit_template(doc_type):
    require(perms.can_edit_templates(current_user))
    kind = BY_CODE.get(doc_type) or abort(404)
    versions = db.session.scalars(
        select(DocumentTemplateVersion)
        .where(DocumentTemplateVersion.doc_type == doc_type)
        .order_by(DocumentTemplateVersion.version.desc())
    ).all()
    form = TemplateForm()
    error = None
    if request.method == "GET":
        form.body.data = active_body(doc_type)
    elif form.validate_on_submit():
        try:
            version = save_template(
                doc_type, form.body.data, by=current_user, comment=form.comment.data or ""
            )
        except TemplateRefused as refused:
            error = str(refused)
        else:
            db.session.commit()
            flash(_("Version %(n)s saved and in use.", n=version.version), "success")
            return redirect(url_for("mediation_documents.edit_template", doc_type=doc_type))
    status = 422 if error else 200
    return (
        render_template(
            "mediation_documents/edit_template.html",
            kind=kind,
            form=form,
            error=error,
            versions=versions,
            default=DEFAULTS[doc_type],
        ),
        status,
    )


@login_required
def restore_template(doc_type, version_id):
    """Make an older version the active one again (stored as a new version)."""
    require(perms.can_edit_templates(current_user))
    old = get_or_404(DocumentTemplateVersion, version_id)
    if old.doc_type != doc_type:
        abort(404)
    try:
        version = save_template(
            doc_type, old.body, by=current_user, comment=f"restored v{old.version}"
        )
    except TemplateRefused as refused:  # a field the sample case no longer has
        flash(str(refused), "danger")
    else:
        db.session.commit()
        flash(_("Version %(n)s saved and in use.", n=version.version), "success")
    return redirect(url_for("mediation_documents.edit_template", doc_type=doc_type))


# ---------------------------------------------------------------- ledger and report


def _parse_date(text):
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _ledger_request():
    committees = perms.committees_for_ledger(
        current_user, db.session.scalars(select(Committee).order_by(Committee.name)).all()
    )
    require(bool(committees))
    errors = []
    committee_id = request.args.get("committee", type=int)
    committee = next((c for c in committees if c.id == committee_id), None)
    if committee_id is not None and committee is None:
        committee = db.session.get(Committee, committee_id) or abort(404)
        require(perms.can_view_ledger(current_user, committee))
    committee = committee or committees[0]
    today = clock.today()
    start_text, end_text = request.args.get("start", ""), request.args.get("end", "")
    start = _parse_date(start_text)
    end = _parse_date(end_text)
    if start_text and start is None:
        errors.append(_("The start date is not a date (YYYY-MM-DD)."))
    if end_text and end is None:
        errors.append(_("The end date is not a date (YYYY-MM-DD)."))
    start = start or date(today.year, 1, 1)
    end = end or today
    if start > end:
        errors.append(_("The start date is after the end date."))
        start, end = end, start
    return committees, committee, start, end, start_text, end_text, errors


@login_required
def ledger():
    committees, committee, start, end, start_text, end_text, errors = _ledger_request()
    if request.args.get("print"):
        # The paper form lists the whole period, as the XLSX export does.
        data = ledgers.build_ledger(committee, start, end, reader=current_user)
        template = "mediation_documents/ledger_print.html"
    else:
        data = ledgers.ledger_page(committee, start, end, reader=current_user)
        template = "mediation_documents/ledger.html"
    return render_template(
        template,
        committees=committees,
        committee=committee,
        ledger=data,
        columns=ledgers.COLUMNS,
        start_text=start_text or start.isoformat(),
        end_text=end_text or end.isoformat(),
        errors=errors,
    )


@login_required
def ledger_xlsx():
    committees, committee, start, end, _s, _e, errors = _ledger_request()
    data = ledgers.build_ledger(committee, start, end, reader=current_user)
    name = f"ledger-{committee.id}-{start.isoformat()}-{end.isoformat()}.xlsx"
    return _download(ledgers.ledger_xlsx(data), XLSX, name)


def _report_request():
    all_committees = db.session.scalars(select(Committee).order_by(Committee.name)).all()
    visible = perms.committees_for_ledger(current_user, all_committees)
    require(bool(visible) or perms.can_view_federation_report(current_user))
    month = request.args.get("month") or clock.today().strftime("%Y-%m")
    error = None
    try:
        ledgers.parse_month(month)
    except ValueError:
        error = _("The month must be written YYYY-MM.")
        month = clock.today().strftime("%Y-%m")
    committee_id = request.args.get("committee", type=int)
    if committee_id:
        committee = db.session.get(Committee, committee_id) or abort(404)
        require(perms.can_view_ledger(current_user, committee))
        chosen = [committee]
    else:
        committee = None
        if not perms.can_view_federation_report(current_user):
            chosen = visible[:1]
            committee = chosen[0]
        else:
            chosen = list(all_committees)
    return (
        visible,
        committee,
        month,
        error,
        ledgers.monthly_report(chosen, month, reader=current_user),
    )


@login_required
def report_xlsx():
    _visible, committee, month, _error, data = _report_request()
    name = committee.name if committee else _("all committees")
    title = f"{name} 调解工作月报（{month}）"
    return _download(ledgers.report_xlsx(data, title), XLSX, f"report-{month}.xlsx")


@login_required
def report():
    visible, committee, month, error, data = _report_request()
    total = data["total"]
    charts = [
        ledgers.bar_chart_svg(
            _("Cases accepted by type"), sorted(total.by_type.items(), key=lambda kv: -kv[1])
        ),
        ledgers.bar_chart_svg(
            _("Cases concluded by result"),
            [
                ("调解成功", total.agreements),
                ("调解不成", total.failed),
                ("撤回", total.withdrawn),
            ],
        ),
    ]
    if committee is None and len(data["rows"]) > 1:
        charts.append(
            ledgers.bar_chart_svg(
                _("Cases accepted by committee"), [(c.name, f.accepted) for c, f in data["rows"]]
            )
        )
    return render_template(
        "mediation_documents/report.html",
        committees=visible,
        committee=committee,
        federation=perms.can_view_federation_report(current_user),
        month=month,
        report=data,
        charts=charts,
        error=error,
    )
