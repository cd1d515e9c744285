"""Chinese numerals as used in article labels (第一千二百六十条) and back."""

import re

DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_DIGIT_CHARS = "零一二三四五六七八九"
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
_NUMERAL = re.compile(f"^[{NUMERAL_CHARS}]+$")


def parse_chinese_number(text: str) -> int:
    """五百七十七 -> 577, 一千零一 -> 1001, 十 -> 10; raises ValueError on anything else."""
    text = text.strip()
    if not text or not _NUMERAL.match(text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if all(ch in DIGITS for ch in text) and len(text) > 1:
        # Digit by digit, as in years: 二〇二四
        return int("".join(str(DIGITS[ch]) for ch in text))
    total, section, digit = 0, 0, None
    last_unit = 10**9
    for ch in text:
        if ch in DIGITS:
            if digit is not None and DIGITS[ch] != 0:
                raise ValueError(f"two digits in a row: {text!r}")
            digit = DIGITS[ch] if DIGITS[ch] else None
        else:
            unit = UNITS[ch]
            if unit == 10000:
                section = (section + (digit or 0)) * unit
                total, section, digit = total + section, 0, None
                last_unit = 10**9
                continue
            if unit >= last_unit:
                raise ValueError(f"units out of order: {text!r}")
            if digit is None and unit != 10:
                raise ValueError(f"unit without digit: {text!r}")
            section += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
    return total + section + (digit or 0)


def to_chinese_number(number: int) -> str:
    """577 -> 五百七十七, 1001 -> 一千零一, 10 -> 十, 110 -> 一百一十 (statute style)."""
    if number < 0 or number >= 10000:
        raise ValueError(f"out of range: {number}")
    if number == 0:
        return "零"
    out = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, value)
        if digit:
            if zero_pending:
                out.append("零")
                zero_pending = False
            out.append(_DIGIT_CHARS[digit] + unit)
        elif out:
            zero_pending = True
    text = "".join(out)
    if text.startswith("一十"):
        text = text[1:]
    return text


_ARTICLE = re.compile(r"^第?\s*([0-9]+|[" + NUMERAL_CHARS + r"]+)\s*条?$")


def parse_article_number(text: str) -> int:
    """第五百七十七条 / 第577条 / 577 -> 577."""
    match = _ARTICLE.match(text.strip())
    if not match:
        raise ValueError(f"not an article number: {text!r}")
    value = match.group(1)
    return int(value) if value.isdigit() else parse_chinese_number(value)


def article_label(number: int) -> str:
    return f"第{to_chinese_number(number)}条"
