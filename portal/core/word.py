"""Word (DOCX) documents, one helper for every package: Chinese fonts on runs and styles, the
font table's fall-backs, and text cleared of what XML cannot hold.

Word picks the font of Chinese characters from w:eastAsia, not from the font name python-docx
sets, so each run or style names both; the font table declares alternatives (w:altName) so a
computer without, say, 仿宋_GB2312 still shows Chinese in a similar face.
"""

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from portal.core.exports import xml_safe

LATIN_FONT = "Times New Roman"
# Chinese fonts and what to show where they are missing (LibreOffice, macOS, Linux).
FALLBACKS = {
    "仿宋_GB2312": "仿宋",
    "仿宋": "宋体",
    "黑体": "SimHei",
    "宋体": "SimSun",
    "楷体": "宋体",
}

__all__ = ["FALLBACKS", "LATIN_FONT", "declare_fallbacks", "new_document", "set_font", "text"]


def text(value) -> str:
    """`value` as text a DOCX can hold (python-docx refuses NUL and other control characters)."""
    return xml_safe("" if value is None else value)


def set_font(
    target,
    east_asia: str,
    size: float | None = None,
    *,
    bold: bool | None = None,
    latin: str = LATIN_FONT,
):
    """Fonts of a run or a style: `latin` for Western text, `east_asia` for Chinese."""
    font = target.font
    font.name = latin
    if size:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = target._element if hasattr(target, "_element") else target.element
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")
    return target


def declare_fallbacks(document, fallbacks: dict[str, str] | None = None) -> None:
    """Add the Chinese fonts to the font table with w:altName (and the GB2312 charset)."""
    part = next(
        (
            rel.target_part
            for rel in document.part.rels.values()
            if rel.reltype.endswith("/fontTable")
        ),
        None,
    )
    if part is None:
        return
    root = etree.fromstring(part.blob)
    known = {font.get(qn("w:name")) for font in root.findall(qn("w:font"))}
    for name, alt in (fallbacks or FALLBACKS).items():
        if name in known:
            continue
        font = etree.SubElement(root, qn("w:font"))
        font.set(qn("w:name"), name)
        alt_el = etree.SubElement(font, qn("w:altName"))
        alt_el.set(qn("w:val"), alt)
        charset = etree.SubElement(font, qn("w:charset"))
        charset.set(qn("w:val"), "86")  # GB2312
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def new_document(
    body_font: str = "宋体", size: float | None = None, *, headings: str | None = None
):
    """A python-docx Document whose Normal style (and headings, when given) use Chinese fonts,
    with the fall-backs declared."""
    document = Document()
    set_font(document.styles["Normal"], body_font, size)
    if headings:
        for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):
            set_font(document.styles[name], headings)
    declare_fallbacks(document)
    return document
