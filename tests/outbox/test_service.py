"""Mail goes through the outbox: written with the change, sent after the commit, retried, sent once."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.outbox import service as outbox
from marketplace.outbox.models import OutboxMessage
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from tests.conftest import PASSWORD


@pytest.fixture
def broken_mail(monkeypatch):
    """Make every send fail as a refused SMTP connection does; `.fix()` mends it."""
    import flask_mailman

    real = flask_mailman.EmailMessage.send

    def broken(self, *args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(flask_mailman.EmailMessage, "send", broken)

    class Switch:
        @staticmethod
        def fix():
            monkeypatch.setattr(flask_mailman.EmailMessage, "send", real)

    return Switch


def rows():
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_a_failing_mail_server_leaves_the_sign_up_done_and_its_email_waiting(client, auth, mailbox, broken_mail):
    response = auth.post("/auth/register", {"display_name": "李雷", "email": "new@example.org",
                                            "password": PASSWORD, "locale": "en"}, form_page="/auth/register")
    assert response.status_code == 200  # the account exists; its email waits
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is not None
    [row] = rows()
    assert row.delivered_at is None and row.attempts == 1 and "mail server down" in row.last_error
    assert row.available_at > now_utc() and mailbox.messages == []
    broken_mail.fix()
    assert outbox.deliver_due() == 0  # backing off: not yet
    assert outbox.deliver_due(now=row.available_at + timedelta(seconds=1)) == 1
    assert outbox.deliver_due(now=row.available_at + timedelta(hours=1)) == 0  # once
    [mail] = mailbox.messages
    assert mail.to == ["new@example.org"] and mail.extra_headers["Message-ID"] == outbox.message_id(row)
    assert client.get(mailbox.last_link("new@example.org")).status_code == 302


def test_a_rolled_back_action_sends_nothing(app, mailbox):
    from flask_mailman import EmailMessage

    outbox.add_email(EmailMessage(subject="s", body="b", from_email="a@example.org", to=["b@example.org"]))
    db.session.rollback()
    assert rows() == [] and mailbox.messages == []


def test_a_row_leased_by_a_worker_that_died_is_sent_after_the_lease_once(app, mailbox, broken_mail):
    from flask_mailman import EmailMessage

    outbox.add_email(EmailMessage(subject="s", body="b", from_email="a@example.org", to=["b@example.org"]))
    db.session.commit()  # the send fails: the row waits
    broken_mail.fix()
    [row] = rows()
    killed_at = row.available_at + timedelta(seconds=1)
    row.locked_until, row.available_at = killed_at + outbox.LEASE, killed_at  # leased, then the worker died
    db.session.commit()
    assert outbox.deliver_due(now=killed_at + timedelta(seconds=10)) == 0  # the lease still holds
    assert outbox.deliver_due(now=killed_at + outbox.LEASE + timedelta(seconds=1)) == 1
    assert outbox.deliver_due(now=killed_at + outbox.LEASE * 3) == 0
    assert len(mailbox.messages) == 1
    db.session.expire_all()
    assert rows()[0].delivered_at is not None and rows()[0].attempts == 2


def test_a_message_that_keeps_failing_is_given_up_after_the_last_attempt(app, mailbox, broken_mail):
    from flask_mailman import EmailMessage

    outbox.add_email(EmailMessage(subject="s", body="b", from_email="a@example.org", to=["b@example.org"]))
    db.session.commit()
    later = now_utc()
    for _ in range(outbox.MAX_ATTEMPTS):
        later += outbox.MAX_BACKOFF + timedelta(seconds=1)
        outbox.deliver_due(now=later)
    db.session.expire_all()
    [row] = rows()
    assert row.failed_at is not None and row.attempts == outbox.MAX_ATTEMPTS and outbox.pending_count() == 0


def test_flask_outbox_deliver_sends_what_waits(app, runner, mailbox, broken_mail):
    from flask_mailman import EmailMessage

    outbox.add_email(EmailMessage(subject="s", body="b", from_email="a@example.org", to=["b@example.org"]))
    db.session.commit()
    broken_mail.fix()
    row = rows()[0]
    row.available_at = now_utc() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["outbox", "deliver"])
    assert result.exit_code == 0 and "Sent 1 message(s); 0 waiting." in result.output
    assert len(mailbox.messages) == 1
