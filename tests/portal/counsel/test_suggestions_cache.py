"""The suggested groups are kept a minute as the page writes them, follow a change of a group at
once, and carry each viewer's own CSRF token."""

import re
from datetime import timedelta

from flask import g

from portal.core import clock
from portal.core.db import db
from portal.counsel import operations


def _page(client, url):
    page = client.get(url).get_data(as_text=True)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return page


def test_a_new_group_drops_the_kept_suggestions_at_once(
    app, client, login, memory_cache, dummy_staff, create_enterprise, create_chamber, create_lawyer
):
    chamber = create_chamber()
    firms = [create_enterprise(chambers=[chamber], industry="H") for _ in range(2)]
    lawyer = create_lawyer(industries="H")
    login(dummy_staff)
    url = f"/counsel/groups/suggest?chamber={chamber.id}"
    assert firms[0].name in _page(client, url)
    with app.test_request_context("/"):
        operations.create_group(
            name="第一组",
            start_date=clock.today(),
            end_date=clock.today() + timedelta(days=365),
            enterprises=firms,
            lawyers=[lawyer],
            by=dummy_staff,
        )
        db.session.commit()
    assert firms[0].name not in _page(client, url)


def test_other_changes_show_in_the_suggestions_within_their_time(
    client, login, memory_cache, later, dummy_staff, create_enterprise, create_chamber,
    create_lawyer,
):  # fmt: skip
    chamber = create_chamber()
    create_enterprise(chambers=[chamber], industry="H")
    create_lawyer(industries="H")
    login(dummy_staff)
    url = f"/counsel/groups/suggest?chamber={chamber.id}"
    assert 'name="enterprises"' not in _page(client, url)  # a firm alone is not a group
    newcomer = create_enterprise(chambers=[chamber], industry="H")  # verified, not by counsel
    assert newcomer.name not in _page(client, url)  # the suggestions kept
    later(operations.SUGGEST_TTL - 1)
    assert newcomer.name not in _page(client, url)
    later(2)
    assert newcomer.name in _page(client, url)


def test_each_viewer_gets_their_own_csrf_token_in_the_kept_suggestions(
    app, memory_cache, login, dummy_staff, create_user, create_enterprise, create_chamber,
    create_lawyer,
):  # fmt: skip
    chamber = create_chamber()
    for _ in range(2):
        create_enterprise(chambers=[chamber], industry="H")
    create_lawyer(industries="H")
    url = f"/counsel/groups/suggest?chamber={chamber.id}"
    tokens = []
    for user in (dummy_staff, create_user(role="staff")):
        page = _page(login(user, app.test_client()), url)
        assert "<!--csrf-->" not in page
        form = page[page.index('action="/counsel/groups/suggest/accept"') :]
        tokens.append(re.search(r'name="csrf_token" value="([^"]+)"', form).group(1))
    assert tokens[0] != tokens[1]
