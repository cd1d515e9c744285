"""Staff edit the wording; a template that does not render is refused, the previous one stays."""

import pytest
from sqlalchemy import func, select

from mediation.documents.doctypes import DEFAULTS, DOC_TYPES
from mediation.documents.models import DocumentTemplateVersion
from mediation.documents.operations import save_template
from mediation.documents.render import TemplateRefused, active_body, render_document


def _versions(db_session, doc_type):
    return db_session.scalar(
        select(func.count()).where(DocumentTemplateVersion.doc_type == doc_type)
    )


@pytest.mark.parametrize("kind", DOC_TYPES, ids=lambda k: k.code)
def test_every_default_template_renders_against_the_sample_case(kind):
    from mediation.documents.render import validate_template

    validate_template(kind.code, DEFAULTS[kind.code])


def test_saving_a_valid_template_makes_it_the_active_version(
    client, login, dummy_staff, dummy_case, db_session
):
    login(dummy_staff)
    body = DEFAULTS["agreement"].replace("人民调解协议书", "调解协议书（新版）", 1)
    response = client.post(
        "/mediation/documents/templates/agreement", data={"body": body, "comment": "新标题"}
    )
    assert response.status_code == 302
    assert _versions(db_session, "agreement") == 1
    assert active_body("agreement") == body
    assert render_document("agreement", dummy_case).blocks[0].text == "调解协议书（新版）"
    page = client.get("/mediation/documents/templates/agreement").get_data(as_text=True)
    assert "新标题" in page


@pytest.mark.parametrize(
    "broken, reason",
    [
        ("@@title {{ case.title ", "TemplateSyntaxError"),
        ("@@title {{ case.no_such_field }}", "UndefinedError"),
        ("@@title {{ nothing_here }}", "UndefinedError"),
        ("{% for x in %}", "TemplateSyntaxError"),
        ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "SecurityError"),
        ("{% if false %}x{% endif %}", "empty document"),
    ],
)
def test_a_broken_template_is_refused_and_the_previous_stays(
    client, login, dummy_staff, db_session, broken, reason
):
    good = save_template("session", DEFAULTS["session"] + "附注：以上记录经当事人确认。\n", by=None)
    login(dummy_staff)
    response = client.post("/mediation/documents/templates/session", data={"body": broken})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert reason in page
    assert "previous version stays in use" in page or "原版本继续使用" in page
    assert _versions(db_session, "session") == 1
    assert active_body("session") == good.body
    with pytest.raises(TemplateRefused):
        save_template("session", broken, by=None)


def test_versions_are_numbered_and_kept(db_session):
    first = save_template("evidence_list", DEFAULTS["evidence_list"] + "v1\n", by=None)
    second = save_template("evidence_list", DEFAULTS["evidence_list"] + "v2\n", by=None)
    assert (first.version, second.version) == (1, 2)
    assert active_body("evidence_list").endswith("v2\n")
    assert _versions(db_session, "evidence_list") == 2


def test_only_staff_edit_templates(client, login, create_mediator):
    login(create_mediator())
    assert client.get("/mediation/documents/templates").status_code == 403
    assert (
        client.post("/mediation/documents/templates/agreement", data={"body": "x"}).status_code
        == 403
    )


def test_unknown_template_is_404(client, login, dummy_staff):
    login(dummy_staff)
    assert client.get("/mediation/documents/templates/nothing").status_code == 404
    assert client.get("/mediation/documents/templates").status_code == 200


def test_a_stored_template_that_breaks_on_a_case_is_reported_not_a_500(
    client, login, dummy_staff, create_case
):
    save_template("acceptance", "@@title 登记表\n金额加一：{{ case.amount + 1 }}\n", by=None)
    case = create_case(amount=None)
    rendered = render_document("acceptance", case)
    assert not rendered.ok
    assert rendered.problems[0].startswith("人民调解受理登记表：模板无法生成（TypeError")
    login(dummy_staff)
    response = client.get(f"/mediation/documents/case/{case.id}/docx/acceptance")
    assert response.status_code == 422
    assert "模板无法生成" in response.get_data(as_text=True)


def test_an_older_version_can_be_used_again(client, login, dummy_staff, db_session):
    first = save_template("cover", DEFAULTS["cover"] + "@@note 第一版\n", by=None)
    save_template("cover", DEFAULTS["cover"] + "@@note 第二版\n", by=None)
    login(dummy_staff)
    response = client.post(f"/mediation/documents/templates/cover/restore/{first.id}")
    assert response.status_code == 302
    assert active_body("cover") == first.body
    assert _versions(db_session, "cover") == 3
    assert (
        client.post(f"/mediation/documents/templates/agreement/restore/{first.id}").status_code
        == 404
    )
