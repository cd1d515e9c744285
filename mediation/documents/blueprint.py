"""URL rules of the dossier documents, ledger and reports."""

from flask import Blueprint

from mediation.documents import views

bp = Blueprint(
    "mediation_documents",
    __name__,
    url_prefix="/mediation/documents",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

bp.add_url_rule("/case/<int:case_id>", "case_documents", views.case_documents)
bp.add_url_rule("/case/<int:case_id>/doc/<key>", "document_html", views.document_html)
bp.add_url_rule("/case/<int:case_id>/docx/<key>", "document_docx", views.document_docx)
bp.add_url_rule("/case/<int:case_id>/dossier", "dossier_html", views.dossier_html)
bp.add_url_rule("/case/<int:case_id>/dossier.docx", "dossier_docx", views.dossier_docx)
bp.add_url_rule("/case/<int:case_id>/dossier.zip", "dossier_zip", views.dossier_zip)
bp.add_url_rule("/templates", "templates", views.templates)
bp.add_url_rule(
    "/templates/<doc_type>", "edit_template", views.edit_template, methods=["GET", "POST"]
)
bp.add_url_rule(
    "/templates/<doc_type>/restore/<int:version_id>",
    "restore_template",
    views.restore_template,
    methods=["POST"],
)
bp.add_url_rule("/ledger", "ledger", views.ledger)
bp.add_url_rule("/ledger.xlsx", "ledger_xlsx", views.ledger_xlsx)
bp.add_url_rule("/report", "report", views.report)
bp.add_url_rule("/report.xlsx", "report_xlsx", views.report_xlsx)
