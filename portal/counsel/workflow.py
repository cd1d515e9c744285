"""The state tables of counsel services and requests, and the one transition() of each."""

from flask import url_for
from flask_babel import lazy_gettext as _l

from portal.audit.operations import log
from portal.core.db import db, utcnow
from portal.counsel import permissions
from portal.counsel.models import (
    REQUEST_STATUS_LABELS,
    SERVICE_STATUS_LABELS,
    CounselServiceEvent,
    RequestStatus,
    ServiceStatus,
)
from portal.notifications.operations import notify


class CounselError(ValueError):
    """A refused change; str(error) is a message for the user."""


S = ServiceStatus
SERVICE_TRANSITIONS = {
    (S.logged, S.confirmed): permissions.can_answer_for_firm,
    (S.logged, S.disputed): permissions.can_answer_for_firm,
    (S.logged, S.withdrawn): permissions.can_change_own_service,
    # The counsel corrects a disputed entry and submits it again, or withdraws it.
    (S.disputed, S.logged): permissions.can_change_own_service,
    (S.disputed, S.withdrawn): permissions.can_change_own_service,
}


def _service_url(service):
    return url_for("counsel.service", service_id=service.id)


def transition_service(service, to, by, *, note: str = ""):
    """The only place a service's status changes."""
    to = ServiceStatus(to)
    rule = SERVICE_TRANSITIONS.get((service.status, to))
    if rule is None:
        raise CounselError(
            _l(
                "A service that is %(current)s cannot become %(target)s.",
                current=SERVICE_STATUS_LABELS[service.status],
                target=SERVICE_STATUS_LABELS[to],
            )
        )
    if not rule(by, service):
        raise CounselError(_l("You may not change this service."))
    note = (note or "").strip()
    if to == S.disputed and not note:
        raise CounselError(_l("Please give the reason why you dispute this service."))
    before = service.status
    service.status = to
    service.status_changed_by_id = by.id
    service.status_changed_dt = utcnow()
    if to == S.disputed:
        service.dispute_reason = note
    db.session.add(
        CounselServiceEvent(
            service=service, from_status=before.value, to_status=to.value, note=note, by_id=by.id
        )
    )
    log(
        f"counsel_service.{to.value}",
        service,
        by=by,
        summary=f"{before.value} -> {to.value}",
        data={"from": before.value, "to": to.value, "note": note[:200]},
    )
    if to in (S.confirmed, S.disputed):
        notify(
            [service.lawyer],
            _l("%(firm)s answered your service entry: %(status)s"),
            url=_service_url(service),
            firm=service.enterprise.name,
            status=SERVICE_STATUS_LABELS[to],
        )
    elif to == S.logged:
        notify(
            service.enterprise.users,
            _l("Your counsel corrected a service entry; please confirm it."),
            url=_service_url(service),
        )
    return service


R = RequestStatus
REQUEST_TRANSITIONS = {
    (R.open, R.answered): permissions.can_answer_request,
    (R.answered, R.open): permissions.can_close_request,  # the firm asks a follow-up
    (R.answered, R.closed): permissions.can_close_request,
    (R.open, R.closed): permissions.can_close_request,
}


def transition_request(counsel_request, to, by, *, text: str = ""):
    """The only place a counsel request's status changes."""
    to = RequestStatus(to)
    rule = REQUEST_TRANSITIONS.get((counsel_request.status, to))
    if rule is None:
        raise CounselError(
            _l(
                "A request that is %(current)s cannot become %(target)s.",
                current=REQUEST_STATUS_LABELS[counsel_request.status],
                target=REQUEST_STATUS_LABELS[to],
            )
        )
    if not rule(by, counsel_request):
        raise CounselError(_l("You may not change this request."))
    text = (text or "").strip()
    if to == R.answered and not text:
        raise CounselError(_l("Please write your answer."))
    before = counsel_request.status
    counsel_request.status = to
    now = utcnow()
    url = url_for("counsel.request_detail", request_id=counsel_request.id)
    if to == R.answered:
        counsel_request.answer = text
        counsel_request.answered_by_id = by.id
        counsel_request.answered_dt = now
        notify(
            counsel_request.enterprise.users,
            _l("Your counsel answered: %(title)s"),
            url=url,
            title=counsel_request.title,
        )
    elif to == R.open:
        counsel_request.body = (
            f"{counsel_request.body}\n\n---\n\n{text}" if text else counsel_request.body
        )
        notify(
            counsel_request.group.lawyers,
            _l("A firm asked a follow-up: %(title)s"),
            url=url,
            title=counsel_request.title,
        )
    elif to == R.closed:
        counsel_request.closed_dt = now
    log(
        f"counsel_request.{to.value}",
        counsel_request,
        by=by,
        summary=f"{before.value} -> {to.value}",
        data={"from": before.value, "to": to.value},
    )
    return counsel_request
