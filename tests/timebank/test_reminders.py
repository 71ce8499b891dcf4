"""Reminders go out through the outbox: a signup is marked reminded only together with its email."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.outbox.models import OutboxMessage
from marketplace.platform.extensions import db


def test_reminders_are_marked_sent_only_with_their_email(app, create_activity, create_user, monkeypatch):
    from marketplace.timebank.activities import notices, service
    from marketplace.timebank.models import Signup

    activity = create_activity(starts_in=timedelta(hours=5))
    signup = service.sign_up(activity.id, create_user())

    def unqueueable(signup):
        raise RuntimeError("template broken")

    monkeypatch.setattr(notices, "reminder", unqueueable)
    with pytest.raises(RuntimeError):
        service.send_reminders()
    db.session.rollback()
    assert db.session.get(Signup, signup.id).reminded_at is None
    monkeypatch.undo()
    assert service.send_reminders() == 1
    assert db.session.get(Signup, signup.id).reminded_at is not None
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
