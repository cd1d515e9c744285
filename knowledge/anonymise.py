"""The automatic first pass over a question before staff publish it: mask who asked."""

import re

from flask_babel import force_locale
from flask_babel import gettext as _

from portal.core.reference import USCC_ALPHABET

_USCC_CHARS = re.escape(USCC_ALPHABET)
USCC = re.compile(
    rf"(?<![0-9A-Za-z])[{_USCC_CHARS}]{{2}}\d{{6}}[{_USCC_CHARS}]{{10}}(?![0-9A-Za-z])"
)
ID_CARD = re.compile(r"(?<!\d)\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
LANDLINE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司")
PLACE = re.compile(
    r"^(?:辽宁省?|沈阳|大连|鞍山|抚顺|本溪|丹东|锦州|营口|阜新|辽阳|盘锦|铁岭|朝阳|葫芦岛|"
    r"北京|上海|天津|重庆|广州|深圳)市?"
)


def _name_variants(name: str) -> list[str]:
    """The firm's full name and the shorter forms people write (without city or company suffix)."""
    name = (name or "").strip()
    if not name:
        return []
    variants = {name}
    base = re.sub(r"[（(].*?[)）]", "", name)
    variants.add(base)
    for suffix in COMPANY_SUFFIXES:
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            variants.add(base)
            break
    # "沈阳恒信机械制造" is also written "恒信机械制造" or just "恒信" (the trade name).
    local = PLACE.sub("", base)
    variants.add(local)
    if len(local) >= 4:
        variants.add(local[:2])
    return sorted((v for v in variants if len(v) >= 2), key=len, reverse=True)


def anonymise(text: str, *, firm_names=(), person_names=()) -> str:
    """The masks are written in Chinese, the language of the published text, whatever language
    the member of staff who prepares it reads the portal in."""
    with force_locale("zh_CN"):
        return _anonymise(text or "", firm_names, person_names)


def _anonymise(text: str, firm_names, person_names) -> str:
    for name in [v for firm in firm_names for v in _name_variants(firm)]:
        text = text.replace(name, _("[the company]"))
    for person in person_names:
        if person and len(person.strip()) >= 2:
            text = text.replace(person.strip(), _("[the asker]"))
    text = USCC.sub(_("[credit code removed]"), text)
    text = ID_CARD.sub(_("[ID number removed]"), text)
    text = MOBILE.sub(_("[phone removed]"), text)
    text = LANDLINE.sub(_("[phone removed]"), text)
    return text
