"""The fields a document template sees: plain dicts, lists and strings built from a case.

Templates run in a sandbox, so they never touch the ORM objects. An empty field that a
template prints is a ``Missing`` value: rendering records its label and the document is
refused with "<document>: missing <field>" instead of showing a blank.
"""

import contextvars
import re
from datetime import datetime
from decimal import Decimal

from portal.core import clock, exports

# Labels of the outcomes and enumerations, in the documents' language (Chinese).
SOURCE_ZH = {
    "online": "当事人网上申请",
    "oral": "当事人口头申请",
    "question": "法律咨询转入",
    "court": "人民法院委派",
    "government": "政府部门移送",
}
SIDE_ZH = {"applicant": "申请人", "respondent": "被申请人"}
RETENTION_ZH = {"permanent": "永久", "long": "长期", "short": "短期"}
RESULT_ZH = {
    "agreement": "调解成功",
    "failed": "调解不成，终止调解",
    "withdrawn": "当事人撤回申请",
    "declined": "不予受理",
    "open": "尚在调解中",
}
PERFORMANCE_ZH = {"full": "已全部履行", "partial": "部分履行", "none": "未履行"}
STATUS_ZH = {
    "applied": "已申请",
    "accepted": "已受理",
    "declined": "不予受理",
    "mediators_assigned": "已指派调解员",
    "in_mediation": "调解中",
    "agreement_reached": "达成协议",
    "failed": "调解不成",
    "withdrawn": "已撤回",
    "return_visited": "已回访",
    "archived": "已归档",
}

_collector: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "mediation_documents_missing", default=None
)


class Missing:
    """An empty field: falsy, and printing it records the field's label (see render)."""

    __slots__ = ("label",)

    def __init__(self, label: str):
        self.label = label

    def __bool__(self):
        return False

    def __len__(self):
        return 0

    def __iter__(self):
        return iter(())

    def __str__(self):
        found = _collector.get()
        if found is not None and self.label not in found:
            found.append(self.label)
        return ""

    __html__ = __str__

    def __repr__(self):
        return f"Missing({self.label!r})"


def collecting():
    """Start collecting missing labels; returns (list, token) for reset."""
    found: list = []
    return found, _collector.set(found)


def stop_collecting(token):
    _collector.reset(token)


def value(v, label: str):
    """v, or Missing(label) when empty."""
    if v is None or (isinstance(v, str) and not v.strip()):
        return Missing(label)
    return v


def local(dt: datetime | None) -> datetime | None:
    if dt is None:
        return None
    return clock.to_local(dt)


def cn_date(d) -> str:
    """2026年11月23日 (datetimes are stored UTC and shown in Beijing time)."""
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = local(d).date()
    return f"{d.year}年{d.month}月{d.day}日"


def cn_datetime(dt: datetime | None) -> str:
    if dt is None:
        return ""
    t = local(dt)
    return f"{t.year}年{t.month}月{t.day}日 {t.hour:02d}:{t.minute:02d}"


def _date_value(d, label):
    return value(cn_date(d) if d else None, label)


def money(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    return f"{amount:,.2f}元"


_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Small Chinese numerals (copies of an agreement): 3 -> 三, 11 -> 十一, 25 -> 二十五."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return _CN_DIGITS[n // 10] + "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


# Characters XML 1.0 (DOCX, XLSX) cannot hold are dropped by the portal's one export helper.
xml_safe = exports.xml_safe


def clean(text: str | None) -> str:
    """User text never produces layout directives or cell separators, nor XML-illegal chars."""
    if not text:
        return ""
    lines = []
    for line in xml_safe(text).replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = line.replace("‖", "|")
        if line.lstrip().startswith("@@"):
            line = line.replace("@@", "＠＠", 1)
        lines.append(line)
    return "\n".join(lines).strip("\n")


def text_value(text, label):
    return value(clean(text), label)


_MD_INLINE = re.compile(r"(\*\*|__|`)")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+")


def plain(text: str | None) -> str:
    """Markdown records as plain document text: no #, ** or ` marks; bullets become ·."""
    lines = []
    for line in clean(text).split("\n"):
        line = _MD_HEADING.sub("", line)
        line = _MD_BULLET.sub("· ", line)
        lines.append(_MD_INLINE.sub("", line))
    return "\n".join(lines)


def markdown_value(text, label):
    return value(plain(text), label)


def outcome(case) -> str:
    """agreement / failed / withdrawn / declined / open; archived cases keep theirs in the data."""
    status = str(case.status)
    if status in ("agreement_reached", "return_visited") or case.agreement is not None:
        return "agreement"
    if status in ("failed", "withdrawn", "declined"):
        return status
    closing = [
        e.to_status
        for e in (case.events or [])
        if e.to_status in ("agreement_reached", "failed", "withdrawn", "declined")
    ]
    if closing:
        return "agreement" if closing[-1] == "agreement_reached" else closing[-1]
    if status == "archived":
        if case.termination_notice:
            return "failed"
        if case.withdrawal_reason:
            return "withdrawn"
        if case.declined_reason:
            return "declined"
    return "open"


def party_context(party) -> dict:
    kind = str(party.kind)
    id_label = "统一社会信用代码" if kind == "enterprise" else "身份证号码"
    rep_label = "法定代表人" if kind == "enterprise" else "委托代理人"
    name = clean(party.name)
    bits = [name]
    if party.id_number:
        bits.append(f"{id_label}：{clean(party.id_number)}")
    if party.representative:
        bits.append(f"{rep_label}：{clean(party.representative)}")
    if party.address:
        bits.append(f"住所：{clean(party.address)}")
    if party.phone:
        bits.append(f"联系电话：{clean(party.phone)}")
    return {
        "name": value(name, "当事人姓名或名称"),
        "side": str(party.side),
        "side_label": SIDE_ZH[str(party.side)],
        "kind": kind,
        "id_label": id_label,
        "id_number": clean(party.id_number),
        "representative_label": rep_label,
        "representative": clean(party.representative),
        "address": clean(party.address),
        "phone": clean(party.phone),
        "summary": "，".join(bits),
    }


def _dispute(title: str) -> str:
    """The kind of dispute for "你们之间的……" sentences, said once:
    "货款纠纷（甲公司诉乙公司）" -> "货款纠纷"; "与乙公司的货款" -> "货款纠纷"."""
    if not title:
        return ""
    core = re.split(r"[（(]", title, maxsplit=1)[0].strip() or title
    if core.startswith("与"):
        ends = [core.rfind(m) + len(m) for m in ("之间的", "公司", "的") if core.rfind(m) > 0]
        cut = max(ends, default=0)
        core = core[cut:].strip() if 0 < cut < len(core) else core
    return core if core.endswith(("纠纷", "争议")) else f"{core}纠纷"


def _user_name(user) -> str:
    return clean(user.name) if user is not None else ""


def case_context(case, record=None) -> dict:
    """Everything a template may print about a case (record: a session, investigation or visit)."""
    committee = case.committee
    parties = [party_context(p) for p in case.parties]
    mediators = [
        {"name": clean(m.member.user.name), "is_lead": bool(m.is_lead)}
        for m in case.mediators
        if m.recused_dt is None
    ]
    mediator_names = "、".join(m["name"] for m in mediators)
    lead = next(
        (m["name"] for m in mediators if m["is_lead"]), mediators[0]["name"] if mediators else ""
    )
    result = outcome(case)
    category = case.category.name_zh if case.category is not None else ""
    ctx = {
        "committee": {
            "name": value(clean(committee.name), "调解委员会名称"),
            "address": clean(committee.address),
            "contact_name": clean(committee.contact_name),
            "contact_phone": clean(committee.contact_phone),
            "director": _user_name(committee.director),
        },
        "case": {
            "id": case.id,
            "ref": f"#{case.id}" if case.id else "",
            "title": value(clean(case.title), "案件名称"),
            # "货款纠纷" -> "货款纠纷", "货款" -> "货款纠纷": for "你们之间的……" sentences
            "dispute": value(_dispute(clean(case.title)), "案件名称"),
            "source": str(case.source),
            "source_label": SOURCE_ZH.get(str(case.source), ""),
            "is_oral": str(case.source) == "oral",
            "source_reference": clean(case.source_reference),
            "category": value(category, "纠纷类型"),
            "amount": case.amount,
            "amount_text": money(case.amount),
            "facts": text_value(case.facts, "纠纷事实"),
            "claims": text_value(case.claims, "调解请求"),
            "applied_date": _date_value(case.applied_dt, "申请日期"),
            "accepted_date": _date_value(case.accepted_dt, "受理日期"),
            "due_date": cn_date(case.due_dt),
            "rights_notice_date": _date_value(case.rights_notice_dt, "告知日期"),
            "closed_date": _date_value(case.closed_dt, "结案日期"),
            "termination_reason": text_value(case.termination_notice, "终止调解的理由"),
            "withdrawal_reason": text_value(case.withdrawal_reason, "撤回理由"),
            "decline_note": clean(case.decline_note),
            "dossier_number": value(clean(case.dossier_number), "卷宗号"),
            "archived_date": _date_value(case.archived_dt, "归档日期"),
            "retention": RETENTION_ZH.get(str(case.retention_period), ""),
            "outcome": result,
            "result": RESULT_ZH[result],
            "status_label": STATUS_ZH.get(str(case.status), ""),
        },
        "parties": parties,
        "applicants": [p for p in parties if p["side"] == "applicant"],
        "respondents": [p for p in parties if p["side"] == "respondent"],
        "party_names": "、".join(str(p["name"]) for p in parties),
        "applicant_names": "、".join(str(p["name"]) for p in parties if p["side"] == "applicant"),
        "respondent_names": "、".join(str(p["name"]) for p in parties if p["side"] == "respondent"),
        "mediators": mediators,
        "mediator_names": mediator_names,
        "lead_mediator": lead,
        "agreement": agreement_context(case),
        "sessions": [session_context(s) for s in case.sessions],
        "investigations": [investigation_context(r) for r in case.investigations],
        "return_visits": [visit_context(v) for v in case.return_visits],
        "evidence": [
            {
                "number": i,
                "title": clean(e.title),
                "submitted_by": clean(e.submitted_by),
                "description": clean(e.description),
                "file_name": clean(e.file.original_name) if e.file is not None else "",
                "date": cn_date(e.created_dt),
            }
            for i, e in enumerate(case.evidence, start=1)
        ],
        "today": cn_date(clock.today()),
    }
    if record is not None:
        ctx["record"] = record
    return ctx


def agreement_context(case) -> dict | None:
    a = case.agreement
    if a is None:
        return None
    copies = len(case.parties) + 1
    return {
        "kind": str(a.kind),
        "is_oral": str(a.kind) == "oral",
        "parties_text": clean(a.parties_text),
        "facts": text_value(a.facts, "纠纷主要事实、争议事项"),
        "responsibilities": text_value(a.responsibilities, "各方当事人的责任"),
        "terms": text_value(a.terms, "协议内容"),
        "performance_manner": text_value(a.performance_manner, "履行方式"),
        "performance_deadline": _date_value(a.performance_deadline, "履行期限"),
        "oral_record": text_value(a.oral_record, "口头协议内容"),
        "signed_date": _date_value(a.signed_on, "签订日期"),
        "effective_date": _date_value(a.effective_on, "生效日期"),
        "copies": copies,
        "copies_cn": cn_number(copies),
        "confirmation_applied_date": _date_value(a.confirmation_applied_on, "申请司法确认日期"),
        "confirmation_applied": a.confirmation_applied_on is not None,
        "confirmation_court": value(clean(a.confirmation_court), "受理司法确认的人民法院"),
        "confirmation_result": clean(a.confirmation_result),
        "confirmation_deadline": cn_date(a.confirmation_deadline) if a.effective_on else "",
    }


def session_context(s) -> dict:
    when = cn_datetime(s.held_dt)
    if s.ended_dt is not None:
        end = local(s.ended_dt)
        when = f"{when}至{end.hour:02d}:{end.minute:02d}"
    place = "线上调解" if s.is_online and not s.place else clean(s.place)
    return {
        "kind": "session",
        "date": value(cn_date(s.held_dt), "调解日期"),
        "time": value(when, "调解时间"),
        "place": value(place, "调解地点"),
        "is_online": bool(s.is_online),
        "attendees": text_value(s.attendees, "参加人员"),
        "text": markdown_value(s.record, "调解情况"),
        "recorded_by": _user_name(s.recorded_by),
    }


def investigation_context(r) -> dict:
    return {
        "kind": "investigation",
        "date": value(cn_date(r.investigated_dt), "调查日期"),
        "time": value(cn_datetime(r.investigated_dt), "调查时间"),
        "place": value(clean(r.place), "调查地点"),
        "investigators": value(clean(r.investigators), "调查人"),
        "interviewee": value(clean(r.interviewee), "被调查人"),
        "text": markdown_value(r.record, "调查内容"),
        "recorded_by": _user_name(r.recorded_by),
    }


def visit_context(v) -> dict:
    return {
        "kind": "return_visit",
        "date": value(cn_date(v.visited_on), "回访日期"),
        "method": value(clean(v.method), "回访方式"),
        "performance": PERFORMANCE_ZH.get(str(v.performance), ""),
        "text": text_value(v.record, "回访情况"),
        "visited_by": _user_name(v.visited_by),
    }
