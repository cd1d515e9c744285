"""Every counsel page renders for the people who may see it (no 500s)."""

from portal.core.db import db


def test_counsel_pages_render_for_each_role(
    app, login, dummy_counsel_service, dummy_staff, firm_user_of
):
    service = dummy_counsel_service
    group = service.group
    staff = login(dummy_staff, app.test_client())
    for url in (
        "/counsel",
        "/counsel?status=all",
        "/counsel/groups/new",
        "/counsel/groups/suggest",
        f"/counsel/groups/{group.id}",
        f"/counsel/services/{service.id}",
        "/counsel/reports?start=2020-01-01&end=2030-12-31",
    ):
        assert staff.get(url).status_code == 200, url
    lawyer = login(service.lawyer, app.test_client())
    for url in (
        "/counsel",
        f"/counsel/groups/{group.id}",
        f"/counsel/groups/{group.id}/services/new",
        f"/counsel/services/{service.id}",
        f"/counsel/services/{service.id}/edit",
    ):
        assert lawyer.get(url).status_code == 200, url
    assert lawyer.get("/counsel/reports").status_code == 403
    firm = login(firm_user_of(service.enterprise), app.test_client())
    for url in (
        "/counsel",
        f"/counsel/groups/{group.id}",
        f"/counsel/services/{service.id}",
        "/counsel/ask",
    ):
        assert firm.get(url).status_code == 200, url
    assert "Confirm" in firm.get(f"/counsel/services/{service.id}").get_data(
        as_text=True
    ) or "确认" in firm.get(f"/counsel/services/{service.id}").get_data(as_text=True)


def test_lawyer_corrects_a_disputed_service_and_it_goes_back_to_the_firm(
    app, login, dummy_counsel_service, firm_user_of
):
    service = dummy_counsel_service
    firm = login(firm_user_of(service.enterprise), app.test_client())
    firm.post(
        f"/counsel/services/{service.id}/status", data={"to": "disputed", "reason": "只有半小时"}
    )
    lawyer = login(service.lawyer, app.test_client())
    response = lawyer.post(
        f"/counsel/services/{service.id}/edit",
        data={
            "kind": "advice",
            "service_date": service.service_date.isoformat(),
            "minutes": "30",
            "note": "更正时长",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(service)
    assert service.minutes == 30 and service.status.value == "logged"
    assert [e.to_status for e in service.events] == ["logged", "disputed", "logged"]
