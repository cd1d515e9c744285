"""Demo data: the 16 lectures of the online law month (线上直播普法月), idempotent."""

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from courses import operations
from courses.forms import local_to_utc
from courses.models import (
    Attendance,
    AttendanceSource,
    Lecture,
    LectureSeries,
    LectureStatus,
    Registration,
    ReplayView,
)
from courses.transcripts import format_timestamp, parse
from portal.accounts.models import Enterprise, User
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory

SERIES_TITLE = "线上直播普法月"
SERIES_DESCRIPTION = (
    "市工商联联合律师志愿团开展的“线上直播普法月”活动：一个月内 16 场线上直播讲座，"
    "围绕民营企业最常见的合同、用工、工程款、知识产权、融资与合规问题，由志愿律师结合案例讲解，"
    "直播结束后可随时观看回放、查阅讲义和文字实录。"
)
OPENING = "各位企业家朋友，晚上好，欢迎收看线上直播普法月。"
CLOSING = [
    "今天的内容就讲到这里，讲义和相关法条链接已经放在页面下方。",
    "遇到具体问题，欢迎通过“企问律答”向志愿律师提问，谢谢大家。",
]

# (title, category, industry, speaker: lawyer number or guest name, summary, notes, transcript)
LECTURES = [
    (
        "民法典合同编实务：签约、履约与违约救济",
        "contract",
        "F",
        1,
        "从合同订立、履行到违约责任，梳理中小企业日常交易中最容易出问题的环节。",
        "## 要点\n\n1. 合同应当全面履行，注意[[民法典 第五百零九条]]规定的诚信原则。\n"
        "2. 对方违约时，可以主张继续履行、补救措施或赔偿损失，见[[民法典 第五百七十七条]]。\n"
        "3. 违约金约定过高或过低可以请求调整，见[[民法典 第五百八十五条]]。\n\n"
        "## 实务建议\n\n- 使用经过审查的合同范本；\n- 保留送货单、对账单等履约证据。",
        [
            "今天我们讲合同编里企业最常用的几个规则。",
            "第一个问题是合同什么时候成立，口头约定算不算数。",
            "法律并不要求所有合同都采用书面形式，但书面合同更便于举证。",
            "第二个问题是履行，当事人应当按照约定全面履行自己的义务。",
            "很多纠纷是因为交货时间、质量标准约定不清楚引起的。",
            "第三个问题是违约责任，对方不履行时可以要求继续履行或者赔偿损失。",
            "违约金约定要合理，过分高于实际损失的，法院可以适当减少。",
            "建议大家在合同里写明验收标准和异议期限。",
            "对账单和催款函一定要让对方签字盖章，这是最重要的证据。",
            "诉讼时效一般是三年，从知道权利受到损害之日起计算。",
        ],
    ),
    (
        "劳动合同解除的风险防范",
        "employment",
        "C",
        2,
        "用人单位单方解除劳动合同的法定情形、程序要求以及违法解除的法律后果。",
        "## 要点\n\n- 过失性解除的情形见[[劳动合同法 第三十九条]]；\n"
        "- 无过失性解除需提前三十日通知或支付代通知金，见[[劳动合同法 第四十条]]；\n"
        "- 经济补偿的情形见[[劳动合同法 第四十六条]]；\n"
        "- 违法解除须支付二倍经济补偿标准的赔偿金，见[[劳动合同法 第八十七条]]。",
        [
            "解除劳动合同是劳动争议里最集中的一类。",
            "企业首先要分清是过失性解除还是无过失性解除。",
            "员工严重违反规章制度的，企业可以解除，但规章制度必须经过民主程序并公示。",
            "试用期不符合录用条件解除的，录用条件要事先书面明确。",
            "不能胜任工作的，要先培训或者调岗，仍不能胜任才能解除。",
            "无过失性解除要提前三十日书面通知，或者额外支付一个月工资。",
            "解除前要通知工会，这一步很多企业忽略了。",
            "违法解除的后果是支付经济补偿标准二倍的赔偿金。",
            "解除通知书要写明事实和依据，并有效送达本人。",
            "建议企业建立员工奖惩记录，做到有据可查。",
            "劳动争议申请仲裁的时效是一年，企业也要注意保存证据。",
        ],
    ),
    (
        "建设工程款催收与优先受偿权",
        "construction",
        "E",
        3,
        "施工企业如何催收工程款、行使建设工程价款优先受偿权，以及保障中小企业款项支付的新规。",
        "## 要点\n\n- 发包人逾期不付款，承包人可以就工程折价或拍卖价款优先受偿，见[[民法典 第八百零七条]]；\n"
        "- 机关、事业单位不得无预算采购，见[[保障中小企业款项支付条例 第八条]]。\n\n"
        "催款要留痕，结算要签字，诉讼时效见[[民法典 第一百八十八条]]。",
        [
            "工程款拖欠是建筑业企业最头疼的问题。",
            "第一步是做好结算，结算文件要有发包人的签字盖章。",
            "第二步是书面催告，给对方一个合理的付款期限。",
            "发包人逾期仍不支付的，承包人可以申请将工程折价或者拍卖。",
            "承包人对折价或者拍卖的价款享有优先受偿权。",
            "优先受偿权有行使期限，一般不超过十八个月，要抓紧主张。",
            "分包企业要注意合同相对性，一般只能向总包方主张。",
            "对于政府投资项目，保障中小企业款项支付条例有专门规定。",
            "起诉前可以申请财产保全，防止对方转移财产。",
            "也可以先到商会调解委员会调解，成本低、速度快。",
            "调解协议可以在三十日内申请司法确认。",
        ],
    ),
    (
        "商标与字号保护",
        "ip",
        "C",
        4,
        "企业商标注册、使用和维权的基本规则，以及商标与企业字号冲突的处理。",
        "## 要点\n\n- 侵犯注册商标专用权的行为见[[商标法 第五十七条]]；\n"
        "- 将他人注册商标作为字号使用、误导公众的，构成不正当竞争，见[[商标法 第五十八条]]。",
        [
            "品牌是民营企业最重要的无形资产之一。",
            "很多企业先有字号再注册商标，结果发现商标已被别人抢注。",
            "建议在企业起名和产品上市之前就做商标检索。",
            "商标要在核定的商品类别上使用，跨类别保护有限。",
            "未经许可在同一种商品上使用相同商标，就属于侵权。",
            "把他人注册商标作为企业字号使用，误导公众的，构成不正当竞争。",
            "发现侵权后，第一时间公证保全证据。",
            "可以向市场监管部门投诉，也可以向法院起诉。",
            "商标三年不使用可能被撤销，要注意保留使用证据。",
            "电商平台上的侵权链接，可以通过平台投诉渠道处理。",
        ],
    ),
    (
        "新公司法下的股东出资责任",
        "corporate",
        "L",
        5,
        "2024年施行的新公司法关于认缴出资期限、股东失权和加速到期的规定。",
        "## 要点\n\n- 有限责任公司认缴出资须在五年内缴足，见[[公司法 第四十七条]]；\n"
        "- 公司不能清偿到期债务的，出资可以加速到期，见[[公司法 第五十四条]]。",
        [
            "新公司法对注册资本认缴制度作了重大调整。",
            "有限责任公司全体股东认缴的出资额，应当自成立之日起五年内缴足。",
            "存量公司有过渡期安排，要及时调整出资期限。",
            "公司不能清偿到期债务时，债权人可以要求股东提前缴纳出资。",
            "股东未按期出资，经催缴后仍不缴纳的，可能丧失相应股权。",
            "注册资本不是越大越好，要和企业实际经营相匹配。",
            "股权转让时，要查清出让方是否已经实缴。",
            "建议企业梳理章程，把出资期限和方式写清楚。",
            "减资要依法通知债权人，否则股东可能承担责任。",
            "有疑问的企业可以预约法治体检，律师会逐项检查。",
        ],
    ),
    (
        "企业融资与民间借贷风险",
        "finance",
        "F",
        6,
        "民营企业融资中的借贷合同、担保和利率上限问题。",
        "## 要点\n\n- 借贷纠纷同样适用三年诉讼时效，见[[民法典 第一百八十八条]]；\n"
        "- 违约责任见[[民法典 第五百七十七条]]。",
        [
            "融资难是很多小微企业的现实问题。",
            "向个人借款要签书面借款合同，写明借款用途、利率和还款期限。",
            "民间借贷利率有司法保护上限，超过部分不受保护。",
            "企业之间的临时资金拆借，要避免以放贷为业。",
            "提供担保要经过股东会或者董事会决议。",
            "法定代表人个人为公司借款担保，要慎重评估。",
            "转账凭证要注明借款，避免日后说不清是货款还是借款。",
            "还款逾期时要及时催收，中断诉讼时效。",
            "不要参与非法集资，警惕高息诱惑。",
            "银行的普惠金融政策值得企业主动了解。",
        ],
    ),
    (
        "税款滞纳金与纳税信用修复",
        "tax",
        "C",
        7,
        "税款逾期的法律后果、滞纳金的计算与纳税信用修复的路径。",
        "## 要点\n\n- 逾期缴纳税款按日加收万分之五的滞纳金，见[[税收征收管理法 第三十二条]]。",
        [
            "今天讲一个很实际的问题：税款晚交了会怎样。",
            "纳税人未按期缴纳税款的，从滞纳之日起按日加收万分之五的滞纳金。",
            "滞纳金不会因为企业困难而自动减免。",
            "确有困难的，可以依法申请延期缴纳税款。",
            "纳税信用等级会影响企业发票领用和融资。",
            "被评为较低等级的，符合条件可以申请纳税信用修复。",
            "修复前要先补缴税款、滞纳金和罚款。",
            "建议企业安排专人关注申报期限，开启电子税务局提醒。",
            "对税务处理决定不服的，可以依法申请行政复议。",
            "首次轻微违法及时改正的，可能不予行政处罚。",
        ],
    ),
    (
        "行政处罚中的企业权利",
        "administrative",
        "H",
        8,
        "企业面对行政检查和处罚时的陈述申辩权、听证权与首违不罚规则。",
        "## 要点\n\n- 违法行为轻微并及时改正的，不予行政处罚；初次违法可以不罚，见[[行政处罚法 第三十三条]]。",
        [
            "餐饮、零售企业经常会遇到市场监管、消防等部门的检查。",
            "检查人员应当出示执法证件，企业可以核对。",
            "作出处罚决定前，行政机关应当告知事实、理由和依据。",
            "企业有陈述和申辩的权利，要在期限内书面提出。",
            "较大数额罚款的，企业可以要求听证。",
            "违法行为轻微并及时改正，没有造成危害后果的，不予处罚。",
            "初次违法且危害后果轻微并及时改正的，可以不予处罚。",
            "对处罚不服，可以申请行政复议或者提起行政诉讼。",
            "处罚信息公示后，符合条件的可以申请信用修复。",
            "企业平时要做好自查，证照和台账要齐全。",
        ],
    ),
    (
        "胜诉判决执行难怎么办",
        "enforcement",
        "L",
        "市中级人民法院执行局 周法官",
        "拿到胜诉判决后如何申请强制执行，查找被执行人财产的途径与失信惩戒措施。",
        "## 要点\n\n- 生效判决当事人必须履行，拒不履行的可以申请执行，见[[民事诉讼法 第二百四十七条]]。",
        [
            "很多企业打赢了官司，却拿不到钱，这就是常说的执行难。",
            "判决生效后对方不履行的，可以向法院申请强制执行。",
            "申请执行的期间是二年，要在期限内提出。",
            "法院可以通过网络查控系统查询被执行人的存款、房产和车辆。",
            "申请人也可以提供财产线索，线索越具体越好。",
            "被执行人有履行能力而拒不履行的，可以被纳入失信名单。",
            "失信被执行人会受到高消费限制。",
            "执行和解要写成书面协议，约定不履行的后果。",
            "对执行中的问题，可以通过工商联涉法诉求渠道反映。",
            "诉讼前做好财产保全，是避免执行难最有效的办法。",
        ],
    ),
    (
        "企业信用修复实务",
        "credit_repair",
        "F",
        9,
        "经营异常名录、行政处罚公示、失信被执行人等信用记录的修复条件和流程。",
        "## 要点\n\n- 首违不罚规则见[[行政处罚法 第三十三条]]；\n- 执行中的和解与履行见[[民事诉讼法 第二百四十七条]]。",
        [
            "信用记录会直接影响招投标、贷款和评优。",
            "常见的不良记录有经营异常、行政处罚和失信被执行人三类。",
            "因未按时年报被列入经营异常的，补报后可以申请移出。",
            "行政处罚信息公示满一定期限，并已履行处罚的，可以申请修复。",
            "失信被执行人履行完毕后，法院应当及时删除失信信息。",
            "信用修复一般通过信用中国网站在线申请。",
            "申请时要提交履行证明和信用承诺书。",
            "修复不是删除违法事实，而是停止公示。",
            "工商联可以协助企业对接相关部门，加快办理。",
            "预防胜于修复，按时年报、依法经营最重要。",
        ],
    ),
    (
        "识别与应对恶意诉讼",
        "malicious_litigation",
        "I",
        10,
        "恶意诉讼、虚假诉讼的识别要点，以及企业被恶意缠诉时的应对策略。",
        "## 要点\n\n- 起诉必须符合法定条件，见[[民事诉讼法 第一百二十二条]]；\n- 诉讼时效见[[民法典 第一百八十八条]]。",
        [
            "有些企业会遇到同一事由被反复起诉，或者被虚假诉讼的情况。",
            "恶意诉讼的特点是明知没有依据，仍然以诉讼手段损害对方。",
            "企业收到起诉状后，首先要认真核对事实和证据。",
            "对于明显不符合起诉条件的，可以请求法院不予受理或驳回。",
            "发现虚假诉讼的，可以向法院和检察院反映。",
            "因恶意诉讼遭受损失的，可以另行主张赔偿。",
            "知识产权领域的恶意诉讼尤其常见，要注意保存在先使用证据。",
            "企业要建立诉讼台账，统一应诉口径。",
            "遇到恶意缠诉，可以通过工商联涉法诉求渠道寻求帮助。",
            "依法维权和滥用诉权的界限，要请律师帮助判断。",
        ],
    ),
    (
        "破产重整：困境企业的出路",
        "bankruptcy",
        "C",
        11,
        "企业破产的原因、破产重整与和解程序，以及股东、债权人在程序中的权利。",
        "## 要点\n\n- 破产原因见[[企业破产法 第二条]]。\n\n重整不等于倒闭，是挽救企业的法律工具。",
        [
            "很多企业家一听到破产就紧张，其实破产法也是拯救法。",
            "企业不能清偿到期债务，并且资产不足以清偿全部债务的，具备破产原因。",
            "明显缺乏清偿能力的，也可以依法申请。",
            "有挽救价值的企业，可以申请重整，保留经营。",
            "重整期间，管理人或者债务人制定重整计划。",
            "债权人会议分组表决重整计划。",
            "和解程序适合债务结构比较简单的企业。",
            "债权人申报债权要注意期限和证据。",
            "企业家个人要注意公私财产分开，避免承担连带责任。",
            "早发现、早咨询，重整成功的可能性就越大。",
        ],
    ),
    (
        "企业合规与个人信息保护",
        "compliance",
        "I",
        12,
        "数据合规入门：个人信息处理的合法性基础、员工和客户信息管理。",
        "## 要点\n\n- 处理个人信息的合法性基础见[[个人信息保护法 第十三条]]；\n"
        "- 平台经营者的审核义务见[[电子商务法 第三十八条]]。",
        [
            "数字化经营让每家企业都在处理个人信息。",
            "处理个人信息要有合法性基础，最常见的是取得个人同意。",
            "为订立或者履行合同所必需的，也可以处理。",
            "人力资源管理所必需的员工信息，可以依法处理。",
            "收集信息要遵循最小必要原则，不能过度收集。",
            "客户名单和联系方式要加密保存，限定访问权限。",
            "对外提供个人信息前，要告知并取得单独同意。",
            "发生信息泄露的，要立即采取补救措施并依法报告。",
            "建议企业制定个人信息保护制度，指定负责人。",
            "合规不是成本，而是企业长远发展的保障。",
        ],
    ),
    (
        "安全生产主体责任",
        "compliance",
        "C",
        13,
        "生产经营单位主要负责人的安全生产职责与常见违法风险。",
        "## 要点\n\n- 主要负责人的职责见[[安全生产法 第二十一条]]；\n- 工伤认定情形见[[工伤保险条例 第十四条]]。",
        [
            "安全生产是企业的生命线。",
            "主要负责人是本单位安全生产第一责任人。",
            "要建立全员安全生产责任制，层层落实。",
            "安全生产教育和培训不能走过场，要留存记录。",
            "隐患排查治理要形成闭环，整改要有验收。",
            "发生事故要如实报告，不得迟报、瞒报。",
            "职工在工作时间和工作场所内因工作原因受伤的，应当认定为工伤。",
            "依法缴纳工伤保险，可以大大降低企业风险。",
            "外包作业也要签订安全管理协议。",
            "安全投入是最划算的投入。",
        ],
    ),
    (
        "商会人民调解：用好调解解决商事纠纷",
        "other",
        "L",
        "市工商联法律服务中心 吴主任",
        "商会人民调解委员会的受理范围、调解程序和调解协议的司法确认。",
        "## 要点\n\n- 调解协议可以在生效之日起三十日内申请司法确认，见[[人民调解法 第三十三条]]；\n"
        "- 履行问题见[[民法典 第五百零九条]]。",
        [
            "商会调解是民营企业解决纠纷的一条便捷途径。",
            "会员企业之间的合同纠纷、款项纠纷都可以申请调解。",
            "调解不收费，程序灵活，一般一个月内办结。",
            "当事人可以选择或者接受调解员。",
            "调解过程保密，不影响企业之间的长期合作。",
            "达成协议的，调解委员会制作调解协议书。",
            "双方可以在三十日内共同申请法院司法确认。",
            "经司法确认的协议，一方不履行的可以申请强制执行。",
            "调解不成的，调解员会告知仲裁、诉讼等其他途径。",
            "欢迎各商会会员企业通过平台在线申请调解。",
        ],
    ),
    (
        "电子商务经营者的法律义务",
        "administrative",
        "F",
        14,
        "网店、直播带货等电子商务经营者的登记、信息公示和消费者保护义务。",
        "## 要点\n\n- 平台经营者的义务见[[电子商务法 第三十八条]]；\n- 处罚中的首违不罚见[[行政处罚法 第三十三条]]。",
        [
            "越来越多的传统企业开始在网上卖货、做直播。",
            "电子商务经营者原则上要依法办理市场主体登记。",
            "网店首页要公示营业执照信息。",
            "商品和服务信息要真实、全面，不得虚假宣传。",
            "直播带货中主播的承诺，企业要承担相应责任。",
            "七日无理由退货是消费者的法定权利。",
            "平台知道或者应当知道商品不符合安全要求的，要采取必要措施。",
            "收集用户信息同样要遵守个人信息保护规定。",
            "发生纠纷时，聊天记录和订单截图是关键证据。",
            "建议企业定期检查网店页面的合规性。",
        ],
    ),
]


def _vtt_for(sentences) -> str:
    """A short WebVTT transcript: the opening, the lecture's points and the closing."""
    lines = [OPENING, *sentences, *CLOSING]
    out = ["WEBVTT", ""]
    start = 4000
    for text in lines:
        length = 2500 + 180 * len(text)
        out.append(f"{format_timestamp(start)} --> {format_timestamp(start + length)}")
        out.append(text)
        out.append("")
        start += length + 30000  # the speaker explains each point for a while
    return "\n".join(out)


def load_demo(app) -> str:
    staff = db.session.scalar(select(User).where(User.email == "staff@demo.example"))
    series = db.session.scalar(select(LectureSeries).where(LectureSeries.title == SERIES_TITLE))
    if series is None:
        series = operations.create_series(
            by=staff, title=SERIES_TITLE, description=SERIES_DESCRIPTION
        )
        db.session.flush()
    categories = {c.code: c for c in db.session.scalars(select(LegalCategory))}
    enterprises = db.session.scalars(
        select(Enterprise).order_by(Enterprise.id).where(Enterprise.uscc.is_not(None))
    ).all()
    enterprise_users = {
        user.enterprise_id: user
        for user in db.session.scalars(
            select(User).where(User.email.like("enterprise%@demo.example")).order_by(User.id)
        )
        if user.is_verified
    }
    rng = random.Random(516)
    today = clock.today()
    created = 0
    for index, (title, category, industry, speaker, summary, notes, sentences) in enumerate(
        LECTURES
    ):
        exists = db.session.scalar(
            select(Lecture.id).where(Lecture.series_id == series.id, Lecture.title == title)
        )
        if exists is not None:
            continue
        # A month of lectures every other evening: eleven already held (replays), the rest ahead.
        day = today + timedelta(days=2 * (index - 11))
        starts = local_to_utc(datetime.combine(day, time(19, 30)))
        speaker_user = None
        if isinstance(speaker, int):
            speaker_user = db.session.scalar(
                select(User).where(User.email == f"lawyer{speaker}@demo.example")
            )
        lecture = operations.create_lecture(
            by=staff,
            title=title,
            series_id=series.id,
            speaker_id=speaker_user.id if speaker_user else None,
            guest_speaker="" if speaker_user else str(speaker),
            starts_dt=starts,
            duration_minutes=90,
            category_id=categories[category].id if category in categories else None,
            industry=industry,
            summary=summary,
            notes=notes,
        )
        if lecture.ends_dt <= utcnow():  # only a lecture already held has a transcript
            operations.set_transcript(lecture, parse(_vtt_for(sentences)), name="demo.vtt")
        operations.transition(lecture, LectureStatus.published, staff)
        created += 1
        _demo_activity(lecture, rng, enterprises, enterprise_users, staff)
    db.session.flush()
    return f"series {SERIES_TITLE}: {created} lectures added ({len(LECTURES)} in all)"


def _demo_activity(lecture, rng, enterprises, enterprise_users, staff):
    """Registrations, attendance (check-in and imported) and replay views for one lecture."""
    now = utcnow()
    users = list(enterprise_users.values())
    if not users:
        return
    registrants = rng.sample(users, min(len(users), rng.randrange(8, 25)))
    for user in registrants:
        db.session.add(
            Registration(
                lecture=lecture,
                user=user,
                enterprise_id=user.enterprise_id,
                created_dt=min(now, lecture.starts_dt) - timedelta(days=rng.randrange(1, 6)),
                reminded_dt=lecture.starts_dt - timedelta(hours=20)
                if lecture.starts_dt < now
                else None,
            )
        )
    if lecture.starts_dt >= now:
        return
    for user in registrants:
        if rng.random() < 0.7:
            db.session.add(
                Attendance(
                    lecture=lecture,
                    enterprise_id=user.enterprise_id,
                    user_id=user.id,
                    source=AttendanceSource.checkin,
                    recorded_by_id=user.id,
                    created_dt=lecture.starts_dt + timedelta(minutes=rng.randrange(0, 20)),
                )
            )
    attended = {user.enterprise_id for user in registrants}
    for enterprise in rng.sample(enterprises, min(len(enterprises), 6)):
        if enterprise.id not in attended:
            attended.add(enterprise.id)
            db.session.add(
                Attendance(
                    lecture=lecture,
                    enterprise_id=enterprise.id,
                    source=AttendanceSource.imported,
                    recorded_by_id=getattr(staff, "id", None),
                    created_dt=lecture.ends_dt + timedelta(hours=2),
                )
            )
    for _ in range(rng.randrange(20, 120)):
        viewed = lecture.ends_dt + timedelta(minutes=rng.randrange(10, 60 * 24 * 10))
        if viewed < now:
            db.session.add(ReplayView(lecture_id=lecture.id, viewed_dt=viewed))
