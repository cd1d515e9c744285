"""The new group form lists the lawyers kept half a minute; what is posted is checked against
the lawyers read afresh."""

from datetime import timedelta

from flask import g
from sqlalchemy import select

from portal.core import clock
from portal.core.db import db
from portal.counsel.models import CounselGroup
from portal.counsel.views import GROUP_FORM_LAWYERS_TTL


def _page(client):
    page = client.get("/counsel/groups/new").get_data(as_text=True)
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    return page


def _post(client, firm, lawyer, name):
    return client.post(
        "/counsel/groups/new",
        data={
            "name": name,
            "chamber": "0",
            "start_date": clock.today().isoformat(),
            "end_date": (clock.today() + timedelta(days=365)).isoformat(),
            "enterprises": [str(firm.id)],
            "lawyers": [str(lawyer.id)],
            "note": "",
        },
    )


def test_a_new_lawyer_shows_in_the_form_within_its_time_and_can_be_chosen_at_once(
    client, login, memory_cache, later, dummy_staff, create_lawyer, create_enterprise
):
    login(dummy_staff)
    first = create_lawyer(name="甲律师")
    assert f'<option value="{first.id}">甲律师</option>' in _page(client)
    newcomer = create_lawyer(name="新来律师")
    assert "新来律师" not in _page(client)  # the list kept
    response = _post(client, create_enterprise(size_class="micro"), newcomer, "新律师组")
    assert response.status_code == 302, response.get_data(as_text=True)
    later(GROUP_FORM_LAWYERS_TTL + 1)
    assert f'<option value="{newcomer.id}">新来律师</option>' in _page(client)


def test_a_deactivated_lawyer_still_listed_cannot_be_chosen(
    client, login, memory_cache, dummy_staff, create_lawyer, create_enterprise
):
    login(dummy_staff)
    leaving = create_lawyer(name="离开律师")
    assert "离开律师" in _page(client)
    leaving.is_deactivated = True
    db.session.commit()
    assert "离开律师" in _page(client)  # the list kept
    response = _post(client, create_enterprise(size_class="micro"), leaving, "离开组")
    assert response.status_code == 200  # the form again, with the refusal
    assert db.session.scalar(select(CounselGroup).where(CounselGroup.name == "离开组")) is None


def test_the_form_is_still_for_staff_only(app, login, memory_cache, dummy_staff, create_lawyer):
    assert login(dummy_staff, app.test_client()).get("/counsel/groups/new").status_code == 200
    lawyer = create_lawyer()
    assert login(lawyer, app.test_client()).get("/counsel/groups/new").status_code == 403
