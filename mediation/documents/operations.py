"""State changes of the documents area: saving a new version of a document template."""

from mediation.documents.doctypes import BY_CODE
from mediation.documents.models import DocumentTemplateVersion
from mediation.documents.render import (
    forget_active_bodies,
    next_version_number,
    validate_template,
)
from portal.audit.operations import log
from portal.core.db import db


def save_template(doc_type: str, body: str, *, by, comment: str = "") -> DocumentTemplateVersion:
    """Store body as the new active version; raises TemplateRefused and stores nothing if the
    template does not render against the sample case (the previous version stays in use)."""
    BY_CODE[doc_type]  # KeyError for an unknown type
    body = body.replace("\r\n", "\n")
    validate_template(doc_type, body)
    version = DocumentTemplateVersion(
        doc_type=doc_type,
        version=next_version_number(doc_type),
        body=body,
        comment=comment[:255],
        created_by_id=getattr(by, "id", None),
    )
    db.session.add(version)
    db.session.flush()
    forget_active_bodies()
    log(
        "mediation.document_template.save",
        version,
        by=by,
        summary=f"{doc_type} v{version.version}",
    )
    return version
