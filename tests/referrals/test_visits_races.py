"""Two visits to one household recorded at the same moment on PostgreSQL both count: the household's row is
locked, so the later visit day always ends up as its last visit (no lost update)."""
from datetime import timedelta

import pytest

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.referrals import visits
from marketplace.referrals.models import HouseholdCare, Visit
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]

ROUNDS = 8


def test_two_visits_recorded_at_once_never_lose_the_later_day(app, care):
    household, people = care.home.beneficiary_id, (care.station.worker.id, care.volunteer.id)
    for round_ in range(ROUNDS):
        today = local_today()
        days = (today - timedelta(days=ROUNDS - round_), today - timedelta(days=ROUNDS - round_ + 1))
        if round_ % 2:
            days = days[::-1]

        def work(i, days=days):
            return visits.record_visit(db.session.get(User, people[i]), household, visited_on=days[i], mode="home",
                                       minutes=30, living="正常").id

        results = run_together(app, 2, work)
        assert all(isinstance(r, int) for r in results), results
        db.session.expire_all()
        assert db.session.get(HouseholdCare, household).last_visited_on == max(days)
    assert db.session.query(Visit).filter_by(beneficiary_id=household).count() == 2 * ROUNDS


def test_needs_recorded_and_done_at_once_keep_the_households_count_and_deadline_true(app, care):
    from marketplace.referrals import service

    household, worker = care.home.beneficiary_id, care.station.worker.id
    results = run_together(app, 8, lambda i: service.intake(
        db.session.get(User, worker), household, source="social_worker", need_kind="living",
        urgency="normal", description=f"需要 {i}").id)
    assert all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    care_row = db.session.get(HouseholdCare, household)
    assert care_row.open_referrals == 8  # each count saw the others' needs: the household's row was locked
    assert care_row.referral_due_at is not None
