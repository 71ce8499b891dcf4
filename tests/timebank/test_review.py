"""One review workflow for attendance and hour reports: the second reviewer is told who decided first,
in the pages and in the API, and records left rejected with credited minutes are mended once."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from marketplace.ledger import service as ledger
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.hours import reports
from marketplace.timebank.models import Attendance, HourReport
from tests.api.conftest import api_error
from tests.timebank.test_savings import PDF, upload


@pytest.fixture
def attendance(app, create_activity, create_user):
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9
    activity = create_activity()
    volunteer = create_user(display_name="志愿者")
    service.sign_up(activity.id, volunteer)
    service.scan(service.scan_token(activity, "in"), volunteer, now=activity.starts_at)
    return service.scan(service.scan_token(activity, "out"), volunteer, now=activity.starts_at + timedelta(minutes=60))


@pytest.fixture
def report(team, create_user):
    return reports.submit_report(create_user(), team.org.id, now_utc().date() - timedelta(days=2), 90, "帮邻居搬家",
                               upload(PDF, "证明.pdf"))


def test_the_second_reviewer_is_told_who_decided_first(attendance, report, team):
    service.approve_attendance(attendance.id, team.coordinator)
    with pytest.raises(Conflict, match="Already approved by 协调员"):
        service.reject_attendance(attendance.id, team.other_coordinator, "was not there")
    service.approve_attendance(attendance.id, team.other_coordinator)  # approving twice still posts once
    with pytest.raises(Conflict, match="Already approved by 协调员"):  # but not with other minutes
        service.approve_attendance(attendance.id, team.other_coordinator, minutes=30, note="left early")
    reports.reject_report(report.id, team.other_coordinator, "no such service")
    with pytest.raises(Conflict, match="Already rejected by 另一位协调员"):
        reports.approve_report(report.id, team.coordinator)
    service.reverse_attendance(attendance.id, team.other_coordinator, "duplicate")
    with pytest.raises(Conflict, match="Already reversed by 另一位协调员"):
        service.reverse_attendance(attendance.id, team.coordinator, "duplicate")
    assert ledger.balance(service.savings_account(attendance.user_id)).posted == 0
    assert ledger.balance(service.savings_account(report.user_id)).posted == 0


def test_the_pages_tell_the_second_reviewer_who_decided_first(client, auth, attendance, report, team):
    service.approve_attendance(attendance.id, team.coordinator)
    reports.approve_report(report.id, team.coordinator)
    auth.login(team.other_coordinator.email)
    manage = f"/timebank/activities/{attendance.activity_id}/manage"
    page = auth.post(f"/timebank/attendances/{attendance.id}/reject", {"note": "was not there"}, form_page=manage,
                     follow_redirects=True).get_data(as_text=True)
    assert "Already approved by 协调员." in page
    review = f"/timebank/orgs/{team.org.id}/hour-reports"
    page = auth.post(f"/timebank/hour-reports/{report.id}/reject", {"note": "no such service"}, form_page=review,
                     follow_redirects=True).get_data(as_text=True)
    assert "Already approved by 协调员." in page
    assert db.session.get(Attendance, attendance.id).status == "approved"


def test_the_api_answers_the_second_reviewer_409(client, attendance, report, team, headers):
    service.reject_attendance(attendance.id, team.coordinator, "was not there")
    reports.approve_report(report.id, team.coordinator)
    late = headers(team.other_coordinator)
    error = api_error(client.post(f"/api/v1/attendances/{attendance.id}/approve", json={}, headers=late), 409)
    assert error["message"] == "Already rejected by 协调员."
    error = api_error(client.post(f"/api/v1/hour-reports/{report.id}/reject", json={"note": "late"}, headers=late), 409)
    assert error["message"] == "Already approved by 协调员."
    assert ledger.balance(service.savings_account(attendance.user_id)).posted == 0


def test_mending_reverses_minutes_kept_by_rejected_records_once(runner, attendance, report, team):
    service.approve_attendance(attendance.id, team.coordinator)
    reports.approve_report(report.id, team.coordinator)
    # What the race left behind: the rejection saved last over the approval and its ledger entry.
    db.session.execute(update(Attendance).where(Attendance.id == attendance.id)
                       .values(status="rejected", minutes_granted=0, reviewed_by_id=team.other_coordinator.id))
    db.session.execute(update(HourReport).where(HourReport.id == report.id).values(status="rejected"))
    db.session.commit()
    first = runner.invoke(args=["timebank", "mend-reviews"])
    assert first.exit_code == 0 and "Mended 2" in first.output, first.output
    assert ledger.balance(service.savings_account(attendance.user_id)).posted == 0
    assert ledger.balance(service.savings_account(report.user_id)).posted == 0
    reversals = db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.reverses_id.is_not(None)))
    again = runner.invoke(args=["timebank", "mend-reviews"])
    assert again.exit_code == 0 and "Mended 0" in again.output, again.output
    assert db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.reverses_id.is_not(None))) \
        == reversals == 2
