"""The case workflow: the whole transition table, preconditions, agreement contents, dossier numbers."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from mediation import operations
from mediation.models import AgreementKind, CaseEvent, CaseStatus, DossierCounter
from mediation.operations import TRANSITIONS, MediationError, NotPermitted, TransitionRefused
from portal.audit.models import AuditEntry
from portal.core import clock
from portal.notifications.models import Notification
from tests.fixtures.mediation import prepare_for

pytestmark = pytest.mark.usefixtures("request_context")

ALL_PAIRS = [(a, b) for a in CaseStatus for b in CaseStatus]
ALLOWED = [(a, b) for a, b in ALL_PAIRS if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a, b in ALL_PAIRS if b not in TRANSITIONS[a]]


def test_every_status_has_a_row_in_the_table():
    assert set(TRANSITIONS) == set(CaseStatus)


@pytest.mark.parametrize(("start", "target"), ALLOWED, ids=[f"{a}->{b}" for a, b in ALLOWED])
def test_allowed_transition_works_with_audit_timeline_and_notice(
    start, target, create_case, dummy_committee, dummy_mediator, dummy_director, dummy_applicant
):
    case = create_case(dummy_committee, status=start, applicant_user=dummy_applicant)
    prepare_for(case, target)
    operations.transition(case, target, dummy_director.user)
    assert case.status == target
    event = case.events[-1]
    assert (event.from_status, event.to_status) == (str(start), str(target))
    audit = select(AuditEntry).where(
        AuditEntry.object_id == str(case.id), AuditEntry.action == f"mediation_case.{target}"
    )
    assert len(list(operations.db.session.scalars(audit))) >= 1
    notes = operations.db.session.scalars(
        select(Notification).where(Notification.user_id == dummy_applicant.id)
    ).all()
    assert notes, "the applicant party is told"


@pytest.mark.parametrize(("start", "target"), REFUSED, ids=[f"{a}->{b}" for a, b in REFUSED])
def test_refused_transition_changes_nothing(
    start, target, create_case, dummy_committee, dummy_mediator, dummy_director
):
    case = create_case(dummy_committee, status=start)
    events_before = len(case.events)
    prepare_for(case, target)
    with pytest.raises(TransitionRefused):
        operations.transition(case, target, dummy_director.user)
    assert case.status == start
    assert len(case.events) == events_before


def test_a_party_cannot_accept_its_own_case(dummy_case, dummy_applicant):
    with pytest.raises(NotPermitted):
        operations.transition(dummy_case, CaseStatus.accepted, dummy_applicant)
    assert dummy_case.status == CaseStatus.applied


def test_a_party_may_withdraw(dummy_case, dummy_applicant):
    operations.withdraw(dummy_case, dummy_applicant, "双方已自行和解")
    assert dummy_case.status == CaseStatus.withdrawn
    assert dummy_case.withdrawal_reason == "双方已自行和解"


def test_mediation_cannot_begin_before_the_rights_notice(
    create_case, dummy_committee, dummy_mediator, dummy_director
):
    case = create_case(dummy_committee, status=CaseStatus.mediators_assigned)
    with pytest.raises(TransitionRefused, match="rights|权利义务"):
        operations.transition(case, CaseStatus.in_mediation, dummy_director.user)
    operations.record_rights_notice(case, dummy_mediator.user)
    operations.transition(case, CaseStatus.in_mediation, dummy_mediator.user)
    assert case.status == CaseStatus.in_mediation


def test_acceptance_sets_the_duration_limit(dummy_case, dummy_director, dummy_committee):
    dummy_committee.duration_limit_days = 20
    operations.accept(dummy_case, dummy_director.user)
    assert dummy_case.due_dt - dummy_case.accepted_dt == timedelta(days=20)
    assert not dummy_case.is_overdue()
    assert dummy_case.is_overdue(dummy_case.due_dt + timedelta(minutes=1))


def test_decline_records_the_reason(dummy_case, dummy_director):
    operations.decline(dummy_case, dummy_director.user, "party_objects", "被申请人明确拒绝调解")
    assert dummy_case.status == CaseStatus.declined
    assert dummy_case.declined_reason == "party_objects"


def agreement_fields() -> dict:
    """A complete written agreement, dated by the (possibly frozen) clock."""
    return {
        "parties_text": "申请人沈阳某商贸有限公司；被申请人沈阳某机械有限公司",
        "facts": "被申请人拖欠货款 12 万元，双方对利息有争议。",
        "responsibilities": "被申请人承担付款责任。",
        "terms": "被申请人支付货款 12 万元，申请人放弃利息。",
        "performance_manner": "银行转账",
        "performance_deadline": clock.today() + timedelta(days=30),
        "signed_on": clock.today(),
        "effective_on": clock.today(),
    }


@pytest.mark.parametrize("missing", sorted(operations.WRITTEN_REQUIRED))
def test_written_agreement_missing_a_required_content_is_refused(
    missing, create_case, dummy_committee, dummy_mediator
):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    is_date = missing in ("performance_deadline", "effective_on")
    values = {**agreement_fields(), missing: None if is_date else "  "}
    with pytest.raises(MediationError) as info:
        operations.record_agreement(case, dummy_mediator.user, kind=AgreementKind.written, **values)
    assert missing in info.value.errors
    assert case.status == CaseStatus.in_mediation
    assert case.agreement is None


def test_complete_written_agreement_opens_the_confirmation_window(
    create_case, dummy_committee, dummy_mediator
):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    agreement = operations.record_agreement(
        case, dummy_mediator.user, kind=AgreementKind.written, **agreement_fields()
    )
    assert case.status == CaseStatus.agreement_reached
    assert agreement.confirmation_deadline == clock.today() + timedelta(days=30)


def test_oral_agreement_needs_only_its_record(create_case, dummy_committee, dummy_mediator):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    with pytest.raises(MediationError):
        operations.record_agreement(
            case, dummy_mediator.user, kind=AgreementKind.oral, effective_on=clock.today()
        )
    operations.record_agreement(
        case,
        dummy_mediator.user,
        kind=AgreementKind.oral,
        oral_record="双方当场达成口头协议，即时履行完毕。",
        effective_on=clock.today(),
    )
    assert case.status == CaseStatus.agreement_reached


def test_dates_in_the_wrong_order_are_refused(create_case, dummy_committee, dummy_mediator):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    values = {**agreement_fields(), "performance_deadline": clock.today() - timedelta(days=1)}
    with pytest.raises(MediationError) as info:
        operations.record_agreement(case, dummy_mediator.user, kind=AgreementKind.written, **values)
    assert "performance_deadline" in info.value.errors
    signed_late = {
        **agreement_fields(),
        "signed_on": clock.today(),
        "effective_on": clock.today() - timedelta(1),
    }
    with pytest.raises(MediationError) as info:
        operations.record_agreement(
            case, dummy_mediator.user, kind=AgreementKind.written, **signed_late
        )
    assert "effective_on" in info.value.errors
    start = operations.utcnow()
    with pytest.raises(MediationError) as info:
        operations.add_session(
            case,
            dummy_mediator.user,
            held_dt=start,
            ended_dt=start - timedelta(hours=1),
            attendees="双方",
            record="调解",
        )
    assert "ended_dt" in info.value.errors
    assert case.sessions == []


def test_failure_tells_the_parties_the_other_routes(create_case, dummy_committee, dummy_mediator):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    operations.fail(case, dummy_mediator.user, "双方分歧较大")
    assert case.status == CaseStatus.failed
    assert case.termination_notice == "双方分歧较大"


def test_return_visit_before_the_agreement_takes_effect_is_refused(
    create_case, dummy_committee, dummy_mediator
):
    case = create_case(dummy_committee, status=CaseStatus.agreement_reached)
    with pytest.raises(MediationError) as info:
        operations.record_return_visit(
            case,
            dummy_mediator.user,
            visited_on=case.agreement.effective_on - timedelta(days=2),
            performance="full",
            record="x",
        )
    assert "visited_on" in info.value.errors
    operations.record_return_visit(
        case, dummy_mediator.user, visited_on=clock.today(), performance="full", record="已履行"
    )
    assert case.status == CaseStatus.return_visited


def test_dossier_numbers_follow_the_pattern_in_sequence_per_committee_and_year(
    create_case, create_committee, create_mediator, dummy_committee, dummy_mediator, dummy_director
):
    dummy_committee.dossier_prefix = "沈商调"
    year = operations.to_local(operations.utcnow()).year
    numbers = []
    for _ in range(3):
        case = create_case(dummy_committee, status=CaseStatus.return_visited)
        operations.archive(case, dummy_director.user)
        numbers.append(case.dossier_number)
    assert numbers == [f"沈商调〔{year}〕{n}号" for n in (1, 2, 3)]
    other = create_committee(dossier_prefix="沈温调", dossier_pattern="{prefix}[{year}]第{seq}号")
    director = create_mediator(other, role="director")
    create_mediator(other)
    case = create_case(other, status=CaseStatus.failed)
    operations.archive(case, director.user)
    assert case.dossier_number == f"沈温调[{year}]第1号"
    counter = operations.db.session.get(DossierCounter, (dummy_committee.id, year))
    assert counter.last_seq == 3


def test_recusal_is_recorded_and_the_mediator_loses_the_case(
    create_case, create_mediator, dummy_committee, dummy_mediator, dummy_director
):
    case = create_case(
        dummy_committee, status=CaseStatus.in_mediation, mediator_member=dummy_mediator
    )
    second = create_mediator(dummy_committee)
    operations.assign_mediators(case, dummy_director.user, [second])
    cm = next(cm for cm in case.mediators if cm.member_id == dummy_mediator.id)
    operations.recuse(cm, dummy_mediator.user, "与被申请人法定代表人系亲属")
    assert cm.recused_dt is not None and cm.recusal_reason
    assert [m.member_id for m in case.active_mediators] == [second.id]
    assert any(e.action == "recusal" for e in case.events)
    from mediation.permissions import can_view_case

    assert not can_view_case(dummy_mediator.user, case)
    with pytest.raises(MediationError):
        operations.assign_mediators(case, dummy_director.user, [dummy_mediator])


def test_a_mediator_with_an_interest_cannot_be_assigned(
    create_case, create_mediator, dummy_committee, dummy_director, dummy_applicant
):
    case = create_case(dummy_committee, status=CaseStatus.accepted, applicant_user=dummy_applicant)
    interested = create_mediator(dummy_committee, enterprise=dummy_applicant.enterprise)
    with pytest.raises(MediationError, match="interest|利害关系"):
        operations.assign_mediators(case, dummy_director.user, [interested])
    assert case.mediators == []
    assert case.status == CaseStatus.accepted


def test_party_choice_is_marked_on_assignment(
    create_case, create_mediator, dummy_committee, dummy_director, dummy_applicant
):
    case = create_case(dummy_committee, applicant_user=dummy_applicant)
    chosen = create_mediator(dummy_committee)
    operations.choose_mediator(case, dummy_applicant, chosen)
    operations.accept(case, dummy_director.user)
    operations.assign_mediators(case, dummy_director.user, [chosen])
    assert case.mediators[0].chosen_by_party
    assert case.status == CaseStatus.mediators_assigned


def test_reminders_are_sent_once(create_case, dummy_committee, dummy_mediator):
    case = create_case(dummy_committee, status=CaseStatus.in_mediation)
    case.due_dt = operations.utcnow() - timedelta(days=1)
    first = operations.send_reminders()
    second = operations.send_reminders()
    assert first["overdue"] == 1
    assert second["overdue"] == 0
    reminders = [e for e in case.events if e.action == "reminder"]
    assert len(reminders) == 1


def test_confirmation_window_is_reminded_near_its_end(create_case, dummy_committee, dummy_mediator):
    case = create_case(dummy_committee, status=CaseStatus.agreement_reached)
    case.agreement.effective_on = clock.today() - timedelta(days=25)
    counts = operations.send_reminders()
    assert counts["confirmation_window"] == 1
    assert case.agreement.confirmation_reminded_dt is not None


def test_timeline_has_one_entry_per_transition(create_case, dummy_committee, dummy_mediator):
    case = create_case(dummy_committee, status=CaseStatus.archived)
    transitions = [e for e in case.events if e.action == "transition"]
    assert [e.to_status for e in transitions] == [
        "accepted",
        "mediators_assigned",
        "in_mediation",
        "agreement_reached",
        "return_visited",
        "archived",
    ]
    assert all(isinstance(e, CaseEvent) for e in transitions)


def test_a_case_changed_meanwhile_is_not_moved_twice(dummy_case, dummy_director):
    from sqlalchemy import update

    from mediation.models import Case

    # someone else accepted the case after this session loaded it
    operations.db.session.execute(
        update(Case)
        .where(Case.id == dummy_case.id)
        .values(status=CaseStatus.accepted)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(TransitionRefused, match="Someone else|他人修改"):
        operations.transition(dummy_case, CaseStatus.withdrawn, dummy_director.user)
    operations.db.session.refresh(dummy_case)
    assert dummy_case.status == CaseStatus.accepted
