"""Render a document template (sandboxed Jinja, StrictUndefined) for a case into layout blocks."""

import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from types import SimpleNamespace

from flask import g, has_request_context
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import func, select

from mediation.documents import context as ctxmod
from mediation.documents.doctypes import BY_CODE, DEFAULTS
from mediation.documents.models import DocumentTemplateVersion
from portal.core import clock
from portal.core.db import db

CELL_SEP = "‖"
LINE_SEP = "\u2028"  # a line break inside a table cell


def _cell(v):
    if isinstance(v, ctxmod.Missing):
        return v
    return str(v if v is not None else "").replace("\n", LINE_SEP)


def make_environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True
    )
    env.filters["cell"] = _cell
    return env


ENV = make_environment()


@lru_cache(maxsize=64)
def compiled(body: str):
    """A template's compiled form, by its text: compiling costs far more than rendering, and a
    case page checks every document of the case. A new version has new text, so a new entry."""
    return ENV.from_string(body)


@dataclass
class Block:
    kind: str  # title subtitle heading para right center sign seal note blank pagebreak table
    text: str = ""
    rows: list = field(default_factory=list)


@dataclass
class Rendered:
    doc_type: str
    title: str
    blocks: list
    missing: list  # field labels
    errors: list = field(default_factory=list)  # a stored template that failed on this case

    @property
    def problems(self) -> list[str]:
        return [f"{self.title}：缺少{label}" for label in self.missing] + [
            f"{self.title}：模板无法生成（{error}）" for error in self.errors
        ]

    @property
    def ok(self) -> bool:
        return not self.missing and not self.errors


class TemplateRefused(ValueError):
    """A template that does not render against the sample case; the message says why."""


DIRECTIVES = ("title", "subtitle", "heading", "right", "center", "sign", "seal", "note")


def parse_blocks(text: str) -> list[Block]:
    blocks: list[Block] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("@@"):
            name, _, rest = line[2:].partition(" ")
            rest = rest.strip()
            if name == "row":
                cells = [c.strip().replace(LINE_SEP, "\n") for c in rest.split(CELL_SEP)]
                if blocks and blocks[-1].kind == "table":
                    blocks[-1].rows.append(cells)
                else:
                    blocks.append(Block("table", rows=[cells]))
                continue
            if name in ("blank", "pagebreak"):
                blocks.append(Block(name))
                continue
            if name in DIRECTIVES:
                blocks.append(Block(name, rest))
                continue
        blocks.append(Block("para", line.replace(LINE_SEP, " ")))
    return blocks


ACTIVE_BODIES = "_mediation_active_template_bodies"


def active_version(doc_type: str) -> DocumentTemplateVersion | None:
    return db.session.scalars(
        select(DocumentTemplateVersion)
        .where(DocumentTemplateVersion.doc_type == doc_type)
        .order_by(DocumentTemplateVersion.version.desc())
        .limit(1)
    ).first()


def _active_bodies_statement():
    latest = (
        select(
            DocumentTemplateVersion.doc_type,
            func.max(DocumentTemplateVersion.version).label("version"),
        )
        .group_by(DocumentTemplateVersion.doc_type)
        .subquery()
    )
    return select(DocumentTemplateVersion.doc_type, DocumentTemplateVersion.body).join(
        latest,
        (DocumentTemplateVersion.doc_type == latest.c.doc_type)
        & (DocumentTemplateVersion.version == latest.c.version),
    )


# Every type's latest version, in one statement built once: building it (a grouped subquery and
# a join) cost the case page several times what SQLite takes to run it.
_ACTIVE_BODIES = _active_bodies_statement()


# The stored templates' state as columns a page adds to a statement of its own (the case page's
# case): versions are only ever added, never edited or deleted (save_template, restore_template),
# so their number, latest id and latest time change with every save (the time as well: a
# database that reused the id of a deleted row still gives a new one). A request that has read
# them finds the active texts in the process's memo of the last state seen, without reading
# them again.
TEMPLATES_STAMP = tuple(
    select(aggregate).scalar_subquery().label(f"templates_{name}")
    for name, aggregate in (
        ("count", func.count(DocumentTemplateVersion.id)),
        ("latest_id", func.max(DocumentTemplateVersion.id)),
        ("latest_dt", func.max(DocumentTemplateVersion.created_dt)),
    )
)
TEMPLATES_STAMP_KEY = "_mediation_templates_stamp"
_bodies_seen: dict = {}  # {stamp: {doc_type: body}}, the last state seen only


def templates_read(row):
    """This request read the TEMPLATES_STAMP columns (in `row`, a row's mapping): the
    templates as they stood then."""
    if has_request_context():
        setattr(g, TEMPLATES_STAMP_KEY, tuple(row[column.name] for column in TEMPLATES_STAMP))


def active_body(doc_type: str) -> str:
    """The active template's text; within a request all types are read once (a case page
    checks every document of the case), and not at all when the request read the templates'
    state (templates_read) and the process has seen the texts of that state."""
    global _bodies_seen
    if not has_request_context():
        version = active_version(doc_type)
        return version.body if version is not None else DEFAULTS[doc_type]
    bodies = g.get(ACTIVE_BODIES)
    if bodies is None:
        stamp = g.get(TEMPLATES_STAMP_KEY)
        bodies = _bodies_seen.get(stamp) if stamp is not None else None
        if bodies is None:
            bodies = {doc_type: body for doc_type, body in db.session.execute(_ACTIVE_BODIES)}
            if stamp is not None:
                _bodies_seen = {stamp: bodies}  # replaced whole: threads read it unlocked
        setattr(g, ACTIVE_BODIES, bodies)
    return bodies[doc_type] if doc_type in bodies else DEFAULTS[doc_type]


def forget_active_bodies():
    """A new version was saved: this request reads the templates again (the state it read
    before is not theirs any more)."""
    if has_request_context():
        g.pop(ACTIVE_BODIES, None)
        g.pop(TEMPLATES_STAMP_KEY, None)


def next_version_number(doc_type: str) -> int:
    current = db.session.scalar(
        select(func.max(DocumentTemplateVersion.version)).where(
            DocumentTemplateVersion.doc_type == doc_type
        )
    )
    return (current or 0) + 1


def render_text(body: str, context: dict) -> tuple[str, list]:
    """(text, missing labels); raises jinja2.TemplateError for broken templates."""
    found, token = ctxmod.collecting()
    try:
        text = compiled(body).render(**context)
    finally:
        ctxmod.stop_collecting(token)
    return text, list(found)


def render_document(
    doc_type: str, case, *, record=None, extra=None, body=None, case_context=None, layout=True
) -> Rendered:
    """Render the active template of doc_type for case (record: one session/visit/...).

    case_context: ctxmod.case_context(case), when the caller renders several documents of the
    case (it covers every session, so building it per document grew with the square of them).
    layout=False: whether the document can be made and what it lacks, without its blocks (the
    case page's list of documents prints no document)."""
    kind = BY_CODE[doc_type]
    context = dict(case_context) if case_context is not None else ctxmod.case_context(case)
    if record is not None:
        context["record"] = record
    context.update(extra or {})
    missing = list(structural_missing(doc_type, context))
    try:
        text, found = render_text(body if body is not None else active_body(doc_type), context)
    except Exception as error:  # noqa: BLE001  (a stored template breaking on unusual data)
        return Rendered(doc_type, kind.title, [], missing, [f"{type(error).__name__}: {error}"])
    missing += [m for m in found if m not in missing]
    blocks = parse_blocks(text) if layout and not missing else []
    return Rendered(doc_type, kind.title, blocks, missing)


# Whether a document can be made and what it lacks, as the case page lists them: a function of the
# template's text and of the fields it is rendered with (plain values: `ctxmod.case_context`,
# with "today" among them), of nothing else. Kept in each process by a digest of both, so a
# changed case, record, template or day is a new entry, never a stale one: the list renders
# each document of a case only when one of them changed since it was last shown. Bounded
# (emptied when full), shared by the process's threads.
_READINESS_MAX = 4096
_readiness: dict = {}
_readiness_lock = threading.Lock()


def fields_digest(context: dict) -> bytes:
    """A digest of the fields a template sees: `ctxmod.case_context`'s dicts, lists, strings,
    numbers, dates as text and Missing values, whose repr spells each of them out."""
    return hashlib.blake2b(repr(context).encode(), digest_size=20).digest()


def readiness(doc_type: str, case, *, case_context: dict, digest: bytes, record=None) -> Rendered:
    """render_document(..., layout=False) of the active template, remembered by the digest of its
    text and of the fields (`digest`: fields_digest(case_context), `record` is added to it)."""
    body = active_body(doc_type)
    key = (
        doc_type,
        hashlib.blake2b(body.encode(), digest_size=20).digest(),
        digest,
        None if record is None else fields_digest(record),
    )
    with _readiness_lock:
        known = _readiness.get(key)
    if known is None:
        rendered = render_document(
            doc_type, case, record=record, body=body, case_context=case_context, layout=False
        )
        known = (tuple(rendered.missing), tuple(rendered.errors))
        with _readiness_lock:
            if len(_readiness) >= _READINESS_MAX:
                _readiness.clear()
            _readiness[key] = known
    missing, errors = known
    return Rendered(doc_type, BY_CODE[doc_type].title, [], list(missing), list(errors))


def structural_missing(doc_type: str, context: dict):
    """Things a document needs beyond printing a field: parties on both sides, an agreement."""
    if doc_type in ("application", "acceptance", "agreement", "cover"):
        if not context["applicants"]:
            yield "申请人"
        if not context["respondents"]:
            yield "被申请人"
    if doc_type in ("agreement", "oral_agreement", "judicial_confirmation") and (
        context["agreement"] is None
    ):
        yield "调解协议"
    if doc_type in ("agreement", "oral_agreement", "session") and not context["mediators"]:
        yield "人民调解员"


# ---------------------------------------------------------------- validation of edited templates


def sample_case():
    """A complete made-up case (not in the database) that every template must render for."""
    now = clock.utc(2026, 3, 2, 2, 0)
    user = SimpleNamespace(name="王调解")
    committee = SimpleNamespace(
        name="示例市商会人民调解委员会",
        address="示例市人民路1号",
        contact_name="李主任",
        contact_phone="024-00000000",
        director=SimpleNamespace(name="李主任"),
    )

    def party(side, kind, name):
        return SimpleNamespace(
            side=side,
            kind=kind,
            name=name,
            id_number="91210100MA0000000X",
            representative="张三",
            address="示例市和平区1号",
            phone="13800000000",
        )

    agreement = SimpleNamespace(
        kind="written",
        parties_text="",
        facts="双方因货款支付发生争议。",
        responsibilities="被申请人未按期付款，应承担主要责任。",
        terms="被申请人向申请人支付货款100,000元。",
        performance_manner="银行转账",
        performance_deadline=date(2026, 4, 1),
        oral_record="双方口头约定分期付款。",
        signed_on=date(2026, 3, 10),
        effective_on=date(2026, 3, 10),
        confirmation_applied_on=date(2026, 3, 20),
        confirmation_court="示例市和平区人民法院",
        confirmation_result="",
        confirmation_deadline=date(2026, 4, 9),
    )
    session = SimpleNamespace(
        held_dt=now,
        ended_dt=now + timedelta(hours=2),
        is_online=False,
        place="调解室",
        attendees="申请人、被申请人",
        record="双方陈述意见。",
        recorded_by=user,
    )
    investigation = SimpleNamespace(
        investigated_dt=now,
        place="被申请人办公室",
        investigators="王调解",
        interviewee="张三",
        record="核实了合同履行情况。",
        recorded_by=user,
    )
    visit = SimpleNamespace(
        visited_on=date(2026, 4, 5),
        method="电话",
        performance="full",
        record="已全部履行。",
        visited_by=user,
    )
    evidence = SimpleNamespace(
        title="购销合同",
        submitted_by="申请人",
        description="合同原件扫描件",
        file=SimpleNamespace(original_name="合同.pdf"),
        created_dt=now,
    )
    return SimpleNamespace(
        id=1,
        committee=committee,
        title="货款纠纷",
        source="online",
        source_reference="",
        category=SimpleNamespace(name_zh="合同纠纷"),
        amount=Decimal("100000.00"),
        facts="申请人向被申请人供货，被申请人未付款。",
        claims="请求被申请人支付货款。",
        status="archived",
        applied_dt=now,
        accepted_dt=now,
        due_dt=now + timedelta(days=30),
        rights_notice_dt=now,
        closed_dt=now + timedelta(days=8),
        termination_notice="双方分歧较大，无法达成协议。",
        withdrawal_reason="申请人撤回申请。",
        declined_reason=None,
        decline_note="",
        dossier_number="示商调〔2026〕1号",
        archived_dt=now + timedelta(days=40),
        retention_period="long",
        parties=[
            party("applicant", "enterprise", "甲有限公司"),
            party("respondent", "person", "乙某"),
        ],
        mediators=[
            SimpleNamespace(member=SimpleNamespace(user=user), is_lead=True, recused_dt=None)
        ],
        agreement=agreement,
        events=[],
        sessions=[session],
        investigations=[investigation],
        return_visits=[visit],
        evidence=[evidence],
    )


SAMPLE_DOSSIER = {
    "dossier": {
        "entries": [{"title": "卷宗封面", "date": "2026年3月2日", "pages": "1"}],
        "document_count": 10,
        "page_count": 12,
        "archived_by": "王调解",
    }
}


def validate_template(doc_type: str, body: str) -> None:
    """Raise TemplateRefused (with the error) unless body renders against the sample case."""
    kind = BY_CODE[doc_type]
    case = sample_case()
    record = None
    if kind.records:
        record = ctxmod.case_context(case)[kind.records][0]
    context = ctxmod.case_context(case, record=record)
    context.update(SAMPLE_DOSSIER)
    try:
        text, missing = render_text(body, context)
    except TemplateError as error:
        line = getattr(error, "lineno", None)
        where = f" (line {line})" if line else ""
        raise TemplateRefused(f"{type(error).__name__}{where}: {error}") from error
    except Exception as error:  # noqa: BLE001  (sandbox security errors, bad filters ...)
        raise TemplateRefused(f"{type(error).__name__}: {error}") from error
    if not parse_blocks(text):
        raise TemplateRefused("The template produces an empty document.")
