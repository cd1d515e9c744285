"""Judicial confirmation (People's Mediation Law Art. 33): within 30 days, refused after."""

from datetime import timedelta

import pytest

from mediation import operations
from mediation.models import AgreementKind, CaseStatus
from mediation.operations import MediationError
from portal.core import clock
from tests.mediation.test_workflow import agreement_fields


def _agreement_made(create_case, committee, mediator, days_ago):
    case = create_case(committee, status=CaseStatus.in_mediation)
    effective = clock.today() - timedelta(days=days_ago)
    values = {
        **agreement_fields(),
        "signed_on": effective,
        "effective_on": effective,
        "performance_deadline": clock.today() + timedelta(days=30),
    }
    operations.record_agreement(case, mediator.user, kind=AgreementKind.written, **values)
    return case


def test_application_on_day_36_is_refused_with_the_closing_date(
    app, create_case, dummy_committee, dummy_mediator
):
    case = _agreement_made(create_case, dummy_committee, dummy_mediator, days_ago=36)
    closed = case.agreement.confirmation_deadline
    with (
        app.test_request_context(headers={"Accept-Language": "zh-CN"}),
        pytest.raises(MediationError) as info,
    ):
        operations.record_confirmation(
            case, dummy_mediator.user, applied_on=clock.today(), court="沈阳市和平区人民法院"
        )
    message = str(info.value)
    assert f"{closed.year}年{closed.month}月{closed.day}日" in message and "届满" in message
    assert info.value.errors["applied_on"] == [message]
    assert case.agreement.confirmation_applied_on is None


def test_application_on_the_last_day_is_recorded(create_case, dummy_committee, dummy_mediator):
    case = _agreement_made(create_case, dummy_committee, dummy_mediator, days_ago=30)
    operations.record_confirmation(
        case, dummy_mediator.user, applied_on=clock.today(), court="沈阳市和平区人民法院"
    )
    assert case.agreement.confirmation_applied_on == clock.today()


def test_the_form_refuses_day_36_with_the_closing_date_and_records_nothing(
    client, login, create_case, dummy_committee, dummy_mediator
):
    case = _agreement_made(create_case, dummy_committee, dummy_mediator, days_ago=36)
    closed = case.agreement.confirmation_deadline
    login(dummy_mediator.user)
    page = client.get(f"/mediation/cases/{case.id}").get_data(as_text=True)
    assert "司法确认" in page
    response = client.post(
        f"/mediation/cases/{case.id}/confirmation",
        data={"applied_on": clock.today().isoformat(), "court": "沈阳市和平区人民法院"},
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 200  # the form again, with the reason; never a 500
    assert f"{closed.year}年{closed.month}月{closed.day}日" in text and "届满" in text
    assert case.agreement.confirmation_applied_on is None
    # An application made in time and recorded late is still accepted.
    in_time = closed - timedelta(days=2)
    response = client.post(
        f"/mediation/cases/{case.id}/confirmation",
        data={"applied_on": in_time.isoformat(), "court": "沈阳市和平区人民法院"},
    )
    assert response.status_code == 302
    assert case.agreement.confirmation_applied_on == in_time
