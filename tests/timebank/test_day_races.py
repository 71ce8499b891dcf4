"""Races around one volunteer's day on PostgreSQL: two approvals of different attendances at once stay
within the daily cap, and attendance entered by hand never changes a record a reviewer is deciding."""
from datetime import timedelta

import pytest

from marketplace.auth.models import User
from marketplace.ledger import service as ledger
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_today
from marketplace.timebank.activities import service
from marketplace.timebank.models import Attendance
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]

ROUNDS = 20


@pytest.fixture
def day(app, create_activity):
    """Two one-hour activities back to back on one local day, two days from now, with room for every round."""
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9
    nine = day_start(local_today(), 2) + timedelta(hours=9)
    return [create_activity(starts_at=nine + timedelta(hours=i), ends_at=nine + timedelta(hours=i + 1),
                            capacity=ROUNDS) for i in (0, 1)]


def _attend(activity, volunteer, minutes=60):
    service.sign_up(activity.id, volunteer)
    service.scan(service.scan_token(activity, "in"), volunteer, now=activity.starts_at)
    return service.scan(service.scan_token(activity, "out"), volunteer,
                        now=activity.starts_at + timedelta(minutes=minutes)).id


def test_two_approvals_of_one_volunteers_day_at_once_stay_within_the_daily_cap(app, team, day, create_user):
    app.config["TIMEBANK_DAILY_CAP_MINUTES"] = 90  # one hour fits, two do not
    rounds = []
    for _ in range(ROUNDS):
        volunteer = create_user()
        rounds.append((volunteer.id, [_attend(activity, volunteer) for activity in day]))
    reviewers = (team.coordinator.id, team.other_coordinator.id)
    for volunteer_id, attendance_ids in rounds:
        results = run_together(app, 2, lambda i, ids=attendance_ids: service.approve_attendance(
            ids[i], db.session.get(User, reviewers[i])).status)
        db.session.expire_all()
        assert sorted(map(str, results)).count("approved") == 1, f"both approvals passed the cap: {results}"
        refused = next(r for r in results if r != "approved")
        assert isinstance(refused, InvalidInput), refused
        assert "at most 30 more minutes can be credited that day" in str(refused.fields["minutes"][0])
        assert ledger.balance(service.savings_account(volunteer_id)).posted == 60
        statuses = sorted(db.session.get(Attendance, i).status for i in attendance_ids)
        assert statuses == ["approved", "pending"]


def test_attendance_by_hand_and_its_approval_at_once_never_leave_minutes_unlike_the_times(app, team, day,
                                                                                        create_user):
    morning = day[0]
    rounds = []
    for _ in range(ROUNDS):
        volunteer = create_user()
        rounds.append((volunteer, _attend(morning, volunteer, 30)))
    for volunteer, attendance_id in rounds:
        def work(i, email=volunteer.email, attendance_id=attendance_id):
            if i == 0:
                return service.approve_attendance(attendance_id, db.session.get(User, team.other_coordinator.id))
            return service.record_by_hand(db.session.get(User, team.coordinator.id), morning.id, email,
                                          morning.starts_at, morning.ends_at, "phone battery died")

        results = run_together(app, 2, work)
        db.session.expire_all()
        assert not isinstance(results[0], Exception), results
        final = db.session.get(Attendance, attendance_id)
        if isinstance(results[1], Exception):  # the approval came first: the hand entry is refused, unchanged
            assert isinstance(results[1], Conflict), results
            assert str(results[1].message) == "Already approved by 另一位协调员."
        assert final.status == "approved"
        assert final.minutes_granted == service.minutes_earned(final), "approved minutes unlike the recorded times"
        assert ledger.balance(service.savings_account(volunteer)).posted == final.minutes_granted
