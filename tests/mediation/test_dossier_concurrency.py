"""Dossier numbers are assigned atomically: concurrent archives never share a sequence number."""

import pytest

from mediation import operations
from mediation.models import Case, CaseStatus
from portal.accounts.models import User
from tests.fixtures.concurrency import requests_at_once


def test_concurrent_archives_get_distinct_sequence_numbers(
    app, committing_db, create_case, create_committee, create_mediator
):
    db = committing_db
    url = db.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        pytest.skip("one in-memory SQLite connection is shared by all threads; runs on PostgreSQL")
    committee = create_committee()
    director = create_mediator(committee, role="director")
    create_mediator(committee)
    case_ids = [create_case(committee, status=CaseStatus.failed).id for _ in range(6)]
    director_id = director.user_id
    db.session.commit()
    db.session.remove()

    def archive(case_id):
        operations.archive(db.session.get(Case, case_id), db.session.get(User, director_id))

    outcomes = requests_at_once(app, archive, [(cid,) for cid in case_ids])
    assert [o.error for o in outcomes if not o.ok] == []
    db.session.expire_all()
    seqs = sorted(db.session.get(Case, cid).dossier_seq for cid in case_ids)
    assert seqs == [1, 2, 3, 4, 5, 6]
