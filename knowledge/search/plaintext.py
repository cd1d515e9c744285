"""Markdown and citation syntax out of indexed text, for snippets people read.

Answers and articles are written in Markdown with statute citations as [[民法典 第五百七十七条]];
a snippet shows the words only: "民法典 第五百七十七条", no asterisks, hashes or brackets.
"""

import re

_CITATION = re.compile(r"\[\[\s*([^\[\]\n]+?)\s*\]\]")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_LINK_DEFINITION = re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$", re.MULTILINE)
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*", re.MULTILINE)
_SETEXT = re.compile(r"^\s*(?:=+|-{2,})\s*$", re.MULTILINE)
_RULE = re.compile(r"^\s*(?:[*_-]\s*){3,}$", re.MULTILINE)
_QUOTE = re.compile(r"^\s*(?:>\s?)+", re.MULTILINE)
_BULLET = re.compile(r"^\s*[*+-]\s+", re.MULTILINE)
_ORDERED = re.compile(r"^\s*\d+[.)]\s+", re.MULTILINE)
_FENCE = re.compile(r"^\s*(?:```|~~~).*$", re.MULTILINE)
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$", re.MULTILINE)
_EMPHASIS = re.compile(r"(\*{1,3}|_{1,3}|~~)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`+([^`]*)`+")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
# A character (or a line's leading number) without which none of the rules above can match:
# most indexed text (statute articles) has none, and twenty substitutions over it cost a
# search's ten hits about a millisecond.
_SYNTAX = re.compile(r"[\[\]!<>#=*_~`|\\+-]|^\s*\d+[.)]", re.MULTILINE)


def plain_text(text: str) -> str:
    """text without Markdown or [[…]] citation syntax (words kept, lines kept)."""
    if not text:
        return ""
    if not _SYNTAX.search(text):
        return text
    text = _CITATION.sub(r"\1", text)
    text = _FENCE.sub("", text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _LINK_DEFINITION.sub("", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _TABLE_RULE.sub("", text)
    text = _RULE.sub("", text)
    text = _SETEXT.sub("", text)
    text = _HEADING.sub("", text)
    text = _QUOTE.sub("", text)
    text = _BULLET.sub("", text)
    text = _ORDERED.sub("", text)
    text = _CODE.sub(r"\1", text)
    for _ in range(2):  # nested emphasis: ***a*** or **_a_**
        text = _EMPHASIS.sub(r"\2", text)
    text = text.replace("|", " ")
    text = _ESCAPE.sub(r"\1", text)
    return text
