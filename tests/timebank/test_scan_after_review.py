"""Scanning in or out never changes attendance that is reviewed, or being reviewed at that moment: the
volunteer is told why, and the approved minutes always match the recorded times."""
from datetime import timedelta

import pytest

from marketplace.auth.models import User
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.timebank.activities import service
from marketplace.timebank.models import Attendance
from tests.api.conftest import api_error
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.timebank.conftest import saved

ROUNDS = 20
REVIEWED = "Your hours at this activity have already been reviewed, so check-in and check-out can no longer " \
           "change. Ask the coordinator if they are wrong."


@pytest.fixture
def scanned(app, create_activity, create_user):
    """scanned(count) -> (activity, [(volunteer, attendance id)]): each checked in and out after 30 minutes."""
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9

    def make(count=1):
        activity = create_activity(capacity=count)
        found = []
        for _ in range(count):
            volunteer = create_user()
            service.sign_up(activity.id, volunteer)
            service.scan(service.scan_token(activity, "in"), volunteer, now=activity.starts_at)
            found.append((volunteer, service.scan(service.scan_token(activity, "out"), volunteer,
                                                  now=activity.starts_at + timedelta(minutes=30)).id))
        return activity, found

    return make


def _scan_out_later(activity, volunteer_id):
    return service.scan(service.scan_token(activity, "out"), db.session.get(User, volunteer_id),
                        now=activity.starts_at + timedelta(minutes=90))


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_reviewed_attendance_cannot_be_scanned_again(team, scanned, decision):
    activity, [(volunteer, attendance_id)] = scanned()
    if decision == "approve":
        service.approve_attendance(attendance_id, team.coordinator)
    else:
        service.reject_attendance(attendance_id, team.coordinator, "was not there")
    for direction in ("in", "out"):
        with pytest.raises(Conflict) as refused:
            service.scan(service.scan_token(activity, direction), volunteer,
                         now=activity.starts_at + timedelta(minutes=90))
        assert str(refused.value.message) == REVIEWED
    db.session.expire_all()
    attendance = db.session.get(Attendance, attendance_id)
    assert attendance.checked_out_at == activity.starts_at + timedelta(minutes=30)
    assert saved(volunteer) == (30 if decision == "approve" else 0)


def test_the_api_answers_a_scan_of_reviewed_hours_409_in_the_volunteers_language(app, client, headers, team,
                                                                                    scanned):
    app.config["TIMEBANK_CHECKIN_EARLY_MINUTES"] = 3 * 24 * 60  # scanning now, days before the activity
    activity, [(volunteer, attendance_id)] = scanned()
    service.approve_attendance(attendance_id, team.coordinator)
    volunteer.locale = "zh_CN"
    db.session.commit()
    response = client.post("/api/v1/checkins", json={"token": service.scan_token(activity, "out")},
                           headers=headers(volunteer))
    assert "你在这个活动的时长已经审核过" in api_error(response, 409)["message"]


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")
def test_a_scan_and_an_approval_at_once_never_leave_minutes_unlike_the_times(app, team, scanned):
    activity, found = scanned(ROUNDS)
    for volunteer, attendance_id in found:
        def work(i, volunteer_id=volunteer.id, attendance_id=attendance_id):
            if i == 0:
                return service.approve_attendance(attendance_id, db.session.get(User, team.coordinator.id)).status
            return _scan_out_later(activity, volunteer_id).checked_out_at

        results = run_together(app, 2, work)
        db.session.expire_all()
        assert results[0] == "approved", results
        if isinstance(results[1], Exception):  # the approval came first: the scan is refused
            assert isinstance(results[1], Conflict) and str(results[1].message) == REVIEWED, results
        final = db.session.get(Attendance, attendance_id)
        assert final.minutes_granted == service.minutes_earned(final), "approved minutes unlike the recorded times"
        assert saved(volunteer) == final.minutes_granted
