"""Two digest runs at once (two hosts' cron) still send each person one digest a week: the week's row is
unique, and the loser's email, written in the same transaction, is rolled back with it."""
import pytest
from sqlalchemy import func, select

from marketplace.notifications import digest
from marketplace.notifications import service as notifications
from marketplace.notifications.kinds import DIGEST
from marketplace.notifications.models import NotificationDigest
from marketplace.outbox.models import OutboxMessage
from marketplace.platform.extensions import db
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together


@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL, parallel connections)")
def test_digests_run_at_once_send_once(app, create_user):
    people = [create_user() for _ in range(3)]
    for person in people:
        notifications.set_email_choices(person, {DIGEST: True, "listing_update": False})
        notifications.notify(person, "listing_update", title="进展")
    db.session.commit()
    before = db.session.scalar(select(func.count(OutboxMessage.id)))
    results = run_together(app, 4, lambda i: digest.send_weekly_digests())
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(results) == 3
    assert db.session.scalar(select(func.count(NotificationDigest.id))) == 3
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == before + 3
