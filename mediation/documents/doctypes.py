"""The standard document set of a mediation dossier and the default wording of each document.

A template is Jinja text (sandboxed, StrictUndefined) whose lines are laid out as follows:
``@@title`` centred title · ``@@subtitle`` centred line · ``@@heading`` section heading ·
``@@row a ‖ b`` table row (consecutive rows form one table) · ``@@sign label`` signature line ·
``@@seal name`` the committee's seal block · ``@@right`` / ``@@center`` aligned line ·
``@@note`` small print · ``@@blank`` empty line · ``@@pagebreak`` · any other line is a body
paragraph. Use ``|cell`` to put multi-line text into one table cell.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class DocType:
    code: str
    title: str  # the document's Chinese name, used in missing-field messages
    label: object  # UI label (translated)
    for_parties: bool  # parties may see it
    records: str | None = None  # per-record document: key of the context list


DOC_TYPES = [
    DocType("cover", "卷宗封面", _l("Dossier cover"), False),
    DocType("contents", "卷内目录", _l("Table of contents"), False),
    DocType("application", "人民调解申请书", _l("Mediation application"), True),
    DocType("acceptance", "人民调解受理登记表", _l("Acceptance registration"), True),
    DocType("rights_notice", "当事人权利义务告知书", _l("Notice of rights and duties"), True),
    DocType("investigation", "调查记录", _l("Investigation record"), False, "investigations"),
    DocType("session", "人民调解记录", _l("Session record"), True, "sessions"),
    DocType("agreement", "人民调解协议书", _l("Mediation agreement"), True),
    DocType("oral_agreement", "口头调解协议登记表", _l("Record of an oral agreement"), True),
    DocType("termination", "终止人民调解告知书", _l("Notice of termination"), True),
    DocType("return_visit", "回访记录", _l("Return-visit record"), False, "return_visits"),
    DocType(
        "judicial_confirmation",
        "司法确认申请书",
        _l("Application for judicial confirmation"),
        True,
    ),
    DocType("evidence_list", "证据清单", _l("Evidence list"), True),
    DocType("closing_note", "备考表", _l("Closing note"), False),
]
BY_CODE = {d.code: d for d in DOC_TYPES}


DEFAULTS = {}

DEFAULTS["cover"] = """\
@@title {{ committee.name }}
@@title 人民调解卷宗
@@blank
@@row 卷宗号 ‖ {{ case.dossier_number }}
@@row 案件名称 ‖ {{ case.title }}
@@row 申请人 ‖ {{ applicant_names }}
@@row 被申请人 ‖ {{ respondent_names }}
@@row 调解员 ‖ {{ mediator_names or "未指派" }}
@@row 受理日期 ‖ {{ case.accepted_date or "未受理" }}
@@row 结案日期 ‖ {{ case.closed_date }}
@@row 调解结果 ‖ {{ case.result }}
@@row 保管期限 ‖ {{ case.retention }}
@@row 归档日期 ‖ {{ case.archived_date }}
"""

DEFAULTS["contents"] = """\
@@title 卷内目录
@@subtitle {{ case.dossier_number }}
@@row 序号 ‖ 文件名称 ‖ 日期 ‖ 页号
{% for entry in dossier.entries %}@@row {{ loop.index }} ‖ {{ entry.title }} ‖ {{ entry.date or "—" }} ‖ {{ entry.pages }}
{% endfor %}
"""

DEFAULTS["application"] = """\
{% if case.is_oral %}@@title 人民调解口头申请记录{% else %}@@title 人民调解申请书{% endif %}
{% for p in applicants %}申请人：{{ p.summary }}。
{% endfor %}{% for p in respondents %}被申请人：{{ p.summary }}。
{% endfor %}@@heading 调解请求
{{ case.claims }}
@@heading 事实和理由
{{ case.facts }}
{% if case.is_oral %}以上内容由申请人口头陈述，经记录后向其宣读，确认无误。
@@sign 申请人（签名或按指印）
@@sign 记录人（签名）
{% else %}此致
{{ committee.name }}
@@sign 申请人（签名或盖章）
{% endif %}@@right {{ case.applied_date }}
"""

DEFAULTS["acceptance"] = """\
@@title 人民调解受理登记表
@@subtitle {{ committee.name }}
@@row 案件名称 ‖ {{ case.title }}
@@row 案件来源 ‖ {{ case.source_label }}{% if case.source_reference %}（{{ case.source_reference }}）{% endif %}
@@row 纠纷类型 ‖ {{ case.category }}
@@row 涉及金额 ‖ {{ case.amount_text or "不涉及金额" }}
@@row 申请日期 ‖ {{ case.applied_date }}
@@row 受理日期 ‖ {{ case.accepted_date }}
@@row 调解期限 ‖ {{ case.due_date or "—" }}
{% for p in parties %}@@row {{ p.side_label }} ‖ {{ p.summary }}
{% endfor %}@@row 调解员 ‖ {{ mediator_names or "未指派" }}
@@row 纠纷简要情况 ‖ {{ case.facts|cell }}
@@row 当事人请求 ‖ {{ case.claims|cell }}
@@sign 登记人（签名）
@@seal {{ committee.name }}
@@right {{ case.accepted_date }}
"""

DEFAULTS["rights_notice"] = """\
@@title 当事人权利义务告知书
{{ party_names }}：
你们之间的{{ case.dispute }}，已由本委员会受理。根据《中华人民共和国人民调解法》的规定，现将当事人在人民调解活动中享有的权利和承担的义务告知如下：
@@heading 一、当事人享有的权利
（一）选择或者接受人民调解员；
（二）接受调解、拒绝调解或者要求终止调解；
（三）要求调解公开进行或者不公开进行；
（四）自主表达意愿、自愿达成调解协议。
@@heading 二、当事人承担的义务
（一）如实陈述纠纷事实；
（二）遵守调解现场秩序，尊重人民调解员；
（三）尊重对方当事人行使权利。
@@heading 三、其他事项
人民调解员应当为当事人保守个人隐私和商业秘密。经人民调解委员会调解达成的调解协议，具有法律约束力，当事人应当按照约定履行。调解不成的，当事人可以依法通过仲裁、行政、司法等途径维护自己的权利。
@@seal {{ committee.name }}
@@right {{ case.rights_notice_date }}
本告知书已收到，内容已知悉。
{% for p in parties %}@@sign {{ p.side_label }}：{{ p.name }}（签名或盖章）
{% endfor %}"""

DEFAULTS["investigation"] = """\
@@title 调查记录
@@row 案件名称 ‖ {{ case.title }}
@@row 调查时间 ‖ {{ record.time }}
@@row 调查地点 ‖ {{ record.place }}
@@row 调查人 ‖ {{ record.investigators }}
@@row 被调查人 ‖ {{ record.interviewee }}
@@heading 调查内容
{{ record.text }}
@@sign 被调查人（签名）
@@sign 调查人（签名）
@@sign 记录人（签名）
"""

DEFAULTS["session"] = """\
@@title 人民调解记录
@@row 案件名称 ‖ {{ case.title }}
@@row 调解时间 ‖ {{ record.time }}
@@row 调解地点 ‖ {{ record.place }}
@@row 调解员 ‖ {{ mediator_names or "未指派" }}
@@row 参加人员 ‖ {{ record.attendees|cell }}
@@heading 调解情况
{{ record.text }}
{% for p in parties %}@@sign {{ p.side_label }}：{{ p.name }}（签名）
{% endfor %}@@sign 人民调解员（签名）
@@sign 记录人（签名）
"""

DEFAULTS["agreement"] = """\
@@title 人民调解协议书
@@right 编号：{{ case.dossier_number or case.ref }}
{% if agreement.parties_text %}{{ agreement.parties_text }}
{% else %}{% for p in parties %}{{ p.side_label }}：{{ p.summary }}。
{% endfor %}{% endif %}@@heading 一、纠纷主要事实、争议事项
{{ agreement.facts }}
@@heading 二、各方当事人的责任
{{ agreement.responsibilities }}
@@heading 三、经调解，各方当事人自愿达成如下协议
{{ agreement.terms }}
@@heading 四、履行方式、时限
履行方式：{{ agreement.performance_manner }}
履行期限：{{ agreement.performance_deadline }}前履行完毕。
本协议自各方当事人签名、盖章或者按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。人民调解委员会对协议的履行情况进行监督。各方当事人认为有必要的，可以自本协议生效之日起三十日内共同向人民法院申请司法确认。
@@note 本协议书一式{{ agreement.copies_cn }}份，当事人各执一份，人民调解委员会留存一份。
{% for p in parties %}@@sign {{ p.side_label }}：{{ p.name }}（签名、盖章或按指印）
{% endfor %}@@sign 人民调解员：{{ mediator_names }}（签名）
@@seal {{ committee.name }}
@@right {{ agreement.signed_date }}
"""

DEFAULTS["oral_agreement"] = """\
@@title 口头调解协议登记表
@@row 案件名称 ‖ {{ case.title }}
@@row 当事人 ‖ {{ party_names }}
@@row 人民调解员 ‖ {{ mediator_names }}
@@row 协议达成日期 ‖ {{ agreement.effective_date }}
@@heading 口头协议内容
{{ agreement.oral_record }}
{% if agreement.performance_manner %}@@heading 履行方式、时限
{{ agreement.performance_manner }}{% if agreement.performance_deadline %}（{{ agreement.performance_deadline }}前）{% endif %}
{% endif %}口头调解协议自各方当事人达成协议之日起生效。
{% for p in parties %}@@sign {{ p.side_label }}：{{ p.name }}（签名）
{% endfor %}@@sign 人民调解员（签名）
@@seal {{ committee.name }}
"""

DEFAULTS["termination"] = """\
@@title 终止人民调解告知书
{{ party_names }}：
你们之间的{{ case.dispute }}，本委员会于{{ case.accepted_date }}受理并进行了调解。{{ case.termination_reason }}
根据《中华人民共和国人民调解法》第二十六条的规定，本委员会决定终止调解。当事人可以依法通过下列途径维护自己的权利：
（一）仲裁：属于仲裁范围的，依据仲裁协议或者法律规定向仲裁机构申请仲裁（劳动争议向劳动人事争议仲裁委员会申请仲裁）；
（二）行政：依法请求有关行政机关处理；
（三）司法：依法向人民法院提起诉讼。
特此告知。
@@seal {{ committee.name }}
@@right {{ case.closed_date }}
{% for p in parties %}@@sign {{ p.side_label }}：{{ p.name }}（签收）
{% endfor %}"""

DEFAULTS["return_visit"] = """\
@@title 人民调解回访记录
@@row 案件名称 ‖ {{ case.title }}
@@row 当事人 ‖ {{ party_names }}
@@row 协议生效日期 ‖ {{ agreement.effective_date if agreement else "—" }}
@@row 回访日期 ‖ {{ record.date }}
@@row 回访方式 ‖ {{ record.method }}
@@row 履行情况 ‖ {{ record.performance }}
@@heading 回访情况
{{ record.text }}
@@sign 回访人（签名）
@@sign 被回访人（签名）
"""

DEFAULTS["judicial_confirmation"] = """\
@@title 司法确认申请书
{% for p in parties %}申请人：{{ p.summary }}。
{% endfor %}@@heading 请求事项
请求人民法院确认申请人之间于{{ agreement.effective_date }}经{{ committee.name }}主持调解达成的人民调解协议有效。
@@heading 事实和理由
申请人之间因{{ case.dispute }}，经{{ committee.name }}主持调解，于{{ agreement.effective_date }}达成了人民调解协议。
申请人出于解决纠纷的目的自愿达成协议，没有恶意串通、规避法律的行为；如果因为该协议内容而给他人造成损害的，愿意承担相应的民事责任和其他法律责任。现根据《中华人民共和国人民调解法》第三十三条的规定，共同向人民法院申请司法确认。
此致
{{ agreement.confirmation_court }}
附：人民调解协议书一份
{% for p in parties %}@@sign 申请人：{{ p.name }}（签名或盖章）
{% endfor %}@@right {{ agreement.confirmation_applied_date }}
"""

DEFAULTS["evidence_list"] = """\
@@title 证据清单
@@subtitle {{ case.title }}
{% if evidence %}@@row 序号 ‖ 证据名称 ‖ 提交人 ‖ 说明 ‖ 原件文件
{% for e in evidence %}@@row {{ e.number }} ‖ {{ e.title }} ‖ {{ e.submitted_by or "—" }} ‖ {{ e.description|cell or "—" }} ‖ {{ e.file_name or "—" }}
{% endfor %}共{{ evidence|length }}件。
{% else %}本案当事人未提交证据材料。
{% endif %}"""

DEFAULTS["closing_note"] = """\
@@title 备考表
本卷共有文件{{ dossier.document_count }}份，共{{ dossier.page_count }}页（含封面、卷内目录）。
{% if evidence %}其中证据材料{{ evidence|length }}件，原件随卷附存（见证据清单）。
{% endif %}调解结果：{{ case.result }}。
@@sign 立卷人：{{ dossier.archived_by or "" }}（签名）
@@sign 检查人：{{ committee.director or "" }}（签名）
@@right 立卷时间：{{ case.archived_date }}
"""
