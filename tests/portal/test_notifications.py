"""Inbox notifications and the e-mail outbox: queued in the request, sent later, retried."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.core.db import db, utcnow
from portal.notifications.models import Notification, OutgoingEmail
from portal.notifications.operations import notify, send_queued_email, unread_count


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Mailbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A local SMTP server; the app is configured to send through it."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    yield mailbox
    controller.stop()


@pytest.fixture
def smtp_down(app, monkeypatch):
    """SMTP configured, but nothing listens on the port."""
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())


def outbox():
    return db.session.scalars(select(OutgoingEmail).order_by(OutgoingEmail.id)).all()


def test_notify_fills_the_inbox_and_queues_an_email_in_each_users_language(app, create_user):
    chinese, english = create_user(locale="zh_CN"), create_user(locale="en")
    notify([chinese, english, chinese], _l("Your profile is saved."), url="/account/profile")
    assert unread_count(chinese) == 1 and unread_count(english) == 1
    texts = {n.user_id: n.text for n in db.session.scalars(select(Notification))}
    assert texts == {chinese.id: "个人资料已保存。", english.id: "Your profile is saved."}
    mails = outbox()
    assert [m.recipient for m in mails] == [chinese.email, english.email]
    assert all(m.status == "queued" for m in mails)
    assert "/account/profile" in mails[0].body


def test_many_recipients_in_alternating_languages_each_get_their_own(app, create_user):
    # The text is rendered once per language: interleaved recipients must not get the other's.
    people = [create_user(locale=locale) for locale in ("zh_CN", "en", "zh_CN", "en", "zh_CN")]
    notify(people, _l("Your profile is saved."), url="/account/profile")
    texts = {n.user_id: n.text for n in db.session.scalars(select(Notification))}
    chinese, english = "个人资料已保存。", "Your profile is saved."
    assert [texts[p.id] for p in people] == [chinese, english, chinese, english, chinese]


def test_a_notification_in_another_language_leaves_the_requests_own_language(app, create_user):
    from flask_babel import gettext

    chinese = create_user(locale="zh_CN")
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert gettext("Your profile is saved.") == "Your profile is saved."
        notify([chinese], _l("Your profile is saved."), url="/account/profile")
        assert gettext("Your profile is saved.") == "Your profile is saved."
    [note] = db.session.scalars(select(Notification)).all()
    assert note.text == "个人资料已保存。"


def test_deactivated_users_are_not_notified(app, create_user):
    gone = create_user(is_deactivated=True)
    assert notify([gone], _l("Saved.")) == []
    assert outbox() == []


def test_inbox_shows_unread_notes_and_marks_them_read(client, login, dummy_enterprise_user):
    notify([dummy_enterprise_user], _l("Saved."), url="/about")
    login(dummy_enterprise_user)
    page = client.get("/inbox").get_data(as_text=True)
    assert "已保存。" in page and "未读" in page
    assert client.post("/inbox/read").status_code == 302
    assert unread_count(dummy_enterprise_user) == 0


def test_a_request_only_queues_email_even_when_smtp_is_down(
    client, login, dummy_staff, create_enterprise_user, smtp_down
):
    applicant = create_enterprise_user(verification="pending")
    login(dummy_staff)
    response = client.post(
        f"/account/staff/users/{applicant.id}/verify", data={"decision": "approve"}
    )
    assert response.status_code == 302
    [mail] = outbox()
    assert mail.recipient == applicant.email and mail.status == "queued" and mail.attempts == 0
    assert unread_count(applicant) == 1


def test_queued_email_is_sent_through_smtp(app, create_user, smtp_server):
    user = create_user(locale="en")
    notify([user], _l("Your profile is saved."), url="/account/profile")
    assert send_queued_email() == {"sent": 1, "failed": 0}
    [envelope] = smtp_server.messages
    assert envelope.rcpt_tos == [user.email]
    assert b"Subject: Your profile is saved." in envelope.content
    [mail] = outbox()
    assert mail.status == "sent" and mail.sent_dt is not None
    assert send_queued_email() == {"sent": 0, "failed": 0}  # never twice


def test_a_failed_send_is_retried_later_with_back_off_then_succeeds(
    app, create_user, smtp_down, monkeypatch
):
    notify([create_user()], _l("Saved."))
    assert send_queued_email() == {"sent": 0, "failed": 1}
    [mail] = outbox()
    assert mail.status == "queued" and mail.attempts == 1 and mail.last_error
    first_wait = mail.next_attempt_dt - utcnow()
    assert timedelta(minutes=1) < first_wait <= timedelta(minutes=2)
    assert send_queued_email() == {"sent": 0, "failed": 0}  # not due yet

    mail.next_attempt_dt = utcnow()
    send_queued_email()
    assert mail.attempts == 2
    assert mail.next_attempt_dt - utcnow() > first_wait  # waits longer each time

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setitem(app.config, "MAIL_PORT", port)
        mail.next_attempt_dt = utcnow()
        assert send_queued_email() == {"sent": 1, "failed": 0}
    finally:
        controller.stop()
    assert mail.status == "sent" and len(mailbox.messages) == 1


def test_email_is_marked_failed_after_the_maximum_attempts(app, create_user, smtp_down):
    notify([create_user()], _l("Saved."))
    [mail] = outbox()
    for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
        mail.next_attempt_dt = utcnow()
        send_queued_email()
    assert mail.status == "failed" and mail.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    mail.next_attempt_dt = utcnow()
    assert send_queued_email() == {"sent": 0, "failed": 0}


def test_without_smtp_nothing_is_sent_and_mail_stays_queued(app, create_user, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", None)
    notify([create_user()], _l("Saved."))
    assert send_queued_email()["sent"] == 0
    assert outbox()[0].status == "queued"


def test_mail_send_command_reports_what_it_did(app, create_user, smtp_server):
    notify([create_user()], _l("Saved."))
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "'sent': 1" in result.output
    assert len(smtp_server.messages) == 1


def test_healthz_reports_failed_mail(client, create_user, smtp_down, app):
    assert client.get("/healthz").json["mail"] == "ok"
    notify([create_user()], _l("Saved."))
    [mail] = outbox()
    mail.status = "failed"
    db.session.flush()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json["mail"] == "1 failed, 0 queued"


def test_staff_see_failed_mail_and_send_it_again(client, login, dummy_staff, create_user):
    notify([create_user(email="typo@example.com")], _l("Saved."))
    [mail] = outbox()
    mail.status, mail.attempts, mail.last_error = "failed", 5, "550 no such user"
    login(dummy_staff)
    page = client.get("/staff/outbox").get_data(as_text=True)
    assert "typo@example.com" in page and "550 no such user" in page
    response = client.post(f"/staff/outbox/{mail.id}/retry")
    assert response.status_code == 302
    assert (mail.status, mail.attempts) == ("queued", 0)
    assert "typo@example.com" in client.get("/staff/outbox?status=queued").get_data(as_text=True)


def test_the_outbox_is_for_staff_only(client, login, dummy_enterprise_user, dummy_staff):
    login(dummy_enterprise_user)
    assert client.get("/staff/outbox").status_code == 403
    client.post("/account/logout")
    login(dummy_staff)
    assert client.post("/staff/outbox/999999/retry").status_code == 404


def test_a_template_follows_a_language_forced_within_the_request(app):
    from flask_babel import force_locale

    # Straight through Jinja: render_template's context processors would look the catalog up
    # through Flask-Babel first.
    page = app.jinja_env.from_string(
        "{{ _('Inbox') }} {% trans %}Inbox{% endtrans %} {{ moment|datetime }}"
    )
    moment = utcnow().replace(year=2026, month=11, day=10, hour=11, minute=30)
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert page.render(moment=moment) == "Inbox Inbox 10 Nov 2026, 19:30"
        with force_locale("zh_CN"):
            assert page.render(moment=moment) == "消息 消息 2026年11月10日 19:30"
        assert page.render(moment=moment) == "Inbox Inbox 10 Nov 2026, 19:30"
