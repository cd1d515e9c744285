"""Dossier documents of mediation cases: templates, DOCX/HTML rendering, dossier, ledger, reports.

What the rest of mediation calls:
- ``missing_documents(case) -> list[str]`` (mediation.documents.dossier): problems that block
  archiving, one line per missing document or field; also registered in
  ``app.extensions["mediation.archive_checks"]`` (list of functions case -> list of problems).
- ``url_for("mediation_documents.case_documents", case_id=...)``: the case's documents page,
  and the ``missing_list(problems)`` macro in ``mediation_documents/macros.html``.
"""
