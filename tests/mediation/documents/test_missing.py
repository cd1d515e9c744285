"""Missing data is reported by field, per document, and blocks archiving."""

from flask import current_app

from mediation.documents import dossier as dossiers
from mediation.documents.render import render_document


def test_complete_cases_have_nothing_missing(create_case):
    for outcome in ("agreement", "oral", "failed"):
        assert dossiers.missing_documents(create_case(outcome=outcome)) == []


def test_agreement_without_deadline_is_reported_by_field(dummy_case):
    dummy_case.agreement.performance_deadline = None
    dummy_case.agreement.performance_manner = "  "
    rendered = render_document("agreement", dummy_case)
    assert not rendered.ok and rendered.blocks == []
    assert "人民调解协议书：缺少履行期限" in rendered.problems
    assert "人民调解协议书：缺少履行方式" in rendered.problems
    assert "人民调解协议书：缺少履行期限" in dossiers.missing_documents(dummy_case)


def test_required_documents_depend_on_the_outcome(create_case):
    agreement = create_case(state="agreement_reached")
    problems = dossiers.missing_documents(agreement)
    assert "回访记录：尚无回访记录" in problems

    failed = create_case(outcome="failed", termination_notice="")
    assert "终止人民调解告知书：缺少终止调解的理由" in dossiers.missing_documents(failed)

    withdrawn = create_case(state="withdrawn", withdrawal_reason="")
    assert "撤回申请：缺少撤回理由" in dossiers.missing_documents(withdrawn)
    assert dossiers.missing_documents(create_case(state="withdrawn")) == []

    open_case = create_case(state="in_mediation")
    assert any("尚未结案" in p for p in dossiers.missing_documents(open_case))


def test_failed_case_needs_a_session_record(create_case, db_session):
    case = create_case(outcome="failed")
    for session in list(case.sessions):
        db_session.delete(session)
    db_session.flush()
    db_session.expire(case)
    assert "人民调解记录：尚无调解记录" in dossiers.missing_documents(case)


def test_missing_party_and_category_are_reported(create_case):
    case = create_case(category=None, party_names=["只有申请人"])
    problems = dossiers.missing_documents(case)
    assert "人民调解受理登记表：缺少纠纷类型" in problems
    assert "人民调解申请书：缺少被申请人" in problems


def test_archive_check_registry_returns_the_same_problems(create_case):
    case = create_case(state="agreement_reached")
    checks = current_app.extensions["mediation.archive_checks"]
    assert len(checks) >= 1
    assert [p for check in checks for p in check(case)] == dossiers.missing_documents(case)


def test_document_page_lists_missing_fields_instead_of_a_blank(
    client, login, dummy_case, dummy_staff
):
    dummy_case.agreement.performance_deadline = None
    login(dummy_staff)
    for endpoint in ("doc", "docx"):
        response = client.get(f"/mediation/documents/case/{dummy_case.id}/{endpoint}/agreement")
        assert response.status_code == 422
        assert response.mimetype == "text/html"
        assert "人民调解协议书：缺少履行期限" in response.get_data(as_text=True)


def test_case_page_lists_what_is_missing(client, login, create_case, dummy_staff):
    case = create_case(state="agreement_reached")
    login(dummy_staff)
    page = client.get(f"/mediation/documents/case/{case.id}").get_data(as_text=True)
    assert "回访记录：尚无回访记录" in page


STATES = [
    "applied",
    "accepted",
    "declined",
    "mediators_assigned",
    "in_mediation",
    "agreement_reached",
    "failed",
    "withdrawn",
    "return_visited",
    "archived",
]


def test_cases_in_every_state_render_or_report_missing_fields(
    client, login, create_case, dummy_staff
):
    from mediation.documents import docx_builder
    from tests.mediation.documents.conftest import docx_text

    login(dummy_staff)
    for state in STATES:
        case = create_case(state=state)
        assert str(case.status) == state
        problems = dossiers.missing_documents(case)
        blocked = ("applied", "accepted", "mediators_assigned", "in_mediation", "agreement_reached")
        assert bool(problems) == (state in blocked), (state, problems)
        for doc in dossiers.plan(case):
            rendered = dossiers.render_planned(case, doc)
            if rendered.ok:
                text = docx_text(docx_builder.build([rendered]))
                assert case.title in text or case.parties[0].name in text, (state, doc.key)
            else:
                assert rendered.problems and rendered.blocks == []
        page = client.get(f"/mediation/documents/case/{case.id}")
        assert page.status_code == 200, state
