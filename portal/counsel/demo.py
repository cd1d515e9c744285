"""Demo 5+1 groups over the demo small and micro firms, with services over past months."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from portal.accounts.models import Enterprise, Role, User, Verification
from portal.core import clock
from portal.core.db import db, utcnow
from portal.counsel.models import (
    CounselGroup,
    CounselLawyerSeat,
    CounselMembership,
    CounselRequest,
    CounselService,
    CounselServiceEvent,
    CounselTerm,
    GroupStatus,
    RequestStatus,
    ServiceKind,
    ServiceStatus,
)
from portal.demo import already_loaded, mark_loaded

GROUPS = 20
NOTES = {
    ServiceKind.advice: [
        "电话解答员工试用期解除劳动合同的条件与程序，提示保留考核记录。",
        "就供应商迟延交货的违约责任提供意见，建议先行书面催告。",
        "解答股东之间股权转让的优先购买权问题。",
    ],
    ServiceKind.contract_review: [
        "审查设备采购合同，修改付款节点、验收条款和违约金比例。",
        "审查房屋租赁合同，补充转租限制和提前解约条款。",
        "审查代理经销协议，明确区域独家条款和最低采购量。",
    ],
    ServiceKind.training: [
        "为企业管理层讲授《民法典》合同编常见风险，约一小时。",
        "开展劳动用工合规培训：劳动合同签订、加班与社保。",
    ],
    ServiceKind.checkup: [
        "上门梳理企业规章制度和合同台账，指出三项中风险问题。",
        "线上检查企业知识产权与商标使用情况，提出整改建议。",
    ],
    ServiceKind.dispute_help: [
        "协助起草催款律师函，对方已承诺分期付款。",
        "指导企业准备劳动仲裁答辩材料和证据目录。",
    ],
}


def load(app) -> str:
    if already_loaded("counsel"):
        return "already loaded"
    rng = random.Random(51)
    firms = db.session.scalars(
        select(Enterprise)
        .where(
            Enterprise.size_class.in_(("small", "micro")),
            Enterprise.verification == Verification.verified,
        )
        .order_by(Enterprise.id)
    ).all()
    lawyers = [
        u
        for u in db.session.scalars(
            select(User).where(User.role == Role.lawyer).order_by(User.id)
        ).all()
        if u.is_verified and u.lawyer_profile is not None
    ]
    staff = db.session.scalar(select(User).where(User.email == "staff@demo.example"))
    if not firms or not lawyers:
        return "no demo firms or lawyers"
    # Firms of one chamber next to each other, so groups follow chambers.
    firms.sort(key=lambda f: (min((c.id for c in f.chambers), default=0), f.industry, f.id))
    today = clock.today()
    load_count = {u.id: 0 for u in lawyers}
    groups = 0
    services = 0
    position = 0
    while groups < GROUPS and position < len(firms):
        size = rng.choice([3, 3, 3, 4, 5])
        members = firms[position : position + size]
        position += size
        if len(members) < 2:
            break
        chamber = members[0].chambers[0] if members[0].chambers else None
        two = groups % 4 == 0
        free = sorted((u for u in lawyers if load_count[u.id] < 3), key=lambda u: load_count[u.id])
        counsel = free[: 2 if two else 1]
        for lawyer in counsel:
            load_count[lawyer.id] += 1
        start = today - timedelta(days=rng.randrange(120, 330))
        end = date(start.year + 1, start.month, 1)
        if groups in (3, 11):
            end = today + timedelta(days=rng.randrange(5, 25))  # up for renewal
        group = CounselGroup(
            name=f"{chamber.name if chamber else '综合'}“5+{len(counsel)}”法律顾问第{groups + 1}组",
            chamber=chamber,
            start_date=start,
            end_date=end,
            created_by_id=getattr(staff, "id", None),
            status=GroupStatus.active,
        )
        db.session.add(group)
        db.session.add(CounselTerm(group=group, number=1, start_date=start, end_date=end))
        for slot, firm in enumerate(members, start=1):
            db.session.add(
                CounselMembership(group=group, enterprise=firm, slot=slot, joined_on=start)
            )
        for slot, lawyer in enumerate(counsel, start=1):
            db.session.add(
                CounselLawyerSeat(group=group, lawyer=lawyer, slot=slot, joined_on=start)
            )
        for firm in members:
            quiet = rng.random() < 0.15  # some firms get nothing in the last 90 days
            day = start + timedelta(days=rng.randrange(5, 30))
            while day < today:
                if quiet and day > today - timedelta(days=95):
                    break
                kind = rng.choice(list(ServiceKind))
                lawyer = rng.choice(counsel)
                recent = day > today - timedelta(days=14)
                status = (
                    ServiceStatus.logged
                    if recent and rng.random() < 0.6
                    else rng.choices(
                        [ServiceStatus.confirmed, ServiceStatus.disputed], weights=[95, 5]
                    )[0]
                )
                service = CounselService(
                    group=group,
                    enterprise=firm,
                    lawyer=lawyer,
                    kind=kind,
                    service_date=day,
                    minutes=rng.choice([30, 45, 60, 90, 120, 180]),
                    note=rng.choice(NOTES[kind]),
                    status=status,
                    dispute_reason="记录的时长与实际不符，实际约半小时。"
                    if status == ServiceStatus.disputed
                    else "",
                    status_changed_dt=utcnow(),
                )
                db.session.add(service)
                db.session.add(
                    CounselServiceEvent(
                        service=service, from_status=None, to_status="logged", by_id=lawyer.id
                    )
                )
                if status != ServiceStatus.logged:
                    firm_user = firm.users[0] if firm.users else None
                    service.status_changed_by_id = getattr(firm_user, "id", None)
                    db.session.add(
                        CounselServiceEvent(
                            service=service,
                            from_status="logged",
                            to_status=status.value,
                            note=service.dispute_reason,
                            by_id=getattr(firm_user, "id", None),
                        )
                    )
                services += 1
                day += timedelta(days=rng.randrange(18, 45))
        if groups % 3 == 0:
            firm = members[0]
            db.session.add(
                CounselRequest(
                    group=group,
                    enterprise=firm,
                    title="客户拖欠货款三个月，如何催收？",
                    body="我公司向客户供货，对方拖欠货款约二十万元，已多次电话催要无果。请顾问律师指导下一步怎么办。",
                    status=RequestStatus.open if groups % 2 else RequestStatus.answered,
                    answer=""
                    if groups % 2
                    else "建议先整理合同、送货单和对账记录，发出律师函催告；仍不付款可申请支付令或起诉。",
                    answered_by_id=None if groups % 2 else counsel[0].id,
                    answered_dt=None if groups % 2 else utcnow(),
                    created_by_id=firm.users[0].id if firm.users else None,
                )
            )
        groups += 1
    mark_loaded("counsel")
    db.session.flush()
    return f"{groups} groups, {services} services"
