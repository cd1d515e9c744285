"""Check-ups and appeal referrals are indexed with the same access rules as their pages."""

import pytest
from sqlalchemy import select

from knowledge.search.outbox import SearchOutbox
from portal.appeals.search import referral_document
from portal.checkups.models import Status
from portal.checkups.search import checkup_document
from portal.core.db import db


@pytest.fixture(autouse=True)
def keep_the_outbox(app, monkeypatch):
    """The inline indexer would apply and empty the outbox when a request context ends."""
    monkeypatch.setitem(app.config, "SEARCH_INDEX_INLINE", False)


def _queued(kind, object_id) -> bool:
    return (
        db.session.scalar(
            select(SearchOutbox.id).where(
                SearchOutbox.kind == kind, SearchOutbox.object_id == object_id
            )
        )
        is not None
    )


def test_a_firm_finds_its_check_up_only_once_the_report_is_delivered(dummy_checkup):
    document = checkup_document(dummy_checkup.id)
    lawyer_ids = {a.lawyer_id for a in dummy_checkup.assignments}
    assert {f"user:{i}" for i in lawyer_ids} <= set(document["access"])
    assert f"enterprise:{dummy_checkup.enterprise_id}" not in document["access"]
    assert _queued("checkup", dummy_checkup.id)

    dummy_checkup.status = Status.delivered
    assert (
        f"enterprise:{dummy_checkup.enterprise_id}" in checkup_document(dummy_checkup.id)["access"]
    )


def test_a_referral_is_private_to_staff_and_its_firm(dummy_appeal_referral):
    document = referral_document(dummy_appeal_referral.id)
    assert document["access"] == ["staff", f"enterprise:{dummy_appeal_referral.enterprise_id}"]
    assert document["title"] == dummy_appeal_referral.summary
    assert _queued("appeal_referral", dummy_appeal_referral.id)
    assert referral_document(10**9) is None
