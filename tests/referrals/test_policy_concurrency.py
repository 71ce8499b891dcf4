"""Two clicks at once on PostgreSQL: one policy check, started once."""
import pytest
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from marketplace.referrals import policy
from marketplace.referrals.models import PolicyCheck
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]


def test_ten_clicks_at_once_start_one_check(app, care):
    worker_id, home, item = care.station.worker.id, care.home.beneficiary_id, care.policy.id
    results = run_together(app, 10, lambda i: policy.mark(db.session.get(User, worker_id), home, item, "applied").id)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(PolicyCheck)) == 1
    assert db.session.scalar(select(func.count()).select_from(StateChange).where(
        StateChange.machine == "policy_check")) == 1
