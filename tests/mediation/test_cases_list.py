"""The cases list: a firm's list, read through statements built once with the user's values as
parameters, shows its own cases and no one else's; the "agreed" filter's total is its own (it
shared the unfiltered list's, kept 30 s)."""

import re

from flask import g

from mediation.models import CaseStatus

CAPTION = re.compile(r"<caption>([^<]*)</caption>")
CASE_LINK = re.compile(r'href="/mediation/cases/(\d+)"')


def _page(client, path="/mediation"):
    g.pop("_portal_cache", None)  # the test's app context outlives the request: a new g
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_firm_lists_its_own_cases_from_the_same_statements(
    client, login, create_committee, create_case, create_enterprise_user
):
    committee = create_committee()
    first, second = create_enterprise_user(), create_enterprise_user()
    theirs = {create_case(committee, applicant_user=first).id for _ in range(2)}
    others = {create_case(committee, applicant_user=second).id for _ in range(3)}
    create_case(committee)  # neither firm's
    login(first)
    assert set(CASE_LINK.findall(_page(client))) == {str(i) for i in theirs}
    client.post("/account/logout")
    login(second)
    assert set(CASE_LINK.findall(_page(client))) == {str(i) for i in others}
    opened = _page(client, "/mediation?status=applied")
    assert set(CASE_LINK.findall(opened)) == {str(i) for i in others}


def test_the_agreed_total_is_counted_apart_from_every_case(
    client, login, memory_cache, dummy_staff, create_committee, create_mediator, create_case
):
    committee = create_committee()
    create_mediator(committee)
    for _ in range(3):
        create_case(committee)
    create_case(committee, status=CaseStatus.agreement_reached)
    login(dummy_staff)
    assert "4" in CAPTION.search(_page(client)).group(1)
    caption = CAPTION.search(_page(client, "/mediation?status=agreed")).group(1)
    assert "1" in caption and "4" not in caption
