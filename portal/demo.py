"""Demo data of the house: categories, chambers, staff, about 100 enterprises and 30 lawyers."""

import random

from sqlalchemy import select

from portal.accounts.models import Chamber, Enterprise, LawyerProfile, Role, User, Verification
from portal.accounts.passwords import hash_password
from portal.core.db import db, utcnow
from portal.core.models import LegalCategory
from portal.core.reference import LEGAL_CATEGORIES, make_uscc

DEMO_PASSWORD = "demo-password"

CHAMBERS = [
    ("zhejiang", "沈阳市浙江商会", "Zhejiang Chamber of Commerce"),
    ("fujian", "沈阳市福建商会", "Fujian Chamber of Commerce"),
    ("wenzhou", "沈阳市温州商会", "Wenzhou Chamber of Commerce"),
    ("garment", "沈阳市服装商会", "Garment Chamber of Commerce"),
    ("building", "沈阳市建材商会", "Building Materials Chamber"),
    ("catering", "沈阳市餐饮商会", "Catering Chamber of Commerce"),
    ("autoparts", "沈阳市汽车配件商会", "Auto Parts Chamber"),
    ("electronics", "沈阳市电子信息商会", "Electronics and IT Chamber"),
    ("logistics", "沈阳市物流商会", "Logistics Chamber of Commerce"),
    ("furniture", "沈阳市家居商会", "Home Furnishing Chamber"),
    ("food", "沈阳市食品商会", "Food Industry Chamber"),
    ("realestate", "沈阳市房地产商会", "Real Estate Chamber"),
    ("medicine", "沈阳市医药商会", "Pharmaceutical Chamber"),
    ("culture", "沈阳市文化创意商会", "Cultural and Creative Chamber"),
    ("energy", "沈阳市新能源商会", "New Energy Chamber"),
]
# Which industries each chamber's members mostly work in (GB/T 4754 sections).
CHAMBER_INDUSTRIES = {
    "zhejiang": "CF",
    "fujian": "FC",
    "wenzhou": "FCL",
    "garment": "CF",
    "building": "EC",
    "catering": "H",
    "autoparts": "CFO",
    "electronics": "IC",
    "logistics": "GL",
    "furniture": "CF",
    "food": "CFH",
    "realestate": "KE",
    "medicine": "CFQ",
    "culture": "RI",
    "energy": "DCM",
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = [
    "伟",
    "芳",
    "娜",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀兰",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "志强",
    "海燕",
    "晓东",
    "春梅",
    "国栋",
    "雪梅",
    "文博",
    "子涵",
]
TRADE_NAMES = [
    "恒信",
    "华泰",
    "盛达",
    "鑫源",
    "宏远",
    "金鼎",
    "瑞丰",
    "永兴",
    "天成",
    "博远",
    "润泽",
    "嘉禾",
    "东升",
    "鼎盛",
    "顺通",
    "汇丰",
    "荣昌",
    "新宇",
    "诚达",
    "凯瑞",
    "益民",
    "福源",
    "安泰",
    "隆基",
    "佳美",
    "联创",
    "众合",
    "卓越",
    "中正",
    "广源",
]
INDUSTRY_WORDS = {
    "C": ["机械制造", "服饰", "食品", "电子科技", "家具制造", "包装材料"],
    "F": ["商贸", "百货", "建材销售"],
    "E": ["建筑工程", "装饰工程", "市政工程"],
    "H": ["餐饮管理", "酒店管理"],
    "I": ["信息技术", "软件", "网络科技"],
    "G": ["物流", "运输", "仓储"],
    "K": ["房地产开发", "物业管理"],
    "L": ["商务咨询", "租赁"],
    "O": ["汽车维修", "家政服务"],
    "D": ["新能源", "热力"],
    "M": ["检测技术", "工程设计"],
    "Q": ["医疗器械", "康复医疗"],
    "R": ["文化传媒", "影视"],
}
LAW_FIRMS = [
    "辽宁正和律师事务所",
    "辽宁同方律师事务所",
    "北京大成（沈阳）律师事务所",
    "辽宁诚信律师事务所",
    "辽宁华夏律师事务所",
    "辽宁申扬律师事务所",
    "上海锦天城（沈阳）律师事务所",
    "辽宁恒信律师事务所",
]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


# Characters trade names are made of (字号): two of them make a name such as 恒达 or 瑞丰.
TRADE_CHARS = "恒信华泰盛达鑫源宏远金鼎瑞丰永兴天成博润泽嘉禾东升顺通汇荣昌新宇诚凯益民福安隆佳美联创众合卓越中正广德辉腾飞祥和晟锦"
CITY_PREFIXES = ["沈阳", "沈阳", "沈阳", "辽宁"]
FORMS = ["有限公司", "有限公司", "有限公司", "有限责任公司"]


def firm_name(rng: random.Random, industry: str, taken: set[str]) -> str:
    """A firm name staff would take for real (沈阳瑞丰机械制造有限公司), never a numbered
    copy of another: trade names are drawn until the whole name is new, then remembered."""
    words = INDUSTRY_WORDS.get(industry, ["商贸"])
    for attempt in range(1000):
        trade = (
            TRADE_NAMES[rng.randrange(len(TRADE_NAMES))]
            if attempt < 20
            else rng.choice(TRADE_CHARS) + rng.choice(TRADE_CHARS)
        )
        if len(set(trade)) < len(trade):
            continue
        name = f"{rng.choice(CITY_PREFIXES)}{trade}{rng.choice(words)}{rng.choice(FORMS)}"
        if name not in taken:
            taken.add(name)
            return name
    raise RuntimeError("no new firm name left")  # only past millions of firms


def demo_logins():
    """The accounts printed after `flask demo load` (one per role, others follow the pattern)."""
    logins = [
        ("admin", "admin@demo.example"),
        ("staff", "staff@demo.example"),
        ("enterprise", "enterprise1@demo.example"),
        ("lawyer", "lawyer1@demo.example"),
    ]
    extra = db.session.scalars(
        select(User).where(User.role == Role.mediator).order_by(User.id).limit(1)
    ).first()
    if extra is not None:
        logins.append(("mediator", extra.email))
    # The appeal register's roles, when its demo is loaded.
    for role in (Role.bureau_coordinator, Role.department_handler, Role.leadership):
        first = db.session.scalars(
            select(User).where(User.role == role).order_by(User.id).limit(1)
        ).first()
        if first is not None:
            logins.append((role.value, first.email))
    return logins


def ensure_categories():
    existing = set(db.session.scalars(select(LegalCategory.code)))
    for position, (code, zh, en) in enumerate(LEGAL_CATEGORIES):
        if code not in existing:
            db.session.add(LegalCategory(code=code, name_zh=zh, name_en=en, position=position))
    db.session.flush()


def _user(email, name, role, *, rng, enterprise=None, verified=True, password_hash=None):
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(
            email=email,
            name=name,
            role=role,
            password_hash=password_hash,
            phone=f"13{rng.randrange(100000000, 999999999)}",
            enterprise=enterprise,
            verification=Verification.verified if verified else Verification.pending,
            locale=None,
        )
        db.session.add(user)
    return user


def load_core(app) -> str:
    rng = random.Random(2026)
    password_hash = hash_password(DEMO_PASSWORD)
    ensure_categories()
    chambers = {}
    for code, name, name_en in CHAMBERS:
        chamber = db.session.scalar(select(Chamber).where(Chamber.code == code))
        if chamber is None:
            chamber = Chamber(code=code, name=name, name_en=name_en)
            db.session.add(chamber)
        chambers[code] = chamber
    _user("admin@demo.example", "系统管理员", Role.admin, rng=rng, password_hash=password_hash)
    _user("staff@demo.example", "刘晓梅", Role.staff, rng=rng, password_hash=password_hash)
    _user("staff2@demo.example", "赵国栋", Role.staff, rng=rng, password_hash=password_hash)

    chamber_codes = list(chambers)
    taken = set(db.session.scalars(select(Enterprise.name)))
    for n in range(1, 101):
        uscc = make_uscc(n)
        enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == uscc))
        if enterprise is None:
            chamber_code = chamber_codes[n % len(chamber_codes)]
            industry = rng.choice(CHAMBER_INDUSTRIES[chamber_code])
            size = rng.choices(["micro", "small", "medium", "large"], weights=[40, 40, 15, 5])[0]
            enterprise = Enterprise(
                name=firm_name(rng, industry, taken),
                uscc=uscc,
                industry=industry,
                size_class=size,
                address=f"沈阳市{rng.choice(['和平区', '沈河区', '皇姑区', '大东区', '铁西区', '浑南区'])}"
                f"{rng.choice(['青年大街', '北京街', '建设路', '长江街', '南京北街'])}{rng.randrange(1, 300)}号",
                contact_name=person_name(rng),
                contact_phone=f"024-{rng.randrange(20000000, 89999999)}",
                verification=Verification.verified if n <= 95 else Verification.pending,
                verified_dt=utcnow() if n <= 95 else None,
            )
            enterprise.chambers = [chambers[chamber_code]]
            if n % 7 == 0:
                enterprise.chambers.append(chambers[chamber_codes[(n + 3) % len(chamber_codes)]])
            db.session.add(enterprise)
        _user(
            f"enterprise{n}@demo.example",
            enterprise.contact_name,
            Role.enterprise,
            rng=rng,
            enterprise=enterprise,
            verified=n <= 95,
            password_hash=password_hash,
        )

    categories = {c.code: c for c in db.session.scalars(select(LegalCategory))}
    category_codes = list(categories)
    for n in range(1, 31):
        user = _user(
            f"lawyer{n}@demo.example",
            person_name(rng),
            Role.lawyer,
            rng=rng,
            verified=n <= 28,
            password_hash=password_hash,
        )
        if user.lawyer_profile is None:
            specialities = rng.sample(category_codes[:13], 3)
            if n <= 14:
                specialities[0] = category_codes[
                    n - 1
                ]  # every category has at least one specialist
            user.lawyer_profile = LawyerProfile(
                law_firm=LAW_FIRMS[n % len(LAW_FIRMS)],
                certificate_no=f"1210120{n:02d}{rng.randrange(10**7, 10**8)}"[:17],
                industries="".join(sorted(set(rng.sample("ABCDEFGHIJKLMNOPQR", 5) + ["C", "F"]))),
                weekly_capacity=rng.choice([3, 5, 5, 8, 10]),
                specialities=[categories[c] for c in dict.fromkeys(specialities)],
                bio="执业十年以上，长期为民营企业提供法律顾问服务。",
            )
    db.session.flush()
    return "15 chambers, 100 enterprises (95 verified), 30 lawyers (28 verified), 3 staff"


def already_loaded(name: str) -> bool:
    """True when the demo loader `name` has run (its own marker, not other loaders' rows)."""
    from portal.core.models import DemoMarker

    return db.session.get(DemoMarker, name) is not None


def mark_loaded(name: str) -> None:
    from portal.core.models import DemoMarker

    if db.session.get(DemoMarker, name) is None:
        db.session.add(DemoMarker(name=name))
        db.session.flush()
