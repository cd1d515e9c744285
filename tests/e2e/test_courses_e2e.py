"""Browser: search a phrase of a lecture transcript and land on that lecture at that moment."""

import re

import pytest

pytestmark = pytest.mark.e2e

# Among the first lines: a demo lecture given a video keeps the lines its video speaks.
PHRASE = "口头约定算不算数"


def _demo_title():
    """The demo lecture whose transcript says PHRASE."""
    from courses.demo import LECTURES

    for title, *_rest, sentences in LECTURES:
        if any(PHRASE in sentence for sentence in sentences):
            return title
    raise AssertionError("phrase not in the demo transcripts")


def test_transcript_phrase_search_opens_the_player_at_that_moment(page):
    # The moment is read off the hit: a demo lecture given a video has its transcript re-timed.
    title = _demo_title()
    page.goto("/lectures")
    search = page.locator("#lecture-search")  # labelled; the id keeps this language-neutral
    search.fill(PHRASE)
    search.press("Enter")
    page.wait_for_load_state()
    hit = page.locator('a[href*="/lectures/"][href*="t="]').first
    seconds = re.search(r"[?&]t=(\d+)", hit.get_attribute("href")).group(1)
    hit.click()
    page.wait_for_load_state()
    assert f"t={seconds}" in page.url and page.url.endswith("#player")
    assert page.get_by_role("heading", level=1).inner_text() == title
    current = page.locator("li.transcript-current")
    assert PHRASE in current.inner_text()


def test_lecture_pages_have_no_accessibility_violations(page):
    from axe_playwright_python.sync_playwright import Axe

    for path in ("/lectures", "/lectures/schedule", "/lectures/1?t=65", "/lectures/series/1"):
        page.goto(path)
        results = Axe().run(page)
        assert results.violations_count == 0, (path, results.generate_report())
