"""What the check-up page reads: its relations by a fixed number of statements, findings only
where the page shows the report."""

import re

from portal.checkups import operations as ops
from portal.core.db import db
from tests.fixtures.queries import counted_statements


def _page_statements(client, checkup_id):
    url = f"/checkups/{checkup_id}"
    client.get(url)  # the session's and caches' first reads, the same for every count
    with counted_statements() as sent:
        response = client.get(url)
    assert response.status_code == 200
    return sent, response.get_data(as_text=True)


def test_checkup_page_reads_as_many_statements_for_three_findings_as_for_one(
    app, client, login, started_checkup, babel_request_ctx
):
    checkup, _firm, lawyers = started_checkup()
    areas = checkup.areas
    ops.save_finding(checkup, lawyers[0], area_id=areas[0].id, level="high", facts="第一项事实")
    ops.mark_clear(checkup, areas[3].id, lawyers[0])
    db.session.commit()
    login(lawyers[0])
    one, _page = _page_statements(client, checkup.id)
    for n, area in enumerate(areas[1:3]):
        ops.save_finding(checkup, lawyers[1], area_id=area.id, level="low", facts=f"事实{n}")
    db.session.commit()
    three, page = _page_statements(client, checkup.id)
    assert len(three) == len(one), "\n".join(s[:150] for s in three)
    assert all(facts in page for facts in ("第一项事实", "事实0", "事实1"))
    assert lawyers[1].name in page
    # Each finding offers the same follow-ups (the firm's), asked once for the page.
    offered = [
        sorted(re.findall(rf"/checkups/findings/{finding.id}/follow-up/(\w+)", page))
        for finding in checkup.findings
    ]
    assert len(offered) == 3 and offered[0] and offered.count(offered[0]) == 3, offered


def test_firm_page_before_delivery_reads_no_findings(
    app, client, login, started_checkup, babel_request_ctx
):
    checkup, firm_user, lawyers = started_checkup()
    ops.save_finding(
        checkup, lawyers[0], area_id=checkup.areas[0].id, level="high", facts="尚未交付的事实"
    )
    db.session.commit()
    login(firm_user)
    sent, page = _page_statements(client, checkup.id)
    assert not any("FROM checkup_findings" in statement for statement in sent)
    assert "尚未交付的事实" not in page
    client.post("/account/logout")
    login(lawyers[0])
    sent, page = _page_statements(client, checkup.id)
    assert any("FROM checkup_findings" in statement for statement in sent)
    assert "尚未交付的事实" in page


def test_checkup_page_reads_a_fixed_number_of_statements(
    app, client, login, memory_cache, started_checkup, babel_request_ctx
):
    checkup, _firm, lawyers = started_checkup()
    db.session.commit()
    login(lawyers[0])
    sent, _page = _page_statements(client, checkup.id)
    # The account, the check-up with its firm, its lawyers with their names, the checklist with
    # its areas, findings, "no findings" areas, the timeline and links; one more as a margin.
    assert len(sent) <= 9, "\n".join(s[:150] for s in sent)


def test_checkup_page_names_lawyers_signatures_and_who_moved_it_with_why(
    app, client, login, started_checkup, babel_request_ctx
):
    checkup, firm_user, lawyers = started_checkup()
    for area in checkup.areas:
        ops.mark_clear(checkup, area.id, lawyers[0])
    ops.transition(checkup, "report_draft", lawyers[0])
    ops.transition(checkup, "in_progress", lawyers[1], note="补充<事实>")
    ops.transition(checkup, "report_draft", lawyers[1])
    ops.sign_off(checkup, lawyers[0])
    db.session.commit()
    login(lawyers[1])
    _sent, page = _page_statements(client, checkup.id)
    lawyers_list = page[page.index('<ul class="list-unstyled mb-0">') :]
    lawyers_list = lawyers_list[: lawyers_list.index("</ul>")]
    first, second = lawyers_list.split("</li>")[:2]
    assert f"{lawyers[0].name}（{lawyers[0].lawyer_profile.law_firm}）" in first
    assert "badge text-bg-success" in first and "badge" not in second
    timeline = page[page.index('id="timeline-heading"') :]
    assert timeline.count('<li class="mb-1">') == len(checkup.events)
    assert f" · {firm_user.name}</li>" in timeline  # confirmed by the firm
    assert f" · {lawyers[1].name} — 补充&lt;事实&gt;</li>" in timeline
