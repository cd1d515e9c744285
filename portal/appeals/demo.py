"""Demo referrals matching the federation's reported figures: 161 collected, 103 resolved,
45 of the resolved law-related (涉法诉求)."""

import random
from datetime import timedelta

from sqlalchemy import select

from portal.accounts.models import Enterprise, Role, User, Verification
from portal.appeals.forms import DEFAULT_DEPARTMENTS
from portal.appeals.models import (
    LAW_RELATED,
    AppealCategory,
    AppealEvent,
    AppealReferral,
    AppealStatus,
)
from portal.core.db import db, utcnow
from portal.core.workdays import due_date_local
from portal.demo import already_loaded, mark_loaded

COLLECTED, RESOLVED, LAW_RELATED_RESOLVED = 161, 103, 45
REGISTER_URL = "https://yshj.shenyang.example.gov.cn/suqiu/"

SUMMARIES = {
    AppealCategory.enforcement: [
        "胜诉判决已生效一年，被执行人转移财产，货款{amount}万元迟迟执行不到位",
        "申请强制执行后被执行人下落不明，请求加大执行力度",
    ],
    AppealCategory.malicious_litigation: [
        "竞争对手以同一事实反复起诉，企业账户被多次保全，影响正常经营",
        "前员工恶意缠诉，已三次败诉仍持续起诉",
    ],
    AppealCategory.credit_repair: [
        "行政处罚已履行完毕，申请修复信用中国公示信息",
        "因地址变更未及时登记被列入经营异常名录，申请移出",
        "失信记录已履行义务仍未删除，影响投标",
    ],
    AppealCategory.contract_dispute: [
        "国有企业拖欠工程款{amount}万元，协商无果",
        "采购方拒绝验收并拒付货款，请求协调",
    ],
    AppealCategory.labour: [
        "劳动仲裁裁决后员工拒不返还预支款项",
        "集体劳动争议需要人社部门协调处理",
    ],
    AppealCategory.arrears: [
        "政府投资项目拖欠企业账款{amount}万元",
        "街道办采购服务费用逾期一年未付",
    ],
    AppealCategory.permits: [
        "食品经营许可证延续审批超期",
        "厂房消防验收手续办理困难",
    ],
    AppealCategory.financing: [
        "小微企业贷款续贷被银行抽贷，资金链紧张",
        "申请政府应急转贷资金未获回复",
    ],
    AppealCategory.policy: [
        "稳岗补贴申请已审核通过但未拨付",
        "高新技术企业奖励资金迟迟未兑现",
    ],
    AppealCategory.other: ["企业门前道路施工长期封闭，影响经营"],
}
PATH = [
    AppealStatus.referred,
    AppealStatus.distributed,
    AppealStatus.handled,
    AppealStatus.reported_back,
    AppealStatus.revisited,
    AppealStatus.closed,
]


def _categories(rng):
    law = [c for c in AppealCategory if c in LAW_RELATED]
    other = [c for c in AppealCategory if c not in LAW_RELATED]
    closed = [rng.choice(law) for _ in range(LAW_RELATED_RESOLVED)]
    closed += [rng.choice(other) for _ in range(RESOLVED - LAW_RELATED_RESOLVED)]
    rng.shuffle(closed)
    still_open = [rng.choice(list(AppealCategory)) for _ in range(COLLECTED - RESOLVED)]
    return closed, still_open


def load(app) -> str:
    # Its own marker: check-up escalations may already have made referrals of their own.
    if already_loaded("appeals"):
        return "already loaded"
    rng = random.Random(193)
    firms = db.session.scalars(
        select(Enterprise)
        .where(Enterprise.verification == Verification.verified)
        .order_by(Enterprise.id)
    ).all()
    staff = db.session.scalars(select(User).where(User.role == Role.staff).order_by(User.id)).all()
    if not firms or not staff:
        return "no demo firms or staff"
    now = utcnow()
    closed_categories, open_categories = _categories(rng)
    plan = [(c, True) for c in closed_categories] + [(c, False) for c in open_categories]
    # Older appeals first so numbers grow with time, closed ones mostly older.
    plan.sort(key=lambda item: (not item[1], rng.random()))
    for number, (category, closed) in enumerate(plan, start=1):
        days_ago = rng.randrange(60, 360) if closed else rng.randrange(2, 120)
        created = now - timedelta(days=days_ago, hours=rng.randrange(0, 9))
        direct = rng.random() < 0.45  # handled by the federation itself, not distributed
        path = [s for s in PATH if not (direct and s == AppealStatus.distributed)]
        stop = len(path) if closed else rng.randrange(1, len(path) - 1)
        steps = path[:stop]
        firm = rng.choice(firms)
        by = rng.choice(staff)
        amount = rng.choice([12, 36, 58, 85, 120, 260])
        referral = AppealReferral(
            enterprise=firm,
            summary=rng.choice(SUMMARIES[category]).format(amount=amount),
            details="企业反映："
            + rng.choice(SUMMARIES[category]).format(amount=amount)
            + "。已提供相关合同、判决书等材料。",
            category=category,
            register_ref=f"SYSQ-{created.year}-{number:04d}",
            register_url=f"{REGISTER_URL}{created.year}{number:04d}",
            department="" if direct else rng.choice(DEFAULT_DEPARTMENTS),
            created_by_id=by.id,
            created_dt=created,
            status=steps[-1],
        )
        db.session.add(referral)
        moment = created
        previous = None
        for step in steps:
            if previous is not None:
                moment = moment + timedelta(days=rng.randrange(2, 15), hours=rng.randrange(1, 6))
                if moment > now:
                    moment = now - timedelta(hours=1)
            note = ""
            if step == AppealStatus.distributed:
                note = referral.department
            elif step == AppealStatus.handled:
                note = "承办单位已约谈相关方，提出处理意见。"
            elif step == AppealStatus.closed:
                note = "企业表示满意，同意销号。"
            actor = firm.users[0] if step == AppealStatus.closed and firm.users else by
            db.session.add(
                AppealEvent(
                    referral=referral,
                    kind="status",
                    from_status=previous.value if previous else None,
                    to_status=step.value,
                    note=note,
                    by_id=actor.id,
                    created_dt=moment,
                )
            )
            previous = step
        referral.status_changed_dt = moment
        referral.status_changed_by_id = by.id
        if closed:
            referral.closed_dt = moment
            if rng.random() < 0.25:  # went past a stage deadline on the way and was escalated
                referral.escalation_level = 1
                referral.escalated_dt = created + timedelta(days=15)
                db.session.add(
                    AppealEvent(
                        referral=referral,
                        kind="escalation",
                        from_status=AppealStatus.handled.value,
                        to_status=AppealStatus.handled.value,
                        note="超期未反馈，已提请营商局督办",
                        by_id=by.id,
                        created_dt=min(created + timedelta(days=15), moment),
                    )
                )
        else:
            # Some open appeals are left past their stage deadline, to be escalated.
            referral.stage_due_date = due_date_local(moment, 10)
    mark_loaded("appeals")
    db.session.flush()
    return f"{COLLECTED} referrals ({RESOLVED} closed, {LAW_RELATED_RESOLVED} of them law-related)"
