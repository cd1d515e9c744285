"""Every view of a confidential case is audited exactly once while other requests write: the
entry is inserted in a transaction of its own once the page's reads have ended, which on SQLite
takes the write lock when it begins (waiting for it) instead of failing for a stale snapshot."""

import threading

import pytest
from sqlalchemy import func, insert, select

from mediation import views
from mediation.models import CaseStatus, MemberRole
from portal.audit.models import AuditEntry
from portal.core.db import db
from portal.notifications.models import OutgoingEmail

pytestmark = pytest.mark.concurrency

VIEWS = 12


def _another_request_commits():
    with db.engine.connect() as other:
        other.execute(
            insert(OutgoingEmail.__table__).values(recipient="w@example.com", subject="w", body="")
        )
        other.commit()


@pytest.fixture
def viewed_case(shared_app, create_committee, create_mediator, create_case, create_enterprise_user):
    """A case in mediation in the shared app's database, committed: its id and the (id, email)
    of its applicant and of its mediator."""
    with shared_app.app_context():
        committee = create_committee()
        create_mediator(committee, role=MemberRole.director)
        mediator = create_mediator(committee)
        applicant = create_enterprise_user()
        case = create_case(
            committee,
            status=CaseStatus.in_mediation,
            applicant_user=applicant,
            mediator_member=mediator,
        )
        viewers = [(user.id, user.email) for user in (applicant, mediator.user)]
        case_id = case.id
        db.session.commit()
        db.session.remove()
    # Outside the app context: each request of the test pushes its own, as in a server.
    return case_id, viewers


def _views_of(app, case_id) -> dict[int, int]:
    with app.app_context():
        rows = db.session.execute(
            select(AuditEntry.user_id, func.count())
            .where(AuditEntry.action == "case.view", AuditEntry.object_id == str(case_id))
            .group_by(AuditEntry.user_id)
        ).all()
        db.session.remove()
    return dict(rows)


def _client(app, email):
    from tests.fixtures.accounts import PASSWORD

    client = app.test_client()
    response = client.post("/account/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_view_whose_reads_began_before_another_commit_is_audited(
    shared_app, viewed_case, monkeypatch
):
    case_id, [(user_id, email), _mediator] = viewed_case
    client = _client(shared_app, email)
    real_render = views.render_template

    def render_while_another_request_commits(*args, **kwargs):
        _another_request_commits()  # after the page's reads began, before its entry
        return real_render(*args, **kwargs)

    monkeypatch.setattr(views, "render_template", render_while_another_request_commits)
    assert client.get(f"/mediation/cases/{case_id}").status_code == 200
    assert _views_of(shared_app, case_id) == {user_id: 1}


def test_views_while_another_request_writes_each_get_exactly_one_entry(shared_app, viewed_case):
    case_id, viewers = viewed_case
    clients = [_client(shared_app, email) for _user_id, email in viewers]
    viewing = threading.Barrier(len(clients) + 1)
    statuses, done = [], threading.Event()

    def view(client):
        viewing.wait(timeout=30)
        for _ in range(VIEWS):
            statuses.append(client.get(f"/mediation/cases/{case_id}").status_code)

    def write():
        viewing.wait(timeout=30)
        with shared_app.app_context():
            while not done.wait(0.002):  # a busy writer, not one that never lets go
                _another_request_commits()

    threads = [threading.Thread(target=view, args=(client,)) for client in clients]
    writer = threading.Thread(target=write)
    for thread in [*threads, writer]:
        thread.start()
    for thread in threads:
        thread.join(60)
    done.set()
    writer.join(60)
    assert not any(thread.is_alive() for thread in [*threads, writer])
    assert statuses == [200] * (VIEWS * len(clients))
    assert _views_of(shared_app, case_id) == {user_id: VIEWS for user_id, _email in viewers}
