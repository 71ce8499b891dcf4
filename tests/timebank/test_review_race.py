"""Approve and reject of one record at the same moment on PostgreSQL: exactly one review wins,
the other is told who got there first, and the saved minutes match the final status."""
from datetime import timedelta

import pytest

from marketplace.auth.models import User
from marketplace.ledger import service as ledger
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.hours import reports
from marketplace.timebank.models import Attendance, HourReport
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.timebank.test_savings import PDF, upload

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]

ROUNDS = 20


def _race(app, team, approve, reject):
    """Approve (coordinator) and reject (other coordinator) at once; return the winner's status and the loser."""
    ids = (team.coordinator.id, team.other_coordinator.id)
    results = run_together(app, 2, lambda i: (approve if i == 0 else reject)(db.session.get(User, ids[i])).status)
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if not isinstance(r, str)]
    return winners, losers


def _check(winners, losers, final_status, minutes, credited):
    assert len(winners) == 1, f"both reviews succeeded: {winners}"
    assert len(losers) == 1 and isinstance(losers[0], Conflict), losers
    loser = str(losers[0].message)
    if winners[0] == "approved":
        assert loser == "Already approved by 协调员.", loser
    else:
        assert loser == "Already rejected by 另一位协调员.", loser
    assert final_status == winners[0]
    assert credited == (minutes if final_status == "approved" else 0)


def test_approve_and_reject_of_one_attendance_at_once_have_one_winner(app, team, create_activity, create_user):
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9
    activity = create_activity(capacity=ROUNDS)
    rounds = []
    for _ in range(ROUNDS):
        volunteer = create_user()
        service.sign_up(activity.id, volunteer)
        service.scan(service.scan_token(activity, "in"), volunteer, now=activity.starts_at)
        attendance = service.scan(service.scan_token(activity, "out"), volunteer,
                                  now=activity.starts_at + timedelta(minutes=60))
        rounds.append((attendance.id, volunteer.id))
    for attendance_id, volunteer_id in rounds:
        winners, losers = _race(app, team, lambda u, i=attendance_id: service.approve_attendance(i, u),
                                lambda u, i=attendance_id: service.reject_attendance(i, u, "was not there"))
        db.session.expire_all()
        final = db.session.get(Attendance, attendance_id)
        _check(winners, losers, final.status, 60, ledger.balance(service.savings_account(volunteer_id)).posted)
        assert final.minutes_granted == (60 if final.status == "approved" else 0)


def test_approve_and_reject_of_one_hour_report_at_once_have_one_winner(app, team, create_user):
    rounds = []
    for _ in range(ROUNDS):
        volunteer = create_user()
        report = reports.submit_report(volunteer, team.org.id, now_utc().date() - timedelta(days=1), 90, "帮邻居搬家",
                                    upload(PDF, "证明.pdf"))
        rounds.append((report.id, volunteer.id))
    for report_id, volunteer_id in rounds:
        winners, losers = _race(app, team, lambda u, i=report_id: reports.approve_report(i, u),
                                lambda u, i=report_id: reports.reject_report(i, u, "no such service"))
        db.session.expire_all()
        final = db.session.get(HourReport, report_id)
        _check(winners, losers, final.status, 90, ledger.balance(service.savings_account(volunteer_id)).posted)


def test_two_reversals_at_once_have_one_winner(app, team, create_user):
    volunteer = create_user()
    report = reports.submit_report(volunteer, team.org.id, now_utc().date() - timedelta(days=1), 90, "帮邻居搬家",
                                upload(PDF, "证明.pdf"))
    reports.approve_report(report.id, team.coordinator)
    ids = (team.coordinator.id, team.other_coordinator.id)
    results = run_together(app, 2, lambda i: reports.reverse_report(report.id, db.session.get(User, ids[i]),
                                                                 "duplicate").status)
    assert sorted(map(type, results), key=str) == sorted([str, Conflict], key=str), results
    loser = next(r for r in results if isinstance(r, Conflict))
    assert str(loser.message).startswith("Already reversed by "), loser.message
    assert ledger.balance(service.savings_account(volunteer)).posted == 0
