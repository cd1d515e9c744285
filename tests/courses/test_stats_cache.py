"""The lecture statistics are kept a minute (a lecture held since shows after at most that)."""

from datetime import timedelta

from flask import g

from courses.stats import FIGURES_TTL
from portal.core import clock


def _page(client):
    page = client.get(f"/lectures/stats?year={clock.today().year}").get_data(as_text=True)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return page


def test_a_lecture_held_shows_in_the_statistics_within_a_minute(
    client, login, memory_cache, later, dummy_staff, create_lecture
):
    first = create_lecture(starts_in=-timedelta(hours=2))
    login(dummy_staff)
    assert first.title in _page(client)  # among the best attended
    second = create_lecture(starts_in=-timedelta(hours=3))
    assert second.title not in _page(client)  # kept
    later(FIGURES_TTL + 1)
    page = _page(client)
    assert first.title in page and second.title in page
