"""Reference data the users know by heart: GB/T 4754 industries, size classes, legal categories."""

from flask_babel import lazy_gettext as _l

# GB/T 4754-2017 sections. Chinese names are the standard's own; English for the second language.
INDUSTRIES = {
    "A": ("农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery"),
    "B": ("采矿业", "Mining"),
    "C": ("制造业", "Manufacturing"),
    "D": ("电力、热力、燃气及水生产和供应业", "Electricity, heat, gas and water supply"),
    "E": ("建筑业", "Construction"),
    "F": ("批发和零售业", "Wholesale and retail trade"),
    "G": ("交通运输、仓储和邮政业", "Transport, storage and postal services"),
    "H": ("住宿和餐饮业", "Accommodation and catering"),
    "I": ("信息传输、软件和信息技术服务业", "Information transmission, software and IT services"),
    "J": ("金融业", "Finance"),
    "K": ("房地产业", "Real estate"),
    "L": ("租赁和商务服务业", "Leasing and business services"),
    "M": ("科学研究和技术服务业", "Scientific research and technical services"),
    "N": ("水利、环境和公共设施管理业", "Water, environment and public facilities management"),
    "O": ("居民服务、修理和其他服务业", "Resident, repair and other services"),
    "P": ("教育", "Education"),
    "Q": ("卫生和社会工作", "Health and social work"),
    "R": ("文化、体育和娱乐业", "Culture, sports and entertainment"),
    "S": (
        "公共管理、社会保障和社会组织",
        "Public administration, social security and organisations",
    ),
    "T": ("国际组织", "International organisations"),
}

SIZE_CLASSES = {
    "large": _l("Large"),
    "medium": _l("Medium"),
    "small": _l("Small"),
    "micro": _l("Micro"),
}

# Default legal categories (DOMAIN.md); staff edit the live list in the database.
LEGAL_CATEGORIES = [
    ("contract", "合同纠纷", "Contracts"),
    ("employment", "劳动用工", "Employment and labour"),
    ("construction", "建设工程", "Construction projects"),
    ("corporate", "公司治理与股权", "Corporate governance and equity"),
    ("ip", "知识产权", "Intellectual property"),
    ("finance", "融资与借贷", "Financing and loans"),
    ("tax", "财税", "Tax"),
    ("administrative", "行政许可与监管", "Licensing and regulation"),
    ("enforcement", "执行难", "Enforcement of judgments"),
    ("credit_repair", "信用修复", "Credit repair"),
    ("malicious_litigation", "恶意诉讼", "Malicious litigation"),
    ("bankruptcy", "破产与重整", "Insolvency and restructuring"),
    ("compliance", "合规与风控", "Compliance and risk"),
    ("other", "其他", "Other"),
]


def localized(zh: str, en: str) -> str:
    """Pick the Chinese or English name of a reference item for the current locale."""
    from flask_babel import get_locale

    locale = get_locale()
    return en if locale is not None and locale.language == "en" else zh


def industry_name(code: str | None) -> str:
    if code not in INDUSTRIES:
        return code or ""
    return localized(*INDUSTRIES[code])


def industry_names(codes, separator: str = "、") -> str:
    """Several industries' names, joined: the language looked up once, not once a name."""
    from flask_babel import get_locale

    locale = get_locale()
    english = locale is not None and locale.language == "en"
    names = (
        (INDUSTRIES[code][1] if english else INDUSTRIES[code][0]) if code in INDUSTRIES else code
        for code in codes or ()
    )
    return separator.join(name for name in names if name)


def industry_choices():
    from flask_babel import get_locale

    # The language looked up once, not once an industry (a select of 20 on every filter form).
    locale = get_locale()
    name = 1 if locale is not None and locale.language == "en" else 0
    return [(code, f"{code} · {names[name]}") for code, names in INDUSTRIES.items()]


# GB 32100-2015 unified social credit code.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_character(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    value = 31 - total % 31
    return USCC_ALPHABET[0 if value == 31 else value]


def uscc_problem(code: str) -> str | None:
    """Why a USCC is invalid, or None when it is valid."""
    code = (code or "").strip().upper()
    if len(code) != 18:
        return _l("A unified social credit code has 18 characters.")
    if any(c not in USCC_ALPHABET for c in code):
        return _l(
            "A unified social credit code uses only digits and capital letters without I, O, Z, S, V."
        )
    if uscc_check_character(code[:17]) != code[17]:
        return _l(
            "The check character of this unified social credit code is wrong; please check it."
        )
    return None


def make_uscc(seed: int) -> str:
    """A checksum-valid USCC for demo data and tests (registration authority 9, type 1)."""
    body = "91" + f"{110000 + seed % 880000:06d}"
    digits = ""
    n = seed * 7919 + 12345
    for _ in range(9):
        digits += USCC_ALPHABET[n % 31]
        n //= 31
        n += seed
    first17 = body + digits
    return first17 + uscc_check_character(first17)
