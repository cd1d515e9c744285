"""Demo data: a committee in each demo chamber, 3-5 mediators each, about 200 cases over the
past year in every status. Idempotent: a second run changes nothing."""

import random
from datetime import date, timedelta
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import func, select

from mediation import operations
from mediation.models import (
    Agreement,
    AgreementKind,
    Case,
    CaseEvent,
    CaseMediator,
    CaseParty,
    CaseSource,
    CaseStatus,
    Committee,
    CommitteeFoundingStep,
    CommitteeMember,
    DeclineReason,
    FoundingStep,
    InvestigationRecord,
    MediationSession,
    MemberRole,
    PartyKind,
    PartySide,
    Performance,
    RetentionPeriod,
    ReturnVisit,
    RulesKind,
    RulesPage,
)
from portal.accounts.models import Chamber, Enterprise, Role, User, Verification
from portal.accounts.passwords import hash_password
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory

PREFIXES = {
    "zhejiang": "沈浙商调",
    "fujian": "沈闽商调",
    "wenzhou": "沈温商调",
    "garment": "沈服商调",
    "building": "沈建材调",
    "catering": "沈餐商调",
    "autoparts": "沈汽配调",
    "electronics": "沈电商调",
    "logistics": "沈物商调",
    "furniture": "沈家商调",
    "food": "沈食商调",
    "realestate": "沈房商调",
    "medicine": "沈医商调",
    "culture": "沈文商调",
    "energy": "沈能商调",
}
QUALIFICATIONS = [
    "执业律师",
    "退休法官",
    "人民调解员资格证书",
    "企业法务，人民调解员",
    "商会秘书长，人民调解员",
    "退休检察官",
    "劳动争议调解仲裁员",
]
GOODS = ["钢材", "服装面料", "建材", "汽车配件", "电子元器件", "食品原料", "办公家具", "包装材料"]
ROLES = ["销售经理", "厨师", "仓库管理员", "软件工程师", "店长", "司机"]
PLACES = ["商会调解室", "商会二楼会议室", "申请人公司会议室", "线上视频会议"]

MANAGEMENT_RULES = """# 商会人民调解委员会调解员管理办法

## 第一章 总则

第一条 为加强调解员队伍建设，规范调解员管理，依据《中华人民共和国人民调解法》制定本办法。

## 第二章 选聘

第二条 调解员应当公道正派、热心人民调解工作，并具有一定文化水平、政策水平和法律知识。

第三条 调解员由调解委员会聘任，聘期三年，可以连任。聘任和解聘应当记录在册。

## 第三章 培训与考核

第四条 调解员每年参加业务培训不少于二十四学时。

第五条 调解委员会每年对调解员进行考核，考核结果作为续聘依据。

## 第四章 纪律

第六条 调解员不得偏袒一方当事人，不得侮辱当事人，不得索取、收受财物或者牟取其他不正当利益，
不得泄露当事人的个人隐私、商业秘密。

第七条 调解员与纠纷有利害关系的，应当回避。
"""

WORK_RULES = """# 商会人民调解委员会调解工作制度

1. **受理登记制度**：当事人申请调解的，调解委员会应当登记，并在三个工作日内决定是否受理。
2. **告知制度**：受理后应当告知当事人在调解活动中享有的权利和承担的义务。
3. **调解记录制度**：每次调解应当制作调解记录。
4. **回访制度**：调解协议达成后，调解委员会应当对协议履行情况进行回访。
5. **档案管理制度**：调解结束后，应当将案卷材料整理归档，一案一卷。
6. **期限制度**：调解纠纷一般在受理之日起一个月内调结。
"""


def _facts(rng, category_code, applicant, respondent, amount):
    amount_text = f"{amount:,.0f}"
    if category_code == "employment":
        return (
            "劳动报酬纠纷",
            f"申请人{applicant}于{rng.choice([2021, 2022, 2023])}年入职{respondent}，担任"
            f"{rng.choice(ROLES)}。离职时公司以经营困难为由拖欠工资及加班费共计{amount_text}元，"
            "多次催要未果。",
            f"请求{respondent}支付拖欠的劳动报酬{amount_text}元，并出具离职证明。",
        )
    if category_code == "construction":
        return (
            "装修工程款纠纷",
            f"申请人承接{respondent}门店装修工程，工程已于去年竣工并交付使用。{respondent}"
            f"以墙面开裂、地砖空鼓等质量问题为由拒付尾款{amount_text}元。申请人认为问题系使用不当所致，"
            "愿意进行必要维修。",
            f"请求支付工程尾款{amount_text}元。",
        )
    if category_code == "finance":
        return (
            "借款纠纷",
            f"{respondent}因资金周转向申请人借款{amount_text}元，约定六个月内归还，并出具借条。"
            "借款到期后经多次催要，对方仅归还少部分。",
            f"请求归还借款本金{amount_text}元及逾期利息。",
        )
    if category_code == "ip":
        return (
            "商标使用纠纷",
            f"申请人发现{respondent}在其门店招牌和产品包装上使用与申请人注册商标近似的标识，"
            "造成消费者混淆。双方均为本商会会员，希望通过调解解决。",
            f"请求停止使用近似标识并赔偿损失{amount_text}元。",
        )
    if category_code == "corporate":
        return (
            "股东分红纠纷",
            f"申请人系{respondent}股东，持股百分之二十。公司连续两年盈利但未召开股东会分配利润，"
            "申请人要求查阅账簿被拒。",
            f"请求查阅公司会计账簿，并按持股比例分配利润{amount_text}元。",
        )
    if rng.random() < 0.4:
        return (
            "租赁合同纠纷",
            f"{respondent}租用申请人位于沈阳市{rng.choice(['和平区', '铁西区', '浑南区'])}的商铺，"
            f"租期三年。自今年初起{respondent}以客流下降为由拖欠租金，累计{amount_text}元。",
            f"请求支付拖欠租金{amount_text}元，或协商解除租赁合同。",
        )
    return (
        "货款纠纷",
        f"申请人向{respondent}供应{rng.choice(GOODS)}，合同总价{amount * 2:,.0f}元。"
        f"{respondent}收货后仅支付部分货款，尚欠{amount_text}元至今未付，对账单已经双方盖章确认。",
        f"请求支付货款{amount_text}元及逾期付款利息。",
    )


# Status mix of the demo caseload (every status appears in every committee's neighbourhood).
STATUS_WEIGHTS = [
    (CaseStatus.applied, 8),
    (CaseStatus.accepted, 6),
    (CaseStatus.declined, 6),
    (CaseStatus.mediators_assigned, 6),
    (CaseStatus.in_mediation, 14),
    (CaseStatus.agreement_reached, 12),
    (CaseStatus.failed, 10),
    (CaseStatus.withdrawn, 6),
    (CaseStatus.return_visited, 10),
    (CaseStatus.archived, 42),
]
OPEN = (
    CaseStatus.applied,
    CaseStatus.accepted,
    CaseStatus.mediators_assigned,
    CaseStatus.in_mediation,
)


def _mediators(rng, password_hash, committee, start_n, count):
    from portal.demo import person_name

    members = []
    for offset in range(count):
        n = start_n + offset
        email = f"mediator{n}@demo.example"
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                email=email,
                name=person_name(rng),
                role=Role.mediator,
                password_hash=password_hash,
                phone=f"139{rng.randrange(10000000, 99999999)}",
                verification=Verification.verified,
            )
            db.session.add(user)
            db.session.flush()
        member = db.session.scalar(
            select(CommitteeMember).where(
                CommitteeMember.committee_id == committee.id, CommitteeMember.user_id == user.id
            )
        )
        if member is None:
            member = CommitteeMember(
                committee=committee,
                user=user,
                role=MemberRole.director if offset == 0 else MemberRole.member,
                qualification=rng.choice(QUALIFICATIONS),
                training_hours=rng.choice([16, 24, 32, 40, 48]),
                appointed_on=date(2025, rng.randrange(1, 12), rng.randrange(1, 28)),
            )
            db.session.add(member)
        members.append(member)
    db.session.flush()
    return members


def _founding(rng, committee, done_steps):
    day = date(2024, rng.randrange(3, 10), rng.randrange(1, 28))
    for step in list(FoundingStep)[:done_steps]:
        exists = db.session.scalar(
            select(CommitteeFoundingStep.id).where(
                CommitteeFoundingStep.committee_id == committee.id,
                CommitteeFoundingStep.step == step,
            )
        )
        if exists is None:
            db.session.add(
                CommitteeFoundingStep(committee=committee, step=step, done_on=day, note="")
            )
        day += timedelta(days=rng.randrange(5, 40))


def _rules():
    for kind, body in ((RulesKind.management, MANAGEMENT_RULES), (RulesKind.work, WORK_RULES)):
        exists = db.session.scalar(
            select(RulesPage.id).where(RulesPage.committee_id.is_(None), RulesPage.kind == kind)
        )
        if exists is None:
            db.session.add(RulesPage(committee_id=None, kind=kind, body=body))


def _party(side, enterprise=None, person=None, rng=None):
    if enterprise is not None:
        return CaseParty(
            side=side,
            kind=PartyKind.enterprise,
            enterprise_id=enterprise.id,
            name=enterprise.name,
            id_number=enterprise.uscc,
            representative=enterprise.contact_name,
            phone=enterprise.contact_phone,
            address=enterprise.address,
        )
    return CaseParty(
        side=side,
        kind=PartyKind.person,
        name=person,
        id_number=f"2101{rng.randrange(10**13, 10**14)}",
        phone=f"138{rng.randrange(10000000, 99999999)}",
        address="沈阳市" + rng.choice(["和平区", "沈河区", "皇姑区", "大东区"]),
    )


def _make_case(rng, committee, members, enterprises, categories, status, now):
    from portal.demo import person_name

    director = next(m for m in members if m.role == MemberRole.director).user
    category = rng.choice(categories)
    amount = Decimal(rng.choice([8, 12, 26, 38, 56, 86, 120, 180, 260, 480, 950])) * 1000
    local = [e for e in enterprises if committee.chamber in e.chambers] or enterprises
    applicant_ent = rng.choice(local)
    respondent_ent = rng.choice([e for e in enterprises if e.id != applicant_ent.id])
    worker = None
    if category.code == "employment":
        worker = person_name(rng)
        applicant = _party(PartySide.applicant, person=worker, rng=rng)
        respondent = _party(PartySide.respondent, enterprise=applicant_ent)
        names = (worker, applicant_ent.name)
    else:
        applicant = _party(PartySide.applicant, enterprise=applicant_ent)
        respondent = _party(PartySide.respondent, enterprise=respondent_ent)
        names = (applicant_ent.name, respondent_ent.name)
    kind, facts, claims = _facts(rng, category.code, names[0], names[1], amount)
    if status in OPEN:
        age = rng.randrange(1, 50)
    elif status == CaseStatus.archived:
        age = rng.randrange(70, 360)
    else:
        age = rng.randrange(15, 200)
    applied = now - timedelta(days=age, hours=rng.randrange(0, 10))
    source = rng.choices(
        [CaseSource.online, CaseSource.oral, CaseSource.court, CaseSource.government],
        weights=[50, 25, 15, 10],
    )[0]
    user = None
    if source == CaseSource.online and worker is None:
        user = db.session.scalar(
            select(User).where(User.enterprise_id == applicant_ent.id, User.role == Role.enterprise)
        )
        if user is None:
            source = CaseSource.oral
    case = Case(
        committee=committee,
        title=f"{kind}（{names[0]}诉{names[1]}）",
        source=source,
        source_reference={
            CaseSource.court: f"（{applied.year}）辽0102民诉前调{rng.randrange(100, 9999)}号",
            CaseSource.government: "沈阳市市场监督管理局转交",
        }.get(source, ""),
        category_id=category.id,
        amount=amount,
        facts=facts,
        claims=claims,
        applicant_user_id=user.id if user else None,
        entered_by_id=user.id if user else rng.choice(members).user_id,
        applied_dt=applied,
        created_dt=applied,
        status_changed_dt=applied,
    )
    case.parties = [applicant, respondent]
    db.session.add(case)
    db.session.flush()
    db.session.add(CaseEvent(case=case, action="applied", to_status="applied", created_dt=applied))
    _walk(rng, case, status, members, director, applied, now)
    return case


def _at(cursor, now, days_min, days_max, rng):
    return min(cursor + timedelta(days=rng.uniform(days_min, days_max)), now - timedelta(hours=1))


def _walk(rng, case, status, members, director, cursor, now):
    def go(to, when, note=""):
        operations.transition(case, to, director, note, notify_people=False, now=when)

    if status == CaseStatus.applied:
        return
    if status == CaseStatus.declined:
        case.declined_reason = rng.choice(list(DeclineReason))
        case.decline_note = (
            "被申请人明确表示不同意调解。"
            if case.declined_reason == DeclineReason.party_objects
            else "该纠纷已进入诉讼程序，不属于人民调解受理范围。"
        )
        go(CaseStatus.declined, _at(cursor, now, 1, 3, rng), case.decline_note)
        return
    if status == CaseStatus.withdrawn and rng.random() < 0.4:
        case.withdrawal_reason = "双方已自行和解，申请撤回调解申请。"
        go(CaseStatus.withdrawn, _at(cursor, now, 1, 5, rng), case.withdrawal_reason)
        return
    cursor = _at(cursor, now, 0.5, 3, rng)
    go(CaseStatus.accepted, cursor)
    if status == CaseStatus.accepted:
        return
    plain = [m for m in members if m.role == MemberRole.member] or members
    chosen = rng.sample(plain, k=min(len(plain), rng.choice([1, 1, 2])))
    for index, member in enumerate(chosen):
        case.mediators.append(
            CaseMediator(
                member=member,
                is_lead=index == 0,
                chosen_by_party=rng.random() < 0.2,
                assigned_dt=cursor,
                assigned_by_id=director.id,
            )
        )
    db.session.flush()
    cursor = _at(cursor, now, 0.2, 2, rng)
    go(CaseStatus.mediators_assigned, cursor)
    case.rights_notice_dt = cursor
    case.rights_notice_by_id = chosen[0].user_id
    if status == CaseStatus.mediators_assigned:
        return
    cursor = _at(cursor, now, 1, 4, rng)
    go(CaseStatus.in_mediation, cursor)
    lead = chosen[0].user
    db.session.add(
        InvestigationRecord(
            case=case,
            investigated_dt=cursor,
            place=rng.choice(PLACES[:3]),
            investigators="、".join(m.user.name for m in chosen),
            interviewee=case.parties[1].representative or case.parties[1].name,
            record="被申请人对基本事实无异议，但对金额及付款期限有不同意见。",
            recorded_by_id=lead.id,
            created_dt=cursor,
        )
    )
    for number in range(rng.choice([1, 2, 2, 3])):
        held = _at(cursor, now, 1, 6, rng)
        place = rng.choice(PLACES)
        db.session.add(
            MediationSession(
                case=case,
                held_dt=held,
                ended_dt=held + timedelta(hours=rng.choice([1, 2, 3])),
                is_online=place == "线上视频会议",
                place=place,
                attendees=f"{case.parties[0].name}、{case.parties[1].name}；调解员"
                + "、".join(m.user.name for m in chosen),
                record=f"**第{number + 1}次调解**\n\n- 双方陈述各自意见\n- 调解员释明相关法律规定\n"
                "- 双方就付款金额和期限进一步协商",
                recorded_by_id=lead.id,
                created_dt=held,
            )
        )
        cursor = held
    if status == CaseStatus.in_mediation:
        # some open cases are overdue: their acceptance lies beyond the duration limit
        return
    if status == CaseStatus.withdrawn:
        case.withdrawal_reason = "申请人撤回调解申请，拟另行起诉。"
        go(CaseStatus.withdrawn, _at(cursor, now, 1, 5, rng), case.withdrawal_reason)
        _archive_maybe(rng, case, director, cursor, now, go)
        return
    if status == CaseStatus.failed:
        cursor = _at(cursor, now, 1, 6, rng)
        case.termination_notice = "双方对赔偿金额分歧较大，经多次调解未能达成协议，本次调解终止。"
        go(CaseStatus.failed, cursor, "双方分歧较大")
        _archive_maybe(rng, case, director, cursor, now, go)
        return
    cursor = _at(cursor, now, 1, 6, rng)
    effective = cursor.date()
    written = rng.random() < 0.85
    amount = f"{case.amount:,.0f}" if case.amount is not None else ""
    db.session.add(
        Agreement(
            case=case,
            kind=AgreementKind.written if written else AgreementKind.oral,
            parties_text="\n".join(f"{p.side_label}：{p.name}" for p in case.parties)
            if written
            else "",
            facts=case.facts if written else "",
            responsibilities="被申请人对拖欠款项负有责任；申请人同意减免部分利息。"
            if written
            else "",
            terms=f"被申请人分两期向申请人支付{amount}元，申请人放弃其他请求。" if written else "",
            performance_manner="银行转账至申请人指定账户" if written else "",
            performance_deadline=effective + timedelta(days=rng.choice([15, 30, 60]))
            if written
            else None,
            oral_record="" if written else f"双方当场达成口头协议，被申请人当场支付{amount}元。",
            signed_on=effective,
            effective_on=effective,
            recorded_by_id=lead.id,
            created_dt=cursor,
        )
    )
    db.session.flush()
    db.session.expire(case, ["agreement"])
    go(CaseStatus.agreement_reached, cursor)
    if status == CaseStatus.agreement_reached:
        return
    visit = _at(cursor, now, 10, 35, rng)
    db.session.add(
        ReturnVisit(
            case=case,
            visited_on=visit.date(),
            method=rng.choice(["电话回访", "上门回访"]),
            performance=rng.choices(list(Performance), weights=[80, 15, 5])[0],
            record="经回访，被申请人已按协议约定履行付款义务，双方对调解结果表示满意。",
            visited_by_id=lead.id,
            created_dt=visit,
        )
    )
    db.session.flush()
    db.session.expire(case, ["return_visits"])
    go(CaseStatus.return_visited, visit)
    if status == CaseStatus.archived:
        go(CaseStatus.archived, _at(visit, now, 2, 10, rng))
        case.retention_period = RetentionPeriod.long


def _archive_maybe(rng, case, director, cursor, now, go):
    if rng.random() < 0.5:
        case.retention_period = RetentionPeriod.short
        go(CaseStatus.archived, _at(cursor, now, 2, 10, rng))


def load(app) -> str:
    with force_locale("zh_CN"):
        return _load()


def _load() -> str:
    from portal.demo import CHAMBERS, DEMO_PASSWORD

    rng = random.Random(6006)
    password_hash = hash_password(DEMO_PASSWORD)
    _rules()
    chambers = {c.code: c for c in db.session.scalars(select(Chamber))}
    committees = []
    next_mediator = 1
    for index, (code, _name, _en) in enumerate(CHAMBERS):
        chamber = chambers.get(code)
        if chamber is None:
            continue
        committee = db.session.scalar(select(Committee).where(Committee.chamber_id == chamber.id))
        if committee is None:
            committee = Committee(
                chamber=chamber,
                name=f"{chamber.name}人民调解委员会",
                contact_name="",
                contact_phone=f"024-{rng.randrange(22000000, 89999999)}",
                address=f"沈阳市和平区南京北街{rng.randrange(10, 300)}号",
                dossier_prefix=PREFIXES.get(code, "沈商调"),
                duration_limit_days=30,
            )
            db.session.add(committee)
            db.session.flush()
        count = 3 + index % 3
        members = _mediators(rng, password_hash, committee, next_mediator, count)
        next_mediator += count
        if not committee.contact_name:
            committee.contact_name = members[0].user.name
        _founding(rng, committee, 6 if index % 5 else 4)
        committees.append((committee, members))
    db.session.flush()
    existing = db.session.scalar(select(func.count()).select_from(Case)) or 0
    if existing:
        return f"{len(committees)} committees; cases already loaded ({existing})"
    enterprises = list(
        db.session.scalars(
            select(Enterprise).where(Enterprise.verification == Verification.verified)
        )
    )
    categories = list(
        db.session.scalars(
            select(LegalCategory).where(
                LegalCategory.code.in_(
                    [
                        "contract",
                        "contract",
                        "employment",
                        "construction",
                        "finance",
                        "ip",
                        "corporate",
                    ]
                )
            )
        )
    )
    categories += [c for c in categories if c.code == "contract"] * 3
    if not enterprises or not categories or not committees:
        return "no core demo data; run the core loader first"
    now = utcnow()
    statuses = [s for s, _w in STATUS_WEIGHTS]
    weights = [w for _s, w in STATUS_WEIGHTS]
    plan = []
    for committee, members in committees:
        plan += [(committee, members, s) for s in rng.sample(statuses, k=4)]
    while len(plan) < 200:
        committee, members = rng.choice(committees)
        plan.append((committee, members, rng.choices(statuses, weights=weights)[0]))
    for committee, members, status in plan:
        _make_case(rng, committee, members, enterprises, categories, status, now)
    db.session.flush()
    return f"{len(committees)} committees, {next_mediator - 1} mediators, {len(plan)} cases"
