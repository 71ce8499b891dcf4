"""Two escalation runs at once on PostgreSQL: each overdue referral is escalated, and its officer told, once."""
import threading

import pytest
from sqlalchemy import func, select

from marketplace.notifications.models import Notification
from marketplace.platform.extensions import db
from marketplace.referrals import escalation
from marketplace.referrals.models import ReferralAction
from tests.db_setup import is_postgres
from tests.referrals.lights_helpers import running

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]


def test_two_runs_at_once_notify_once(app, care):
    ids = [running(care, household, due_in_days=-1).id for household in (care.home, care.family, care.home)]
    barrier, results = threading.Barrier(4), [None] * 4

    def run(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = escalation.escalate_overdue()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sum(results) == 3, results
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "referral_escalated")) == 3
    assert db.session.scalar(select(func.count()).select_from(ReferralAction).where(
        ReferralAction.referral_id.in_(ids), ReferralAction.kind == "escalation")) == 3
