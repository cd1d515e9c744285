"""The case page's list of the case's documents: each ready (with links) or what is missing."""

from flask import url_for
from flask_login import current_user

from mediation.documents import context as ctxmod
from mediation.documents import dossier as dossiers
from mediation.documents import permissions as perms
from mediation.documents import render
from mediation.documents.doctypes import BY_CODE
from mediation.models import CaseStatus

# Stands for a document's key in its address, written once a page (url_for for each of a
# case's documents, two links each, cost the page more than deciding which are ready).
_KEY_MARK = "0key0mark0"


def _document_href(endpoint, case_id):
    head, _mark, tail = url_for(endpoint, case_id=case_id, key=_KEY_MARK).partition(_KEY_MARK)
    return lambda key: f"{head}{key}{tail}"


def case_documents_summary(case) -> dict:
    """{"documents": [{title, ready, problems, html, docx}], "still_needed": [problem],
    "dossier": url|None, "all": url}."""
    documents = []
    user = current_user._get_current_object()
    may_view = perms.document_rule(user, case)  # the case's rules asked once for every document
    context = ctxmod.case_context(case)  # built once: for the plan, each document, what's missing
    digest = render.fields_digest(context)
    html_href = _document_href("mediation_documents.document_html", case.id)
    docx_href = _document_href("mediation_documents.document_docx", case.id)
    for doc in dossiers.plan(case, context):
        kind = BY_CODE[doc.doc_type]
        if not may_view(kind):
            continue
        rendered = render.readiness(
            doc.doc_type, case, case_context=context, digest=digest, record=doc.record
        )
        title = doc.title + (f"（{doc.index + 1}）" if doc.index is not None else "")
        documents.append(
            {
                "title": title,
                "ready": rendered.ok,
                "problems": list(rendered.problems),
                "html": html_href(doc.key),
                "docx": docx_href(doc.key),
            }
        )
    internal = perms.can_see_internal(user, case)
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
