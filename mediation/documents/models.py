"""Versions of the editable document templates (the active one is the latest saved version)."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.core.db import db, utcnow


class DocumentTemplateVersion(db.Model):
    """One saved wording of a document type; only templates that rendered are ever stored."""

    __tablename__ = "mediation_document_template_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    doc_type: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    comment: Mapped[str] = mapped_column(String(255), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()

    __table_args__ = (
        UniqueConstraint("doc_type", "version"),
        Index("ix_mediation_document_template_versions_type", "doc_type"),
    )
