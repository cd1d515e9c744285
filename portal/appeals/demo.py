"""A year of the second city's appeal work: 193 items, 171 closed (88%); 79 resolved directly,
61 forwarded (51 done), 53 escalated (41 done); 4 forums, 3 on-site office meetings, 12
departments with a handler each. The reports compute their figures from these rows."""

import random
from datetime import datetime, timedelta

from sqlalchemy import select

from portal.accounts.models import Enterprise, Role, User, Verification
from portal.appeals.deadlines import due_date
from portal.appeals.forms import BUREAU, DEFAULT_DEPARTMENTS
from portal.appeals.models import (
    AppealCategory,
    AppealEvaluation,
    AppealEvent,
    AppealMeeting,
    AppealOrganisation,
    AppealOrganisationMember,
    AppealReferral,
    AppealStatus,
    Channel,
    EvaluationMethod,
    MeetingKind,
    OrganisationKind,
    PlanMilestone,
    Route,
    SolutionPlan,
)
from portal.core import clock
from portal.core.db import db
from portal.demo import already_loaded, mark_loaded

MARKER_EMAIL = "leader@demo.example"  # the leadership viewer's account
SHAPE = {Route.direct: (79, 79), Route.forwarded: (61, 51), Route.escalated: (53, 41)}
COLLECTED = sum(total for total, _closed in SHAPE.values())  # 193 items
SUMMARIES = {
    AppealCategory.enforcement: "胜诉判决生效一年，被执行人转移财产，货款{n}万元执行不到位",
    AppealCategory.malicious_litigation: "竞争对手以同一事实反复起诉，企业账户多次被保全",
    AppealCategory.credit_repair: "行政处罚已履行完毕，申请修复信用公示信息",
    AppealCategory.contract_dispute: "国有企业拖欠工程款{n}万元，协商无果",
    AppealCategory.labour: "劳动仲裁裁决后员工拒不返还预支款项",
    AppealCategory.arrears: "政府投资项目拖欠企业账款{n}万元",
    AppealCategory.permits: "食品经营许可证延续审批超期",
    AppealCategory.financing: "小微企业续贷被抽贷，资金链紧张",
    AppealCategory.land: "工业用地手续不全，厂房无法办理不动产登记",
    AppealCategory.policy: "稳岗补贴审核通过但未拨付",
    AppealCategory.tax: "留抵退税申请久未办结",
    AppealCategory.construction: "竣工验收后建设单位拒不结算",
    AppealCategory.ip: "商标被恶意抢注，维权成本高",
    AppealCategory.administrative: "消防验收手续办理困难",
}
CHANNELS = [c for c in Channel if c not in (Channel.forum, Channel.onsite_meeting)]
RESULTS = [
    "承办单位约谈相关方，款项已分期支付到位。",
    "经协调，相关手续已办结。",
    "法院已加大执行力度，执行款到账。",
    "已完成信用修复，公示信息撤下。",
    "部门出具书面答复，企业认可处理意见。",
]


def _organisations(password_hash):
    bureau = db.session.scalar(
        select(AppealOrganisation).where(AppealOrganisation.name == BUREAU[0])
    )
    if bureau is None:
        bureau = AppealOrganisation(name=BUREAU[0], name_en=BUREAU[1], kind=OrganisationKind.bureau)
        db.session.add(bureau)
    departments = []
    for position, (name, name_en) in enumerate(DEFAULT_DEPARTMENTS, start=1):
        org = db.session.scalar(select(AppealOrganisation).where(AppealOrganisation.name == name))
        if org is None:
            org = AppealOrganisation(name=name, name_en=name_en, position=position)
            db.session.add(org)
        departments.append(org)
    people = [(bureau, "bureau@demo.example", "营商局 周宁", Role.bureau_coordinator)] + [
        (org, f"dept{n}@demo.example", f"{org.name}经办人", Role.department_handler)
        for n, org in enumerate(departments, start=1)
    ]
    handlers = {}
    for org, email, name, role in people:
        user = User(email=email, name=name, role=role, password_hash=password_hash,
                    verification=Verification.verified)  # fmt: skip
        db.session.add(user)
        db.session.add(AppealOrganisationMember(organisation=org, user=user))
        handlers[org.name] = user
    leader = User(email=MARKER_EMAIL, name="市政府 刘副市长", role=Role.leadership,
                  password_hash=password_hash, verification=Verification.verified)  # fmt: skip
    db.session.add(leader)
    db.session.flush()
    return bureau, departments, handlers


def _meetings(rng, start, departments, staff):
    meetings = []
    plan = [(MeetingKind.face_to_face, q * 90 + 20, f"第{q + 1}季度市领导与企业家面对面交流座谈会")
            for q in range(4)]  # fmt: skip
    plan += [
        (MeetingKind.onsite, 60 + 110 * k, f"涉法诉求现场办公会（第{k + 1}次）") for k in range(3)
    ]
    previous = {}
    for kind, offset, title in sorted(plan, key=lambda p: p[1]):
        meeting = AppealMeeting(
            kind=kind,
            title=title,
            held_on=(start + timedelta(days=offset)).date(),
            place="市工商联三楼会议室" if kind == MeetingKind.onsite else "市民中心第一会议室",
            hosts="市工商联主席；市营商局局长",
            firms_attending="；".join(f"企业代表{n}" for n in range(1, rng.randrange(6, 12))),
            minutes="会议听取企业诉求，逐件明确责任单位和办理时限。",
            departments=rng.sample(departments, 4),
            previous=previous.get(kind),
            created_by_id=staff.id,
        )
        db.session.add(meeting)
        previous[kind] = meeting
        meetings.append(meeting)
    return meetings


def load(app) -> str:
    # Its own marker: other loaders (check-up escalations) may already have made items.
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
    bureau, departments, handlers = _organisations(staff[0].password_hash)
    moment = clock.now_utc()
    year_start = moment - timedelta(days=365)
    meetings = _meetings(rng, year_start, departments, staff[0])
    # Which items are still open: the newer ones of the forwarded and escalated routes.
    plan = []
    for route, (total, closed) in SHAPE.items():
        plan += [(route, True)] * closed + [(route, False)] * (total - closed)
    rng.shuffle(plan)
    days = sorted((rng.uniform(5, 360) for _ in plan), reverse=True)  # oldest first
    open_count = sum(1 for _, closed in plan if not closed)
    open_slots = set(rng.sample(range(len(days) - 60, len(days)), open_count))
    closed_iter = iter([r for r in plan if r[1]])
    open_iter = iter([r for r in plan if not r[1]])
    categories = list(SUMMARIES)
    unsatisfied_left = 6
    for index, days_ago in enumerate(days):
        route, closed = next(open_iter) if index in open_slots else next(closed_iter)
        created = moment - timedelta(days=days_ago)
        meeting = None
        candidates = [m for m in meetings if 0 <= (created.date() - m.held_on).days < 10]
        if candidates and rng.random() < 0.6:
            meeting = candidates[0]
            channel = (
                Channel.onsite_meeting if meeting.kind == MeetingKind.onsite else Channel.forum
            )
            created = datetime.combine(meeting.held_on, created.time())
        else:
            channel = CHANNELS[index % len(CHANNELS)]
        category = categories[index % len(categories)]
        tier = {Route.direct: 1, Route.forwarded: rng.choice([1, 1, 2]),
                Route.escalated: rng.choice([2, 3])}[route]  # fmt: skip
        org = None if route == Route.direct else rng.choice(departments)
        firm = rng.choice(firms)
        by = rng.choice(staff)
        item = AppealReferral(
            enterprise=firm,
            summary=SUMMARIES[category].format(n=rng.choice([12, 36, 58, 85, 120, 260])),
            details="企业反映：" + SUMMARIES[category].format(n=rng.choice([20, 60])) + "。",
            channel=channel,
            source_kind="question" if channel == Channel.portal_record else "",
            collected_on=clock.local_date(created),
            collected_by=by.name if channel != Channel.chamber else "市餐饮商会",
            category=category,
            tier=tier,
            tier_reason={
                1: "职责明确，可直接办理",
                2: "涉及多部门、多家企业，需统筹研究",
                3: "久拖不决，需市领导督办",
            }[tier],  # fmt: skip
            route=route,
            organisation=org,
            meeting=meeting,
            created_by_id=by.id,
            created_dt=created,
        )
        db.session.add(item)
        steps = [AppealStatus.referred, AppealStatus.triaged]
        if route == Route.direct:
            steps += [AppealStatus.handled, AppealStatus.revisited]
        else:
            steps += [AppealStatus.distributed, AppealStatus.accepted, AppealStatus.handled,
                      AppealStatus.reported_back, AppealStatus.revisited]  # fmt: skip
        if closed:
            steps += [AppealStatus.satisfied, AppealStatus.closed]
        else:
            steps = steps[: rng.randrange(3, len(steps))]
        when = created
        previous = None
        reopened = closed and route != Route.direct and unsatisfied_left > 0 and rng.random() < 0.1
        for step in steps:
            if previous is not None:
                when = min(when + timedelta(days=rng.uniform(1, 8)), moment - timedelta(hours=1))
            note = ""
            actor = by
            if step == AppealStatus.distributed:
                note, actor = org.name, handlers[bureau.name]
            elif step in (AppealStatus.accepted, AppealStatus.handled) and org is not None:
                actor = handlers[org.name]
            if step == AppealStatus.handled:
                item.result = note = rng.choice(RESULTS)
                item.done_dt = when
            if step == AppealStatus.satisfied:
                if reopened:  # an earlier round the firm was not satisfied with
                    unsatisfied_left -= 1
                    db.session.add(AppealEvaluation(
                        referral=item, method=EvaluationMethod.talk, timeliness=2, result=2,
                        attitude=3, satisfied=False, comment="问题未彻底解决", by_id=by.id,
                        created_dt=when))  # fmt: skip
                    for again in (AppealStatus.reopened, AppealStatus.distributed,
                                  AppealStatus.accepted, AppealStatus.handled,
                                  AppealStatus.reported_back, AppealStatus.revisited):  # fmt: skip
                        db.session.add(AppealEvent(referral=item, kind="status",
                                                   from_status=previous.value,
                                                   to_status=again.value,
                                                   note="问题未彻底解决" if again ==
                                                   AppealStatus.reopened else "",
                                                   by_id=by.id, created_dt=when))  # fmt: skip
                        previous = again
                        when = min(when + timedelta(days=2), moment - timedelta(hours=1))
                method = rng.choice(list(EvaluationMethod))
                db.session.add(AppealEvaluation(
                    referral=item, method=method, timeliness=rng.choice([4, 5, 5]),
                    result=rng.choice([4, 5]), attitude=5, satisfied=True,
                    by_id=(firm.users[0].id if method == EvaluationMethod.portal and firm.users
                           else by.id), created_dt=when))  # fmt: skip
            db.session.add(AppealEvent(
                referral=item, kind="status", from_status=previous.value if previous else None,
                to_status=step.value, note=note, by_id=actor.id, created_dt=when))  # fmt: skip
            previous = step
        item.status = steps[-1]
        item.status_changed_dt = when
        item.status_changed_by_id = by.id
        if closed:
            item.closed_dt = when
        else:
            item.stage_due_date = due_date(tier, item.status.value, when)
            if item.status not in (AppealStatus.distributed, AppealStatus.accepted,
                                   AppealStatus.handled, AppealStatus.reported_back):  # fmt: skip
                item.organisation = org if item.status != AppealStatus.triaged else None
        if route == Route.escalated and rng.random() < 0.3:
            item.escalation_level = 1
            item.escalated_dt = created + timedelta(days=20)
            item.escalation_reason = "超期未办结，已上报市委市政府督办"
        if tier == 2:
            plan_deadline = (created + timedelta(days=90)).date()
            solution = SolutionPlan(
                referral=item, principles="依法依规、分类施策、限时办结", lead=org or departments[0],
                direction="由牵头部门会同配合单位逐项梳理，制定分步解决路径",
                deadline=plan_deadline, team="刘晓梅，市工商联，专班组长\n周宁，市营商局，联络员",
                created_by_id=by.id, created_dt=created + timedelta(days=3),
            )  # fmt: skip
            solution.cooperating = rng.sample([d for d in departments if d is not org], 2)
            db.session.add(solution)
            for k, title in enumerate(("摸清底数", "提出办理意见", "落实到位")):
                due = (created + timedelta(days=30 * (k + 1))).date()
                db.session.add(PlanMilestone(
                    plan=solution, title=title, due_date=due,
                    done_dt=datetime.combine(due, datetime.min.time()) if closed or k == 0
                    else None))  # fmt: skip
    mark_loaded("appeals")
    db.session.flush()
    return (
        f"{len(plan)} appeal items ({sum(c for _, c in SHAPE.values())} closed), "
        f"{len(meetings)} meetings, {len(departments)} departments"
    )
