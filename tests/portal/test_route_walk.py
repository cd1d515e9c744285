"""Nobody sees or changes what is not theirs (issue 11): a walk over every package's URL rules.

One world holds a firm's private records in every package (a mediation case with evidence, a
question, a check-up, a counsel group, an appeal referral, a draft lecture). For each outsider
role, every URL rule whose arguments point at those records is opened (GET) and posted to
(POST): pages, downloads and exports answer 403/404 (anonymous: the log-in page) and POSTs change
no row. Pages without arguments (lists, ledgers, exports) never show the records' secret words.
"""

import html
import io
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from knowledge.models import QuestionAttachment
from mediation.models import CaseStatus, Evidence, MemberRole
from portal.accounts.models import LawyerConflict, Role, Verification
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.uploads import store_bytes

SECRETS = ("机密事实甲", "机密咨询乙", "机密证据丙", "机密诉求丁", "机密讲座戊")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ROLES = [
    "anonymous",
    "pending_colleague",
    "rejected_colleague",
    "verified_other_firm",
    "lawyer_without_offer",
    "mediator_of_another_committee",
    "recused_mediator",
]
# The recused mediator still sits on the committee: committee-level pages are theirs to open.
CASE_ARGUMENTS = {"case_id", "evidence_id", "mediator_id"}
# Rules whose arguments are not records of the world (public pages, reference data).
NOT_WORLD = {"law_id", "number", "series_id", "kind", "step", "article_id"}


@pytest.fixture
def world(
    app,
    create_case,
    create_committee,
    create_mediator,
    create_enterprise,
    create_enterprise_user,
    create_lawyer,
    create_question,
    create_checkup,
    create_counsel_group,
    create_appeal_referral,
    create_lecture,
    dummy_staff,
):
    from courses.models import LectureStatus

    firm = create_enterprise(address="沈阳市和平区青年大街1号")
    owner = create_enterprise_user(enterprise=firm)
    committee = create_committee()
    create_mediator(committee, role=MemberRole.director)
    mediator = create_mediator(committee)
    recused = create_mediator(committee)
    case = create_case(
        committee,
        status=CaseStatus.in_mediation,
        applicant_user=owner,
        mediator_member=mediator,
        title="机密事实甲纠纷",
        facts="机密事实甲：拖欠货款",
    )
    from mediation.models import CaseMediator

    recused_seat = CaseMediator(
        case=case, member=recused, recused_dt=utcnow(), recusal_reason="利害关系"
    )
    db.session.add(recused_seat)
    stored = store_bytes(PDF, "证据.pdf", allowed_kinds={"pdf"}, by=dummy_staff)
    db.session.flush()
    evidence = Evidence(case=case, title="机密证据丙", file_id=stored.id)
    db.session.add(evidence)

    question = create_question(asker=owner, title="机密咨询乙怎么办", body="机密咨询乙的经过")
    attachment = QuestionAttachment(question=question, file_id=stored.id)
    db.session.add(attachment)
    checkup = create_checkup(enterprise=firm)
    group = create_counsel_group(enterprises=[firm, create_enterprise()])
    referral = create_appeal_referral(enterprise=firm, summary="机密诉求丁")
    lecture = create_lecture(status=LectureStatus.draft, title="机密讲座戊")
    other_lawyer = create_lawyer(industries="Z")
    conflict = LawyerConflict(lawyer=other_lawyer.lawyer_profile, enterprise=firm)
    db.session.add(conflict)
    db.session.flush()

    other_committee = create_committee()
    roles = {
        "anonymous": None,
        "pending_colleague": create_enterprise_user(
            enterprise=firm, verification=Verification.pending
        ),
        "rejected_colleague": create_enterprise_user(
            enterprise=firm, verification=Verification.pending
        ),
        "verified_other_firm": create_enterprise_user(),
        "lawyer_without_offer": create_lawyer(industries="Z", specialities=("tax",)),
        "mediator_of_another_committee": create_mediator(other_committee).user,
        "recused_mediator": recused.user,
    }
    values = {
        "case_id": case.id,
        "evidence_id": evidence.id,
        "mediator_id": recused_seat.id,
        "committee_id": committee.id,
        "member_id": mediator.id,
        "key": "application",
        "question_id": question.id,
        "attachment_id": attachment.id,
        "checkup_id": checkup.id,
        "area_id": 1,
        "finding_id": 1,
        "to": "cancelled",
        "code": "mediation",
        "group_id": group.id,
        "seat_id": group.lawyer_seats[0].id,
        "membership_id": group.memberships[0].id,
        "service_id": 1,
        "request_id": 1,
        "referral_id": referral.id,
        "lecture_id": lecture.id,
        "attendance_id": 1,
        "enterprise_id": firm.id,
        "user_id": roles["pending_colleague"].id,
        "conflict_id": conflict.id,
        "category_id": question.category_id,
        "doc_type": "application",
        "version_id": 1,
        "day": (clock.today() + timedelta(days=7)).isoformat(),
        "mail_id": 1,
    }
    return {"roles": roles, "values": values, "case": case, "question": question}


def _log_in_as(client, login, world, role):
    user = world["roles"][role]
    if user is None:
        return
    if role == "rejected_colleague":
        login(user)  # logged in while pending, then staff reject the account
        user.verification = Verification.rejected
        db.session.flush()
        return
    login(user)


def _snapshot():
    """Row counts of every table and the state of the world's records, in one statement each."""
    tables = [t for t in db.metadata.sorted_tables if t.name != "login_attempts"]
    counts = db.session.execute(
        select(*[select(func.count()).select_from(t).scalar_subquery() for t in tables])
    ).one()
    state = db.session.execute(
        text(
            "SELECT (SELECT status FROM mediation_cases ORDER BY id DESC LIMIT 1),"
            " (SELECT status FROM questions ORDER BY id DESC LIMIT 1),"
            " (SELECT status FROM checkups ORDER BY id DESC LIMIT 1),"
            " (SELECT status FROM lectures ORDER BY id DESC LIMIT 1),"
            " (SELECT count(*) FROM users WHERE verification = 'verified')"
        )
    ).one()
    return dict(zip([t.name for t in tables], counts, strict=True)), tuple(state)


def _texts(response) -> str:
    """The response as text; a ZIP (XLSX, DOCX, dossier) is opened and all its parts read."""
    data = response.get_data()
    if data[:2] == b"PK":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                # XLSX writers store non-ASCII text as character references.
                return html.unescape(
                    "".join(
                        archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
                    )
                )
        except zipfile.BadZipFile:
            pass
    return data.decode("utf-8", "replace")


def _url(rule, values):
    if rule.arguments & NOT_WORLD or not rule.arguments <= values.keys():
        return None
    return rule.build({name: values[name] for name in rule.arguments})[1]


def _refused(response, anonymous) -> bool:
    if response.status_code in (403, 404):
        return True
    location = response.headers.get("Location", "")
    return anonymous and response.status_code == 302 and "/account/login" in location


def _walked_rules(app, role, values):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        if not rule.arguments:
            continue
        if role == "recused_mediator" and not rule.arguments & CASE_ARGUMENTS:
            continue
        url = _url(rule, values)
        if url is not None:
            yield rule, url


@pytest.mark.parametrize("role", ROLES)
def test_outsiders_open_and_change_none_of_a_firms_records(app, client, login, world, role):
    _log_in_as(client, login, world, role)
    anonymous = role in ("anonymous", "rejected_colleague")
    leaks, changed, walked = {}, {}, 0
    for rule, url in _walked_rules(app, role, world["values"]):
        walked += 1
        if "GET" in rule.methods:
            response = client.get(url)
            if not _refused(response, anonymous):
                leaks[f"GET {url}"] = response.status_code
        if "POST" in rule.methods:
            before = _snapshot()
            response = client.post(url, data={})
            after = _snapshot()
            if not _refused(response, anonymous):
                leaks[f"POST {url}"] = response.status_code
            if after != before:
                changed[f"POST {url}"] = {
                    k: (before[0][k], after[0][k]) for k in before[0] if before[0][k] != after[0][k]
                } or (before[1], after[1])
    assert walked > (20 if role == "recused_mediator" else 100)  # every package was reached
    assert leaks == {}
    assert changed == {}


@pytest.mark.parametrize("role", ROLES)
def test_lists_ledgers_and_exports_never_show_a_firms_secrets(app, client, login, world, role):
    _log_in_as(client, login, world, role)
    shown = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.arguments or "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        if rule.endpoint in ("accounts.logout",):
            continue
        response = client.get(rule.rule)
        body = _texts(response)
        found = [word for word in SECRETS if word in body]
        if found:
            shown[rule.rule] = found
    assert shown == {}


def test_the_walk_reaches_every_package(app, world):
    """A guard on the walk itself: each package's object rules are filled with the world's ids."""
    endpoints = {rule.endpoint for rule, _url in _walked_rules(app, "anonymous", world["values"])}
    for blueprint in (
        "mediation",
        "mediation_documents",
        "knowledge",
        "checkups",
        "counsel",
        "appeals",
        "courses",
        "accounts",
    ):
        assert any(e.startswith(f"{blueprint}.") for e in endpoints), blueprint


def test_a_recused_mediator_is_refused_and_an_assigned_one_is_not(client, login, world):
    case = world["case"]
    assigned = next(cm.member.user for cm in case.active_mediators)
    login(assigned)
    assert client.get(f"/mediation/cases/{case.id}").status_code == 200
    client.post("/account/logout")
    login(world["roles"]["recused_mediator"])
    assert client.get(f"/mediation/cases/{case.id}").status_code == 403


def test_roles_are_what_they_claim(world):
    roles = world["roles"]
    assert roles["lawyer_without_offer"].role == Role.lawyer
    assert roles["pending_colleague"].enterprise_id == world["question"].enterprise_id
