"""The case page's list of the case's documents: each ready (with links) or what is missing."""

from flask import url_for
from flask_login import current_user

from mediation.documents import context as ctxmod
from mediation.documents import dossier as dossiers
from mediation.documents import permissions as perms
from mediation.documents.doctypes import BY_CODE
from mediation.models import CaseStatus


def case_documents_summary(case) -> dict:
    """{"documents": [{title, ready, problems, html, docx}], "still_needed": [problem],
    "dossier": url|None, "all": url}."""
    documents = []
    context = ctxmod.case_context(case)  # built once: for the plan, each document, what's missing
    for doc in dossiers.plan(case, context):
        kind = BY_CODE[doc.doc_type]
        if not perms.can_view_document(current_user, case, kind):
            continue
        rendered = dossiers.render_planned(case, doc, context)
        title = doc.title + (f"（{doc.index + 1}）" if doc.index is not None else "")
        documents.append(
            {
                "title": title,
                "ready": rendered.ok,
                "problems": list(rendered.problems),
                "html": url_for("mediation_documents.document_html", case_id=case.id, key=doc.key),
                "docx": url_for("mediation_documents.document_docx", case_id=case.id, key=doc.key),
            }
        )
    internal = perms.can_see_internal(current_user, case)
    archived = case.status == CaseStatus.archived
    return {
        "documents": documents,
        # Records the outcome still needs (a return visit...): the committee's side only.
        "still_needed": dossiers.missing_records(case, context) if internal else [],
        "dossier": url_for("mediation_documents.dossier_docx", case_id=case.id)
        if internal and archived
        else None,
        "all": url_for("mediation_documents.case_documents", case_id=case.id),
    }
