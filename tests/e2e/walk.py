"""Walk the portal as one visitor: every page reachable by links from the home page.

`walk(context, start)` follows the links of each HTML page (GET, same server, through the
browser context's own cookies, so a logged-in context walks that account's pages) and returns
the pages it read. Addresses are grouped by their shape (numbers and dates become `#`, the query
keeps only its parameter names): a shape is read at most `per_shape` times, so a list of a
thousand cases costs two case pages and a calendar's "next month" link ends.

`visible_text(html)` is what a reader sees: tags, scripts and attribute values removed.
"""

import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urljoin, urlsplit

LINK = re.compile(r"<a\b[^>]*?\shref=\"([^\"]+)\"", re.IGNORECASE)
NUMBER = re.compile(r"(?<=/)(\d+|\d{4}-\d{2}(-\d{2})?)(?=/|$)")
# Not pages: files, exports and the log-out (the walker keeps its session).
SKIPPED = re.compile(
    r"^/(static/|account/logout)|/(download|export|exports|dossier|file|files|attachment|"
    r"attachments|pdf|docx|xlsx|ics|csv|media|video|upload|uploads|report\.docx)(/|$)|"
    r"\.(pdf|docx|xlsx|zip|csv|ics|png|jpe?g|mp4|webm|vtt|txt)$"
)


@dataclass
class Page:
    path: str  # with its query
    shape: str
    status: int
    html: str


def shape_of(path: str) -> str:
    parts = urlsplit(path)
    names = sorted({name for name, _value in parse_qsl(parts.query, keep_blank_values=True)})
    shape = NUMBER.sub("#", parts.path)
    return shape + ("?" + "&".join(names) if names else "")


def links(base_url: str, page_url: str, html: str) -> list[str]:
    """Same-server addresses (path and query) the page links to."""
    found = []
    for href in LINK.findall(html):
        href = html_lib.unescape(href).strip()
        if href.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        absolute = urljoin(page_url, href)
        if not absolute.startswith(base_url + "/"):
            continue
        parts = urlsplit(absolute)
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def walk(
    context, base_url: str, start=("/",), *, per_shape: int = 2, limit: int = 400, headers=None
):
    """Read every page the visitor can reach from `start`; returns [Page] in the order read.
    The context's request client does not send the browser's language: pass
    `headers={"Accept-Language": ...}` for a visitor without a language setting."""
    queue = list(start)
    seen_paths, shapes, pages = set(queue), {}, []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        shape = shape_of(path)
        if shapes.get(shape, 0) >= per_shape:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        response = context.request.get(
            base_url + path, max_redirects=0, fail_on_status_code=False, headers=headers
        )
        content_type = response.headers.get("content-type", "")
        if response.status != 200 or not content_type.startswith("text/html"):
            pages.append(Page(path, shape, response.status, ""))
            continue
        body = response.text()
        pages.append(Page(path, shape, response.status, body))
        for link in links(base_url, base_url + path, body):
            if link in seen_paths or SKIPPED.search(urlsplit(link).path):
                continue
            seen_paths.add(link)
            queue.append(link)
    return pages


def visible_text(html: str) -> str:
    html = re.sub(
        r"<(script|style|code|kbd|samp|pre|svg|textarea)\b.*?</\1>", " ", html, flags=re.S | re.I
    )
    html = re.sub(r"<!--.*?-->", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)  # tags and their attributes (values are not shown)
    return re.sub(r"\s+", " ", html_lib.unescape(html))
