"""Statute citations in Markdown: [[民法典 第五百七十七条]] / [[民法典第577条]] become links, and so
does the way people write them anyway: 《民法典》第五百七十七条 (left as it is when not found).

The link carries a preview of the article in its title (hover) and data-preview attributes; no
script is needed. A citation that names no known article stays plain text, marked as not found.
"""

import re

from flask import url_for
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import select

from knowledge.laws.models import OFFICIAL_PREFIX, Law, LawArticle
from knowledge.laws.numerals import NUMERAL_CHARS, parse_article_number
from portal.core import cache
from portal.core.db import db

CITATION = re.compile(
    r"\[\[\s*(?P<law>[^\[\]\n]+?)\s*(?P<article>第\s*(?:[0-9]+|["
    + NUMERAL_CHARS
    + r"]+)\s*条)\s*\]\]"
)

# 《民法典》第五百七十七条, 《中华人民共和国劳动合同法》第39条: plain text, no brackets.
PLAIN_CITATION = re.compile(
    r"《(?P<law>[^《》\n]{2,80})》\s*(?P<article>第\s*(?:[0-9]+|[" + NUMERAL_CHARS + r"]+)\s*条)"
)

# Names people use that are not simply the title without 中华人民共和国.
ALIASES = {
    "民诉法": "中华人民共和国民事诉讼法",
    "民事诉讼法": "中华人民共和国民事诉讼法",
    "劳动合同法实施条例": "中华人民共和国劳动合同法实施条例",
    "劳动仲裁法": "中华人民共和国劳动争议调解仲裁法",
    "调解仲裁法": "中华人民共和国劳动争议调解仲裁法",
    "个保法": "中华人民共和国个人信息保护法",
    "消法": "中华人民共和国消费者权益保护法",
    "消保法": "中华人民共和国消费者权益保护法",
    "反不正当竞争法": "中华人民共和国反不正当竞争法",
    "税收征管法": "中华人民共和国税收征收管理法",
    "破产法": "中华人民共和国企业破产法",
    "招投标法": "中华人民共和国招标投标法",
    "招投标法实施条例": "中华人民共和国招标投标法实施条例",
    "行诉法": "中华人民共和国行政诉讼法",
    "建工解释一": "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）",
    "建工司法解释一": "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）",
    "建设工程施工合同司法解释（一）": "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）",
    "建设工程施工合同解释（一）": "最高人民法院关于审理建设工程施工合同纠纷案件适用法律问题的解释（一）",
    "农民工工资支付条例": "保障农民工工资支付条例",
    "款项支付条例": "保障中小企业款项支付条例",
    "市场主体登记条例": "中华人民共和国市场主体登记管理条例",
}


LAW_NAMES_KEY = "laws:names"


def _law_ids_by_name() -> dict[str, int]:
    """Every name a law is cited by -> its id: kept 30 s in the short cache (every answer and
    question page with a 《 reads it; laws change only by import, which drops it)."""
    return cache.get_or_set(LAW_NAMES_KEY, 30, _read_law_ids_by_name)


def _read_law_ids_by_name() -> dict[str, int]:
    names = {}
    for law_id, title in db.session.execute(select(Law.id, Law.title)):
        names[title] = law_id
        names.setdefault(title.removeprefix(OFFICIAL_PREFIX), law_id)
    for alias, title in ALIASES.items():
        if title in names:
            names.setdefault(alias, names[title])
    return names


def find_law_id(name: str) -> int | None:
    name = "".join(name.split()).replace("《", "").replace("》", "")
    return _law_ids_by_name().get(name)


def resolve(name: str, article: str) -> LawArticle | None:
    """The article a citation names, or None."""
    law_id = find_law_id(name)
    if law_id is None:
        return None
    try:
        number = parse_article_number("".join(article.split()))
    except ValueError:
        return None
    return db.session.scalar(
        select(LawArticle).where(LawArticle.law_id == law_id, LawArticle.number == number)
    )


def _render(match: re.Match) -> str:
    article = resolve(match.group("law"), match.group("article"))
    shown = f"{match.group('law').strip()} {''.join(match.group('article').split())}"
    if article is None:
        not_found = _("citation not found")
        return (
            f'<span class="citation-not-found text-danger">{escape(shown)}'
            f'<span class="visually-hidden"> ({escape(not_found)})</span></span>'
        )
    preview = escape(f"{article.law.short_title}{article.label}：{article.preview()}")
    href = url_for("laws.article", law_id=article.law_id, number=article.number)
    return (
        f'<a href="{href}" class="statute-citation" title="{preview}" '
        f'data-preview="{preview}">{escape(shown)}</a>'
    )


def _render_plain(match: re.Match) -> str:
    article = resolve(match.group("law"), match.group("article"))
    if article is None:
        return match.group(0)  # a law this portal does not hold: leave the writer's text alone
    preview = escape(f"{article.law.short_title}{article.label}：{article.preview()}")
    href = url_for("laws.article", law_id=article.law_id, number=article.number)
    return (
        f'<a href="{href}" class="statute-citation" title="{preview}" '
        f'data-preview="{preview}">{escape(match.group(0))}</a>'
    )


def _plain(segment: str) -> str:
    return PLAIN_CITATION.sub(_render_plain, segment) if "《" in segment else segment


def render_citations(text: str) -> str:
    """The Markdown hook: citations to HTML links (the result is still sanitised). Bracketed
    citations first; plain ones only in the text between them, so a link never nests."""
    if "[[" not in text and "《" not in text:
        return text
    parts, position = [], 0
    for match in CITATION.finditer(text):
        parts.append(_plain(text[position : match.start()]))
        parts.append(_render(match))
        position = match.end()
    parts.append(_plain(text[position:]))
    return "".join(parts)
