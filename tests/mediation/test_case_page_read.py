"""The case page reads its case as plain records (mediation.case_page): the same values, records,
order and relations as the ORM loads, and the models' own properties."""

from datetime import timedelta

from sqlalchemy import inspect

from mediation import case_page, permissions
from mediation.models import (
    Case,
    CaseMediator,
    CaseNote,
    CaseStatus,
    Evidence,
    InvestigationRecord,
    MediationSession,
)
from portal.core import clock
from portal.core.db import db, utcnow
from portal.core.links import link_records
from portal.core.models import LegalCategory, StoredFile


def _same_columns(record, obj):
    for attr in inspect(type(obj)).column_attrs:
        assert getattr(record, attr.key) == getattr(obj, attr.key), (type(obj), attr.key)


def test_the_page_reads_each_record_as_the_orm_loads_it(
    create_case, create_mediator, dummy_committee, dummy_mediator, dummy_staff
):
    category = db.session.query(LegalCategory).first()
    case = create_case(
        dummy_committee,
        status=CaseStatus.return_visited,
        mediator_member=dummy_mediator,
        category_id=category.id if category is not None else None,
    )
    stepped_aside = create_mediator(dummy_committee)
    author = dummy_mediator.user
    now = utcnow()
    stored = StoredFile(
        storage_key="case-page-read-test",
        original_name="合同.pdf",
        content_type="application/pdf",
        kind="document",
        size=3,
        sha256="0" * 64,
    )
    db.session.add_all(
        [
            CaseMediator(
                case_id=case.id,
                member=stepped_aside,
                recused_dt=now,
                recusal_reason="亲属关系",
            ),
            MediationSession(
                case_id=case.id,
                held_dt=now - timedelta(days=2),
                ended_dt=now - timedelta(days=2, hours=-1),
                place="调解室",
                attendees="双方",
                record="第一次",
                recorded_by_id=author.id,
            ),
            MediationSession(case_id=case.id, held_dt=now - timedelta(days=1), is_online=True),
            InvestigationRecord(case_id=case.id, investigated_dt=now, place="仓库"),
            Evidence(case_id=case.id, title="合同", file=stored, submitted_by="申请人"),
            CaseNote(case_id=case.id, body="私下", author_id=author.id),
            CaseNote(case_id=case.id, body="无作者"),
        ]
    )
    db.session.flush()
    link_records(case, dummy_committee, "referred_to_appeal", by=dummy_staff)
    db.session.flush()
    case_id = case.id
    db.session.expunge_all()

    page_case, has_links = case_page.read_case_page(case_id)
    case = db.session.get(Case, case_id)

    assert has_links
    _same_columns(page_case, case)
    _same_columns(page_case.committee, case.committee)
    assert [m.id for m in page_case.committee.members] == [m.id for m in case.committee.members]
    for record, member in zip(page_case.committee.members, case.committee.members, strict=True):
        _same_columns(record, member)
        assert record.user.name == member.user.name
    assert page_case.committee.director.name == case.committee.director.name
    if case.category is not None:
        _same_columns(page_case.category, case.category)
        assert page_case.category.name == case.category.name
    else:
        assert page_case.category is None
    _same_columns(page_case.agreement, case.agreement)
    assert page_case.agreement.confirmation_deadline == case.agreement.confirmation_deadline
    lists = ("events", "notes", "sessions", "investigations", "evidence", "return_visits")
    for name in (*lists, "parties", "mediators"):
        records, objs = getattr(page_case, name), getattr(case, name)
        assert objs, name  # the case has rows in each list
        assert [r.id for r in records] == [o.id for o in objs], name
        for record, obj in zip(records, objs, strict=True):
            _same_columns(record, obj)
    by_name = lambda user: user.name if user is not None else None  # noqa: E731
    assert [by_name(e.by) for e in page_case.events] == [by_name(e.by) for e in case.events]
    assert [e.label for e in page_case.events] == [e.label for e in case.events]
    assert [by_name(n.author) for n in page_case.notes] == [by_name(n.author) for n in case.notes]
    assert [by_name(s.recorded_by) for s in page_case.sessions] == [
        by_name(s.recorded_by) for s in case.sessions
    ]
    assert page_case.evidence[0].file.original_name == "合同.pdf"
    assert [cm.member.user.name for cm in page_case.mediators] == [
        cm.member.user.name for cm in case.mediators
    ]
    assert [cm.is_recused for cm in page_case.mediators] == [cm.is_recused for cm in case.mediators]
    assert [v.performance_label for v in page_case.return_visits] == [
        v.performance_label for v in case.return_visits
    ]
    assert [(p.side_label, p.kind_label) for p in page_case.parties] == [
        (p.side_label, p.kind_label) for p in case.parties
    ]
    assert page_case.status_label == case.status_label
    assert page_case.is_overdue(clock.now_utc()) == case.is_overdue(clock.now_utc())
    assert str(page_case) == str(case)
    # The permission rules answer alike for the page's records and the models.
    for user in (dummy_staff, dummy_mediator.user, stepped_aside.user):
        assert permissions.can_view_case(user, page_case) == permissions.can_view_case(user, case)
        assert permissions.can_view_private(user, page_case) == permissions.can_view_private(
            user, case
        )


def test_a_case_without_lists_reads_them_empty_and_no_case_is_none(create_case, dummy_committee):
    case = create_case(dummy_committee)
    page_case, has_links = case_page.read_case_page(case.id)
    assert not has_links
    assert page_case.agreement is None
    assert page_case.sessions == [] and page_case.notes == [] and page_case.evidence == []
    assert len(page_case.parties) == 2
    assert case_page.read_case_page(case.id + 10_000) is None
    assert case_page.read_case_page(2**31) is None
