"""Demo data: a year and a half of legal check-ups of about 90 member firms, and some to come.

Idempotent: the check-ups it makes carry batch "demo"; when any exists, nothing is added.
"""

import random
from datetime import date, time, timedelta

from sqlalchemy import func, select

from portal.accounts.models import Enterprise, Role, User, Verification
from portal.checkups import operations as ops
from portal.checkups.models import Checkup, Status
from portal.core import clock
from portal.core.db import db

DEMO_BATCH = "demo"
SLOT_TIMES = [time(9, 0), time(10, 30), time(14, 0), time(15, 30)]

# Per risk area (DEFAULT_AREAS order): (level, facts, legal basis, recommendation).
FINDINGS = [
    [
        (
            "中",
            "公司章程多年未修订，未按新《公司法》调整股东出资期限及股东会职权条款。",
            "[[公司法 第四十九条]] 股东应当按期足额缴纳公司章程规定的各自所认缴的出资额。",
            "结合新《公司法》五年实缴要求，修订章程并调整出资期限，到登记机关办理备案。",
        ),
        (
            "高",
            "近三年未召开股东会，重大借款、对外担保仅由执行董事个人决定，无书面决议。",
            "[[公司法 第五十九条]] 规定股东会职权；[[公司法 第十五条]] 规定公司为他人提供担保须依章程由董事会或股东会决议。",
            "建立股东会、董事会议事规则，重大事项形成书面决议并存档；补做对外担保的追认决议。",
        ),
        (
            "低",
            "法定代表人、监事变更后未及时办理变更登记。",
            "[[市场主体登记管理条例 第二十四条]]",
            "30日内向登记机关申请变更登记，避免被列入经营异常名录。",
        ),
    ],
    [
        (
            "高",
            "主要采购、销售合同使用对方文本，未约定违约责任和争议解决方式，部分合同仅有口头约定。",
            "[[民法典 第四百九十条]]、[[民法典 第五百七十七条]]",
            "制定本企业合同范本，明确质量标准、付款节点、违约金及管辖法院；口头交易补签书面合同。",
        ),
        (
            "中",
            "合同签订无审批流程，业务员持空白合同章对外签约，印章管理台账缺失。",
            "[[民法典 第一百七十二条]] 表见代理的规定使企业须对业务员越权签约承担责任。",
            "建立合同审批与印章使用登记制度，收回空白合同章，离职人员及时书面通知客户。",
        ),
        (
            "中",
            "应收账款逾期较多，未定期对账，部分债权已接近三年诉讼时效。",
            "[[民法典 第一百八十八条]] 向人民法院请求保护民事权利的诉讼时效期间为三年。",
            "每季度与客户书面对账，对接近时效的债权发送催款函或提起诉讼以中断时效。",
        ),
    ],
    [
        (
            "高",
            "抽查12名员工，其中3人入职超过一个月仍未签订书面劳动合同。",
            "[[劳动合同法 第十条]]、[[劳动合同法 第八十二条]] 超过一个月不满一年未订立书面劳动合同的，应当向劳动者每月支付二倍的工资。",
            "立即补签劳动合同，建立入职当日签约制度，并评估二倍工资风险。",
        ),
        (
            "高",
            "部分一线员工未缴纳社会保险，以签订“自愿放弃社保声明”代替。",
            "[[社会保险法 第五十八条]] 用人单位应当自用工之日起三十日内为其职工申请办理社会保险登记。",
            "“放弃社保声明”无效，应为全部员工依法参保并补缴，避免工伤事故时由企业承担全部待遇。",
        ),
        (
            "中",
            "旺季安排员工每月加班超过36小时，加班费按固定补贴发放，未按法定标准计算。",
            "[[劳动法 第四十一条]]、[[劳动法 第四十四条]]",
            "控制加班时长，建立考勤与加班审批记录，按不低于工资150%/200%/300%支付加班费。",
        ),
        (
            "中",
            "解除劳动合同未履行通知工会程序，解除理由依据的规章制度未经民主程序公示。",
            "[[劳动合同法 第四条]]、[[劳动合同法 第四十三条]]",
            "规章制度经职工代表大会或全体职工讨论并公示签收；解除前书面通知工会。",
        ),
    ],
    [
        (
            "中",
            "企业主要产品品牌未注册商标，与他人近似商标存在冲突风险。",
            "[[商标法 第四条]]、[[商标法 第五十七条]]",
            "尽快在核心类别申请商标注册，并进行近似商标检索。",
        ),
        (
            "低",
            "官网及宣传册使用的图片、字体来源不明，未取得授权。",
            "[[著作权法 第五十二条]]",
            "清理无授权素材，改用正版图库或自有素材，保留授权凭证。",
        ),
        (
            "中",
            "与技术人员的劳动合同未约定职务发明及保密条款。",
            "[[专利法 第六条]]、[[劳动合同法 第二十三条]]",
            "补签保密与知识产权归属协议，对核心人员约定竞业限制并支付补偿。",
        ),
    ],
    [
        (
            "高",
            "存在从非实际供货方取得增值税专用发票的情况，票、货、款不一致。",
            "[[税收征收管理法 第二十一条]]",
            "立即停止此类交易，建立“三流一致”审核制度；已抵扣的发票评估补税风险。",
        ),
        (
            "中",
            "部分员工工资通过个人账户发放，未依法代扣代缴个人所得税。",
            "[[税收征收管理法 第六十九条]] 扣缴义务人应扣未扣税款的，处应扣未扣税款百分之五十以上三倍以下的罚款。",
            "通过公司账户统一发放工资并全员全额申报个税。",
        ),
        (
            "低",
            "纳税申报偶有逾期，已产生少量滞纳金。",
            "[[税收征收管理法 第二十五条]]、[[税收征收管理法 第三十二条]]",
            "设置申报日历提醒，由专人负责按期申报。",
        ),
    ],
    [
        (
            "高",
            "生产车间未建立安全生产责任制，特种作业人员（电工、叉车司机）部分无证上岗。",
            "[[安全生产法 第二十一条]]、[[安全生产法 第三十条]]",
            "建立全员安全生产责任制；特种作业人员须取得相应资格后方可上岗。",
        ),
        (
            "中",
            "员工安全生产教育培训无记录，未开展隐患排查。",
            "[[安全生产法 第二十八条]]、[[安全生产法 第四十一条]]",
            "制定年度培训计划并建立培训档案，每月开展隐患排查并留存整改记录。",
        ),
        (
            "低",
            "危险废物（废机油）与一般垃圾混放，无转移联单。",
            "[[安全生产法 第三十六条]]",
            "设置危废暂存间并委托有资质单位处置，保存转移联单。",
        ),
    ],
    [
        (
            "高",
            "为关联企业银行贷款提供连带责任保证，无股东会决议，未评估代偿风险。",
            "[[民法典 第六百八十八条]]、[[公司法 第十五条]]",
            "梳理全部对外担保，补做内部决议，评估代偿能力，避免新增无反担保的担保。",
        ),
        (
            "中",
            "向个人借款年利率约24%，借款合同约定不明。",
            "[[民法典 第六百八十条]] 禁止高利放贷，借款的利率不得违反国家有关规定。",
            "规范借款合同，利率控制在法定上限内，优先通过银行等正规渠道融资。",
        ),
        (
            "低",
            "对国有企业客户的应收款长期拖欠，未主张逾期付款利息。",
            "[[保障中小企业款项支付条例 第八条]]",
            "依据条例书面催告并主张逾期利息，必要时向主管部门投诉。",
        ),
    ],
    [
        (
            "中",
            "会员小程序收集客户手机号、身份证号，无隐私政策，未取得单独同意。",
            "[[个人信息保护法 第十三条]]、[[个人信息保护法 第十七条]]",
            "上线隐私政策并在收集前告知，身份证号等敏感信息取得单独同意或停止收集。",
        ),
        (
            "中",
            "客户资料存放于员工个人电脑和网盘，无访问权限控制，离职人员未收回。",
            "[[个人信息保护法 第五十一条]]、[[数据安全法 第二十七条]]",
            "建立数据分级与访问权限制度，集中存储并加密，离职时收回账号。",
        ),
    ],
    [
        (
            "高",
            "部分业务超出营业执照经营范围，相关经营许可证已过期未续。",
            "[[行政许可法 第八十一条]]",
            "立即停止无证经营，申请办理或延续许可证，并变更经营范围。",
        ),
        (
            "低",
            "建筑业企业资质证书即将到期，未安排延续申请。",
            "[[行政许可法 第五十条]] 被许可人需要延续依法取得的行政许可的有效期的，应当在有效期届满三十日前提出申请。",
            "提前30日以上提出延续申请并准备人员、业绩材料。",
        ),
    ],
    [
        (
            "高",
            "企业因一起买卖合同纠纷被法院列为被执行人，未主动履行，存在被纳入失信名单风险。",
            "[[民事诉讼法 第二百四十七条]]",
            "尽快与申请执行人协商和解或履行，已履行的及时申请屏蔽或删除失信信息。",
        ),
        (
            "中",
            "因未按时报送年度报告被列入经营异常名录，影响招投标。",
            "[[市场主体登记管理条例 第三十五条]]",
            "补报年度报告并申请移出经营异常名录，同步修复信用中国网站的公示信息。",
        ),
        (
            "低",
            "一年前的环保行政处罚决定仍在公示期，已整改但未申请信用修复。",
            "[[行政处罚法 第四十八条]]",
            "按照信用修复规定准备整改材料，向处罚机关申请提前结束公示。",
        ),
    ],
]

SUMMARIES = [
    "企业整体法律风险**可控**，劳动用工与合同管理是主要薄弱环节，建议三个月内完成整改并申请回访。",
    "企业治理结构较为简单，重大事项决策程序不规范；税务与担保风险较高，建议优先处理**高风险**事项。",
    "企业规章制度较健全，个别事项需完善。建议建立法律风险年度自查机制。",
    "企业处于快速扩张期，合同与知识产权保护亟需加强；律师团队将持续跟进整改情况。",
]


def _demo_exists() -> bool:
    return bool(
        db.session.scalar(
            select(func.count()).select_from(Checkup).where(Checkup.batch == DEMO_BATCH)
        )
    )


def _next_workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _conflicted(lawyer, firm) -> bool:
    return bool(lawyer.lawyer_profile and lawyer.lawyer_profile.has_conflict_with(firm.id))


def _book(rng, firm, lawyers, staff, day, minutes=120, must=None, **kwargs):
    """Schedule at the first free slot from `day`, trying other lawyer pairs when busy.

    Lawyers who declared a conflict with the firm are never booked for it (scheduling refuses
    them), whichever day the demo is loaded on."""
    free = [lawyer for lawyer in lawyers if not _conflicted(lawyer, firm)]
    if not free or (must is not None and _conflicted(must, firm)):
        return None
    for _attempt in range(40):
        day = _next_workday(day)
        at = rng.choice(SLOT_TIMES)
        start = ops.to_utc(day, at)
        pair = rng.sample(free, min(len(free), rng.choice([1, 2, 2, 2])))
        if must is not None and must not in pair:
            pair = [must, *pair[1:]]
        if not ops.conflicts(
            [u.id for u in pair], firm.id, start, start + timedelta(minutes=minutes)
        ):
            return ops.schedule(
                firm,
                pair,
                start,
                start + timedelta(minutes=minutes),
                staff,
                mode="online" if rng.random() < 0.15 else "onsite",
                meeting_url="https://meeting.tencent.com/dm/demo" + str(rng.randrange(10**6)),
                batch=DEMO_BATCH,
                notify_people=False,
                **kwargs,
            )
        day += timedelta(days=1)
    return None


def _at(event, moment):
    event.created_dt = moment
    event.checkup.status_dt = moment


def _examine(rng, checkup, firm_user, staff, finish: Status):
    """Walk a past check-up through the workflow up to `finish`, with findings."""
    lawyers = checkup.lawyers
    t = checkup.start_dt - timedelta(days=rng.randint(3, 10))
    _at(ops.transition(checkup, Status.confirmed, firm_user or staff, quiet=True), t)
    _at(ops.transition(checkup, Status.in_progress, lawyers[0], quiet=True), checkup.start_dt)
    if finish == Status.in_progress:
        return
    areas = checkup.areas
    wanted = rng.sample(range(len(areas)), rng.randint(2, 5))
    for index in wanted:
        bank = FINDINGS[index % len(FINDINGS)]
        for level, facts, basis, recommendation in rng.sample(bank, rng.choice([1, 1, 2])):
            ops.save_finding(
                checkup,
                rng.choice(lawyers),
                area_id=areas[index].id,
                level={"高": "high", "中": "medium", "低": "low"}[level],
                facts=facts,
                legal_basis=basis,
                recommendation=recommendation,
            )
    for index, area in enumerate(areas):
        if index not in wanted:
            ops.mark_clear(checkup, area.id, rng.choice(lawyers))
    ops.save_summary(checkup, rng.choice(SUMMARIES), lawyers[0])
    t = checkup.end_dt + timedelta(days=rng.randint(1, 4))
    _at(ops.transition(checkup, Status.report_draft, lawyers[0], quiet=True), t)
    if finish == Status.report_draft:
        return
    for lawyer in lawyers:
        assignment = next(a for a in checkup.assignments if a.lawyer_id == lawyer.id)
        if assignment.signed_dt is None:
            ops.sign_off(checkup, lawyer, quiet=True)
            assignment.signed_dt = t + timedelta(days=rng.randint(1, 3))
    checkup.events[-1].created_dt = t + timedelta(days=4)
    if finish == Status.signed_off:
        return
    _at(ops.transition(checkup, Status.delivered, staff, quiet=True), t + timedelta(days=6))
    if finish == Status.delivered:
        return
    _at(
        ops.transition(checkup, Status.acknowledged, firm_user or staff, quiet=True),
        t + timedelta(days=rng.randint(7, 15)),
    )


def _follow_ups(app, rng, staff) -> int:
    """Turn some high-risk findings into follow-ups where other packages offer targets."""
    from portal.checkups.models import Finding, Level

    targets = app.extensions.get("portal.escalation_targets", {})
    if not targets:
        return 0
    findings = db.session.scalars(
        select(Finding)
        .join(Checkup)
        .where(Finding.level == Level.high, Checkup.status == Status.acknowledged)
        .order_by(Finding.id)
    ).all()
    done = 0
    for finding in rng.sample(findings, min(40, len(findings))):
        codes = [c for c, t in targets.items() if t["available"](staff, finding)]
        if not codes:
            continue
        try:
            with db.session.begin_nested():
                ops.escalate_finding(app, finding, rng.choice(codes), staff)
        except Exception:  # noqa: BLE001  (another package's target refused: demo goes on)
            continue
        done += 1
    return done


def load(app) -> str:
    if _demo_exists():
        return "already loaded"
    rng = random.Random(8)
    staff = db.session.scalar(select(User).where(User.email == "staff@demo.example"))
    firms = db.session.scalars(
        select(Enterprise)
        .where(Enterprise.verification == Verification.verified)
        .order_by(Enterprise.id)
    ).all()
    lawyers = db.session.scalars(
        select(User)
        .where(User.role == Role.lawyer, User.verification == Verification.verified)
        .order_by(User.id)
    ).all()
    if staff is None or not firms or len(lawyers) < 2:
        return "skipped: load the core demo data first"
    firm_user = {
        u.enterprise_id: u
        for u in db.session.scalars(
            select(User).where(User.role == Role.enterprise, User.enterprise_id.isnot(None))
        )
        if u.is_verified
    }
    today = clock.today()
    examined = firms[:90]
    held = 0
    with app.test_request_context("/", method="POST"):
        ops.current_checklist()
        for n, firm in enumerate(examined):
            visits = 3 if n % 3 else 4
            # The first visit 6 to 18 months ago, follow-ups every few months since.
            day = today - timedelta(days=rng.randint(300, 600))
            previous = None
            for _visit in range(visits):
                if day >= today - timedelta(days=12):
                    break
                checkup = _book(rng, firm, lawyers, staff, day, follow_up_of=previous)
                if checkup is None:
                    continue
                age = (today - ops.to_local(checkup.start_dt).date()).days
                finish = Status.acknowledged if rng.random() < 0.85 else Status.delivered
                if age < 25:
                    finish = rng.choice([Status.report_draft, Status.signed_off, Status.delivered])
                if age < 16:
                    finish = rng.choice([Status.in_progress, Status.report_draft])
                _examine(rng, checkup, firm_user.get(firm.id), staff, finish)
                checkup.created_dt = checkup.start_dt - timedelta(days=rng.randint(10, 20))
                checkup.events[0].created_dt = checkup.created_dt
                held += 1
                previous = checkup
                day += timedelta(days=rng.randint(80, 170))
        # Some examined in the last days: reports the lawyers (lawyer1 among them) still write.
        for n, firm in enumerate(firms[20:32]):
            day = today - timedelta(days=rng.randint(2, 10))
            if day >= today:
                continue
            checkup = _book(rng, firm, lawyers, staff, day, must=lawyers[0] if n % 2 else None)
            if checkup is None or ops.to_local(checkup.start_dt).date() >= today:
                continue
            _examine(
                rng,
                checkup,
                firm_user.get(firm.id),
                staff,
                rng.choice([Status.in_progress, Status.report_draft]),
            )
            held += 1
        upcoming = 0
        for firm in firms[:20]:
            checkup = _book(
                rng,
                firm,
                lawyers,
                staff,
                today + timedelta(days=rng.randint(1, 21)),
                must=lawyers[0] if rng.random() < 0.3 else None,
            )
            if checkup is None:
                continue
            upcoming += 1
            user = firm_user.get(firm.id)
            roll = rng.random()
            if user and roll < 0.5:
                ops.transition(checkup, Status.confirmed, user, quiet=True)
            elif user and roll < 0.6:
                ops.transition(
                    checkup,
                    Status.reschedule_requested,
                    user,
                    note="当天公司有重要客户来访，申请改到下周。",
                    quiet=True,
                )
            elif roll > 0.95:
                ops.transition(
                    checkup, Status.cancelled, staff, note="企业已迁出本市。", quiet=True
                )
        followed = _follow_ups(app, rng, staff)
        db.session.flush()
    firms_examined = len({c.enterprise_id for c in db.session.scalars(select(Checkup))})
    return (
        f"{held} past check-ups of {firms_examined} firms, {upcoming} upcoming, "
        f"{followed} findings followed up"
    )
