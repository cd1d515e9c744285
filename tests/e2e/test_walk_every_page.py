"""Every page each role reaches from its home, with the demo data (issue 14, "Done when").

For each role the walker (tests/e2e/walk.py) follows every link from the home page, in Chinese
and in English. Each page it reads:
- answers without a server error;
- shows no raw key in either language (snake_case status or table names, dotted action codes,
  Python reprs such as None or [...], ISO times with seconds, "中国标准时间"), and on a Chinese
  page no English word (file formats, codes in <code>/<kbd> and text marked lang="en" aside);
- marks its own header link as the current page, and its title ends with the one site name.

Then axe-core audits one page of each route (a list, a case page, a form) per role (lists
without ids once for all roles; a list's filters and later pages are its route), in both
languages and at both widths: each page is
audited twice, once per language, one of the two at phone width (390x844) and the other on a
desktop; which language gets the phone alternates from page to page, so every shape sees both
languages and both widths. The phone home also keeps the header small with the menu closed.
One browser context per role, language and width, logged in once (4-9 minutes in all on the
shared, loaded 2-core machine; staff is the longest, with about 120 routes).
"""

import html as html_lib
import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import Visitor
from tests.e2e.walk import visible_text, walk

# Its own xdist group: the walk runs beside the other browser tests (tests/conftest.py).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("e2e-walk")]

ROLES = {
    "anonymous": None,
    "enterprise": "enterprise1@demo.example",
    "lawyer": "lawyer1@demo.example",
    "mediator": "mediator1@demo.example",
    "bureau": "bureau@demo.example",
    "department": "dept1@demo.example",
    "leadership": "leader@demo.example",
    "staff": "staff@demo.example",
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LANGUAGES = {"zh": "zh-CN", "en": "en-US"}

RAW_KEY = re.compile(r"(?<![\w./@:-])(?:[a-z]+_[a-z_]+|[a-z]+\.[a-z_]+)(?![\w./@(-])")
FILE_NAME = re.compile(r"\.(pdf|docx|xlsx|vtt|srt|mp4|webm|png|jpe?g|ics|zip|csv)$")
REPR = re.compile(
    r"\bNone\b|\[\]|\[['\"]|\{['\"]|\{\}|<[A-Z][A-Za-z]+ [^>]*>|\bdatetime\.|\bDecimal\(|"
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}|[+-]\d{2}:\d{2}$|"
    r"中国标准时间|星期[一二三四五六日] |\bUTC\b|\bGMT\b"
)
ENGLISH_WORD = re.compile(r"(?<![\w@./:-])[A-Za-z]{3,}(?![\w@.:-])")
# File formats and product names a Chinese page names as they are.
NAMES = {
    "PDF",
    "DOCX",
    "XLSX",
    "ZIP",
    "CSV",
    "Word",
    "Excel",
    "WebVTT",
    "SRT",
    "WebM",
    "MP4",
    "PNG",
}
NAMES |= {"JPEG", "JPG", "Markdown", "http", "https", "ics", "Jinja", "USCC", "Chrome", "Edge"}
ENGLISH_MARKED = re.compile(r"<(\w+)\b[^>]*\blang=\"en\"[^>]*>.*?</\1>", re.S)
NAV_LINK = re.compile(
    r"<a class=\"site-link( active)?\"( aria-current=\"page\")? href=\"([^\"]+)\""
)

# A shape audited once for every role: the page is the same whoever reads it.
_audited: dict[str, set] = {}


def words_problems(html: str, chinese: bool) -> list[str]:
    text = visible_text(ENGLISH_MARKED.sub(" ", html) if chinese else html)
    problems = [
        key for key in set(RAW_KEY.findall(text)) if not FILE_NAME.search(key) and "@" not in key
    ]
    # Times and reprs are looked for inside one text node, not across two cells.
    for node in re.split(r"<[^>]+>", re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)):
        found = [m.group(0) for m in REPR.finditer(node.strip())]
        # "None." is an English answer ("Linked records: None."); on a Chinese page it is a repr.
        problems += [f for f in found if chinese or f != "None"]
    if chinese:
        # {prefix}〔{year}〕{seq}号: the placeholders a clerk types into a numbering pattern.
        text = re.sub(r"\{[a-z_]+\}", " ", text)
        problems += [w for w in set(ENGLISH_WORD.findall(text)) if w not in NAMES]
    return sorted(set(problems))


SITE_NAME = {
    "zh": "沈阳市工商联 民营企业法律服务平台",
    "en": "Shenyang FIC · Legal Services for Private Enterprises",
}
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def site_name_problems(html: str, language: str) -> list[str]:
    """One site name on every page: the window title ends with it (issue 14)."""
    title = TITLE.search(html)
    name = html_lib.escape(SITE_NAME[language], quote=False)
    if title is None or not title.group(1).strip().endswith(name):
        return [f"title {title.group(1).strip() if title else None!r} lacks the site name"]
    return []


def nav_problems(path: str, html: str) -> list[str]:
    bare = path.split("?")[0]
    header = html[: html.find("</header>")]
    return [
        f"header link {href} is not marked current"
        for active, current, href in NAV_LINK.findall(header)
        if href == bare and bare != "/" and not (active and current)
    ]


AXE = Axe()
# axe.run() inside page.evaluate has no time limit of its own: a page it cannot finish fails.
RUN_AXE = """() => Promise.race([
  axe.run(document, {resultTypes: ["violations"]}),
  new Promise((_, reject) => setTimeout(() => reject(new Error("axe did not finish")), 60000)),
])"""


def serious(page) -> list[str]:
    page.evaluate(AXE.axe_script)
    results = page.evaluate(RUN_AXE)
    return [
        f"{v['id']} ({v['impact']}): {[', '.join(n['target']) for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def open_as(new_page, e2e_server, email, language, size):
    """A page in its own context, logged in once, showing `language`."""
    page = new_page(locale=LANGUAGES[language], **size)
    visitor = Visitor(page)
    if email:
        visitor.log_in(email)
    else:
        visitor.open("/")
    wanted = "en" if language == "en" else "zh-CN"
    if visitor.language != wanted:  # the account's own setting wins over the browser's
        visitor.switch_language()
    assert visitor.language == wanted
    return page


@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_reads_cleanly_and_passes_axe_in_both_languages_and_widths(
    new_page, e2e_server, role
):
    email = ROLES[role]
    base = e2e_server.url
    problems, to_audit = {}, {}
    for language in ("zh", "en"):
        page = open_as(new_page, e2e_server, email, language, DESKTOP)
        pages = walk(page.context, base, headers={"Accept-Language": LANGUAGES[language]})
        assert len(pages) > (15 if role in ("anonymous", "department") else 25), role
        assert f'<html lang="{"en" if language == "en" else "zh-CN"}"' in pages[0].html
        for read in pages:
            if read.status >= 500 or read.status in (400, 404):
                problems[f"{language} {read.path}"] = [f"HTTP {read.status}"]
            if not read.html:
                continue
            found = words_problems(read.html, chinese=language == "zh")
            found += nav_problems(read.path, read.html)
            found += site_name_problems(read.html, language)
            if found:
                problems[f"{language} {read.path}"] = found
            to_audit.setdefault(read.shape, read.path)
    assert not problems, problems

    # One address per route: a filtered or later page of a list is the same template (a print
    # view is not); lists without ids look the same to every role.
    seen = _audited.setdefault("all roles", set())
    routes, shapes = set(), []
    for shape, path in to_audit.items():
        route = shape if "print" in shape else shape.split("?")[0]
        if route in routes or (route in seen and "#" not in route and route != "/"):
            continue
        routes.add(route)
        shapes.append((shape, path))
    seen.update(routes)
    findings = {}
    for language, first_size, second_size in (("zh", DESKTOP, PHONE), ("en", PHONE, DESKTOP)):
        pages = {
            "desktop": open_as(new_page, e2e_server, email, language, DESKTOP),
            "phone": open_as(new_page, e2e_server, email, language, PHONE),
        }
        phone = pages["phone"]
        phone.goto("/")
        header = phone.locator("header.site-header").bounding_box()
        assert header["height"] < 120, f"phone header is {header['height']} px high"
        assert not phone.locator("#site-menu").evaluate("d => d.open")
        for n, (_shape, path) in enumerate(shapes):
            size = first_size if n % 2 == 0 else second_size
            page = pages["desktop" if size is DESKTOP else "phone"]
            if os.environ.get("E2E_WALK_VERBOSE"):
                print(language, path, flush=True)
            response = page.goto(path)
            assert response.status == 200, (path, response.status)
            found = serious(page)
            if found:
                findings[f"{language} {'desktop' if size is DESKTOP else 'phone'} {path}"] = found
    assert not findings, findings
