"""Browser: search a phrase of a lecture transcript and land on that lecture at that moment."""

import pytest

pytestmark = pytest.mark.e2e

PHRASE = "违约金约定要合理"


def _expected_moment():
    """The lecture and second where the demo transcript says PHRASE."""
    from courses.demo import LECTURES, _vtt_for
    from courses.transcripts import parse

    for title, *_rest, sentences in LECTURES:
        for cue in parse(_vtt_for(sentences)):
            if PHRASE in cue.text:
                return title, cue.start_ms // 1000
    raise AssertionError("phrase not in the demo transcripts")


def test_transcript_phrase_search_opens_the_player_at_that_moment(page):
    title, seconds = _expected_moment()
    page.goto("/lectures")
    search = page.locator("#lecture-search")  # labelled; the id keeps this language-neutral
    search.fill(PHRASE)
    search.press("Enter")
    page.wait_for_load_state()
    page.locator(f'a[href*="/lectures/"][href*="t={seconds}"]').first.click()
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
