"""The committees list: each committee's chamber, director, active mediators and founding steps
done, in one statement; a mediator sees only the committees of their own roster."""

import re

from mediation.models import CommitteeFoundingStep, FoundingStep, MemberRole, MemberStatus
from portal.core import clock
from portal.core.db import db
from tests.fixtures.queries import counted_statements


def _rows(page) -> dict[str, list[str]]:
    """{committee name: [chamber, director, mediators, steps]} as the table prints them."""
    rows = {}
    for row in re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</tr>", page, re.S):
        name = re.search(r"<a [^>]*>([^<]*)</a>", row).group(1)
        rows[name] = [cell.strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
    return rows


def test_the_list_shows_each_committees_director_mediators_and_founding_steps(
    client, login, dummy_staff, create_committee, create_mediator
):
    committee, empty = create_committee(), create_committee()
    create_mediator(committee, role=MemberRole.director, name="甲主任")
    create_mediator(committee, role=MemberRole.director, name="乙主任")  # the first one counts
    create_mediator(committee, name="丙调解员")
    gone = create_mediator(committee, role=MemberRole.director, name="丁前主任")
    gone.status = MemberStatus.removed
    for step in (FoundingStep.chamber_application, FoundingStep.seal):
        db.session.add(CommitteeFoundingStep(committee=committee, step=step, done_on=clock.today()))
    db.session.add(CommitteeFoundingStep(committee=committee, step=FoundingStep.rules_adopted))
    db.session.flush()
    login(dummy_staff)
    with counted_statements() as statements:
        page = client.get("/mediation/committees")
    assert page.status_code == 200
    rows = _rows(page.text)
    assert rows[committee.name] == [committee.chamber.name, "甲主任", "3", "2 / 6"]
    assert rows[empty.name] == [empty.chamber.name, "—", "0", "0 / 6"]
    # The committees with their roster figures in one read, whatever their number.
    assert len([s for s in statements if "mediation_committees" in s]) == 1


def test_a_mediator_sees_only_the_committees_of_their_roster(
    app, login, create_committee, create_mediator
):
    mine, other = create_committee(), create_committee()
    member = create_mediator(mine)
    create_mediator(other, role=MemberRole.director)
    page = login(member.user, app.test_client()).get("/mediation/committees")
    assert page.status_code == 200
    assert list(_rows(page.text)) == [mine.name]
