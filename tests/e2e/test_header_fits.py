"""The header fits: on a 1280 px screen the staff's whole navigation is one line in either
language; on a phone (390x844) it is the site's name and a Menu button, one short line."""

import pytest

from tests.e2e.helpers import Visitor, open_menu

pytestmark = pytest.mark.e2e

DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
PIECES = "header .site-brand, header .nav-groups > li, header .nav-user > li"


def _staff_page(new_page, language, **options):
    page = new_page(locale="en-US" if language == "en" else "zh-CN", **options)
    Visitor(page).use_language(language).log_in("staff2@demo.example")
    page.goto("/")
    page.wait_for_load_state("load")
    assert Visitor(page).language == language
    return page


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_staff_header_is_one_line_at_1280_px(new_page, language):
    page = _staff_page(new_page, language, **DESKTOP)
    boxes = [
        (piece.evaluate("e => e.textContent.trim().replace(/\\s+/g, ' ')"), piece.bounding_box())
        for piece in page.locator(PIECES).all()
    ]
    assert len(boxes) >= 8, boxes  # the name, the groups, inbox, account, log out, language
    tops = [box["y"] for _text, box in boxes]
    bottoms = [box["y"] + box["height"] for _text, box in boxes]
    # One line: every piece starts on the first row (a wrapped piece starts a row lower).
    assert max(tops) - min(tops) < 12, boxes
    assert max(bottoms) - min(tops) < 60, boxes
    assert not page.locator("#site-menu > summary").is_visible()


@pytest.mark.parametrize("language", ["en", "zh-CN"])
def test_the_staff_header_on_a_phone_is_one_short_line_with_a_menu(new_page, language):
    page = _staff_page(new_page, language, **PHONE)
    header = page.locator("header").bounding_box()
    assert header["height"] <= 64, header  # about 8% of the 844 px screen
    toggle = page.locator("#site-menu > summary")
    assert toggle.is_visible()
    brand = page.locator("header .site-brand").bounding_box()
    assert abs(brand["y"] - toggle.bounding_box()["y"]) < 12  # side by side
    assert not page.locator("header a[href$='/staff/audit']").is_visible()
    open_menu(page)
    assert page.locator("header nav details.nav-group summary").first.is_visible()
