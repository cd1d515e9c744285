"""The dossier (卷宗) of a case: which documents it holds, what is missing, and its assembly.

Page numbers of the table of contents are ESTIMATED, not measured (python-docx cannot lay
out pages). Every document starts on a new page; the number of pages of a document is
counted from its layout blocks with the same geometry the DOCX uses (GB/T 9704: 22 lines
of 28 characters a page, 16 pt body on a fixed 28 pt line):
- a character counts 1 if it is wide (CJK, full-width), 1/2 otherwise;
- a body paragraph takes ceil((width + 2 indent) / 28) lines; headings, aligned lines the
  same without indent; a title 1.5 lines per 20 characters; a signature or seal block 2 lines;
- a table row (14 pt text, about 0.75 body line per text line plus 0.15 for borders) takes its
  tallest cell, each cell wrapping at its column's width in 14 pt characters (less one for the
  cell margins);
- pages = ceil(lines / 22), at least 1.
A long document may so be off by a page in Word; the numbers are for finding a document in
the printed file, and the contents page says they are estimates only in this docstring.
"""

import math
import unicodedata
import zipfile
from dataclasses import dataclass
from io import BytesIO

from mediation.documents import context as ctxmod
from mediation.documents import docx_builder
from mediation.documents.doctypes import BY_CODE
from mediation.documents.render import Rendered, render_document

CHARS_PER_LINE = 28
LINES_PER_PAGE = 22


def char_width(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in text)


def _wrap(text: str, per_line: float) -> int:
    return sum(max(1, math.ceil(char_width(line) / per_line)) for line in str(text).split("\n"))


def estimate_lines(blocks) -> float:
    lines = 0.0
    for block in blocks:
        if block.kind == "title":
            lines += 1.5 * max(1, math.ceil(char_width(block.text) / 20))
        elif block.kind == "para":
            lines += math.ceil((char_width(block.text) + 2) / CHARS_PER_LINE)
        elif block.kind in ("subtitle", "heading", "right", "center"):
            lines += _wrap(block.text, CHARS_PER_LINE)
        elif block.kind == "note":
            lines += _wrap(block.text, 36)
        elif block.kind in ("sign", "seal"):
            lines += 2
        elif block.kind == "blank":
            lines += 1
        elif block.kind == "table":
            width = max(len(r) for r in block.rows)
            # characters of 14 pt per line in each column (1 mm = 2.835 pt)
            per_cell = [max(1.0, w * 2.835 / 14 - 1) for w in docx_builder.column_widths(width)]
            for row in block.rows:
                tallest = max(
                    _wrap(cell, per_cell[min(i, width - 1)]) for i, cell in enumerate(row)
                )
                lines += 0.75 * tallest + 0.15
            lines += 1
    return lines


def estimate_pages(blocks) -> int:
    return max(1, math.ceil(estimate_lines(blocks) / LINES_PER_PAGE))


@dataclass
class PlannedDocument:
    doc_type: str
    index: int | None  # position in the per-record list (sessions...), else None
    record: dict | None
    date: str

    @property
    def title(self):
        return BY_CODE[self.doc_type].title

    @property
    def key(self) -> str:
        return self.doc_type if self.index is None else f"{self.doc_type}-{self.index + 1}"


def _s(v) -> str:
    return "" if isinstance(v, ctxmod.Missing) else str(v or "")


def plan(case, ctx=None) -> list[PlannedDocument]:
    """The case's documents in dossier order (without cover, contents and closing note).
    `ctx`: the case's context (ctxmod.case_context), when the caller has built it already."""
    ctx = ctx or ctxmod.case_context(case)
    c = ctx["case"]
    result = c["outcome"]
    agreement = ctx["agreement"]
    docs = [PlannedDocument("application", None, None, _s(c["applied_date"]))]
    if case.accepted_dt is not None or result not in ("declined", "open"):
        docs.append(PlannedDocument("acceptance", None, None, _s(c["accepted_date"])))
        if case.rights_notice_dt is not None or result in ("agreement", "failed"):
            docs.append(PlannedDocument("rights_notice", None, None, _s(c["rights_notice_date"])))
    for i, r in enumerate(ctx["investigations"]):
        docs.append(PlannedDocument("investigation", i, r, _s(r["date"])))
    for i, r in enumerate(ctx["sessions"]):
        docs.append(PlannedDocument("session", i, r, _s(r["date"])))
    if agreement is not None:
        kind = "oral_agreement" if agreement["is_oral"] else "agreement"
        when = agreement["effective_date"] if agreement["is_oral"] else agreement["signed_date"]
        docs.append(PlannedDocument(kind, None, None, _s(when)))
    if result == "failed":
        docs.append(PlannedDocument("termination", None, None, _s(c["closed_date"])))
    for i, r in enumerate(ctx["return_visits"]):
        docs.append(PlannedDocument("return_visit", i, r, _s(r["date"])))
    if agreement is not None and agreement["confirmation_applied"]:
        docs.append(
            PlannedDocument(
                "judicial_confirmation", None, None, _s(agreement["confirmation_applied_date"])
            )
        )
    docs.append(PlannedDocument("evidence_list", None, None, ""))
    return docs


def find(case, key: str) -> PlannedDocument | None:
    for doc in plan(case):
        if doc.key == key:
            return doc
    return None


def render_planned(case, doc: PlannedDocument, case_context=None, *, layout=True) -> Rendered:
    return render_document(
        doc.doc_type, case, record=doc.record, case_context=case_context, layout=layout
    )


# ---------------------------------------------------------------- what blocks archiving


def missing_documents(case) -> list[str]:
    """Problems that keep a case from being archived, e.g. "人民调解协议书：缺少履行期限".

    Which documents are required depends on the outcome: an agreement needs the session
    records, the agreement (or oral-agreement record) and a return visit; a failed mediation
    needs the session records and the termination notice; a withdrawal needs its reason.
    Every planned document must also render without a missing field.
    """
    ctx = ctxmod.case_context(case)
    problems: list[str] = []
    if ctx["case"]["outcome"] == "open":
        problems.append("案件尚未结案（达成协议、调解不成、撤回或不予受理）")
    problems.extend(missing_records(case, ctx))
    for doc in plan(case):
        for problem in render_planned(case, doc, ctx).problems:
            if problem not in problems:
                problems.append(problem)
    return problems


def missing_records(case, ctx=None) -> list[str]:
    """The records the case's outcome requires and does not have yet (a closed case with an
    agreement and no return visit, ...): documents that cannot be made until they exist."""
    ctx = ctx or ctxmod.case_context(case)
    result = ctx["case"]["outcome"]
    problems: list[str] = []
    if result in ("agreement", "failed") and not ctx["sessions"]:
        problems.append("人民调解记录：尚无调解记录")
    if result == "agreement" and not ctx["return_visits"]:
        problems.append("回访记录：尚无回访记录")
    if result == "withdrawn" and isinstance(ctx["case"]["withdrawal_reason"], ctxmod.Missing):
        problems.append("撤回申请：缺少撤回理由")
    if result == "declined" and not case.declined_reason:
        problems.append("不予受理：缺少不予受理的理由")
    return problems


# ---------------------------------------------------------------- assembly


class DossierIncomplete(ValueError):
    def __init__(self, problems):
        super().__init__("; ".join(problems))
        self.problems = problems


def _pages_label(first: int, count: int) -> str:
    return str(first) if count == 1 else f"{first}–{first + count - 1}"


def assemble(case) -> list[Rendered]:
    """Cover, contents (with estimated page numbers), every document, closing note."""
    ctx = ctxmod.case_context(case)
    archived_by = ""
    if getattr(case, "archived_by_id", None):
        from portal.accounts.models import User
        from portal.core.db import db

        user = db.session.get(User, case.archived_by_id)
        archived_by = ctxmod.clean(user.name) if user else ""
    documents = [render_planned(case, doc, ctx) for doc in plan(case, ctx)]
    cover = render_document("cover", case, case_context=ctx)
    problems = [p for r in [cover, *documents] for p in r.problems]
    if problems:
        raise DossierIncomplete(problems)
    planned = plan(case, ctx)

    def dossier_extra(entries, count, pages):
        return {
            "dossier": {
                "entries": entries,
                "document_count": count,
                "page_count": pages,
                "archived_by": archived_by,
            }
        }

    cover_pages = estimate_pages(cover.blocks)
    doc_pages = [estimate_pages(r.blocks) for r in documents]
    closing_pages = 1
    contents_pages = 1
    for _ in range(3):  # the contents' own length settles after a pass or two
        page = 1 + cover_pages + contents_pages
        entries = [
            {"title": "卷宗封面", "date": "", "pages": _pages_label(1, cover_pages)},
            {
                "title": "卷内目录",
                "date": "",
                "pages": _pages_label(1 + cover_pages, contents_pages),
            },
        ]
        for doc, pages in zip(planned, doc_pages, strict=True):
            entries.append(
                {"title": doc.title, "date": doc.date, "pages": _pages_label(page, pages)}
            )
            page += pages
        entries.append({"title": "备考表", "date": "", "pages": _pages_label(page, closing_pages)})
        total = page + closing_pages - 1
        extra = dossier_extra(entries, len(entries), total)
        contents = render_document("contents", case, extra=extra)
        closing = render_document("closing_note", case, extra=extra)
        new_contents = estimate_pages(contents.blocks)
        new_closing = estimate_pages(closing.blocks)
        if (new_contents, new_closing) == (contents_pages, closing_pages):
            break
        contents_pages, closing_pages = new_contents, new_closing
    problems = contents.problems + closing.problems
    if problems:
        raise DossierIncomplete(problems)
    del ctx
    return [cover, contents, *documents, closing]


def dossier_docx(case) -> bytes:
    return docx_builder.build(assemble(case))


def dossier_zip(case) -> bytes:
    """The dossier DOCX and the original evidence files (证据原件/NN-name)."""
    from portal.core.uploads import storage

    docx_bytes = dossier_docx(case)
    name = ctxmod.clean(case.dossier_number or f"case-{case.id}").replace("/", "-")
    out = BytesIO()
    lost = []
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.docx", docx_bytes)
        for i, evidence in enumerate(case.evidence, start=1):
            original = evidence.file.original_name.replace("/", "_").replace("\\", "_")
            try:
                data = storage().read(evidence.file.storage_key)
            except FileNotFoundError:
                lost.append(f"{i:02d} {evidence.title} ({original})")
                continue
            archive.writestr(f"证据原件/{i:02d}-{original}", data)
        if lost:
            archive.writestr("证据原件缺失.txt", "以下证据原件在存储中未找到：\n" + "\n".join(lost))
    return out.getvalue()
