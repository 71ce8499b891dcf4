"""The daily cap is one rule: minutes credited to a volunteer for service on a day — approved attendance
(by the activity's day), approved hour reports (by the day served) and imported rows (by their date) —
and attendance approval, report approval and import posting all refuse what would pass it."""

import pytest

from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.timebank.activities import service
from marketplace.timebank.hours import reports
from marketplace.timebank.imports import service as imports
from marketplace.timebank.models import Attendance, HourReport
from tests.api.conftest import api_error
from tests.timebank import test_imports
from tests.timebank.conftest import CAP, saved, served_day


def test_a_report_passing_the_cap_with_approved_attendance_is_refused_naming_the_minutes_left(
        team, create_user, attend, report_for):
    volunteer = create_user()
    service.approve_attendance(attend([volunteer])[0], team.coordinator)
    report_id = report_for(volunteer)
    with pytest.raises(Conflict) as refused:
        reports.approve_report(report_id, team.coordinator)
    assert str(refused.value.message) == (
        f"This passes the daily cap of 90 minutes for {served_day().isoformat()}: "
        "at most 30 more minutes can be credited that day.")
    assert db.session.get(HourReport, report_id).status == "pending"
    assert saved(volunteer) == 60


def test_two_reports_of_one_day_stay_within_the_cap(team, create_user, report_for):
    volunteer = create_user()
    first, second, small = report_for(volunteer), report_for(volunteer), report_for(volunteer, 30)
    reports.approve_report(first, team.coordinator)
    with pytest.raises(Conflict, match="at most 30 more minutes"):
        reports.approve_report(second, team.other_coordinator)
    reports.approve_report(small, team.other_coordinator)  # exactly the cap
    assert saved(volunteer) == CAP


def test_attendance_approval_counts_approved_reports_and_imported_rows(team, create_user, attend, report_for,
                                                                      import_for):
    reported, imported = create_user(), create_user()
    attended = dict(zip((reported.id, imported.id), attend([reported, imported]), strict=True))
    reports.approve_report(report_for(reported), team.other_coordinator)
    imports.confirm_import(team.other_coordinator, import_for([imported]))
    for volunteer in (reported, imported):
        with pytest.raises(InvalidInput) as refused:
            service.approve_attendance(attended[volunteer.id], team.coordinator)
        assert str(refused.value.fields["minutes"][0]) == (  # the same words as for a report
            f"This passes the daily cap of 90 minutes for {served_day().isoformat()}: "
            "at most 30 more minutes can be credited that day.")
        assert db.session.get(Attendance, attended[volunteer.id]).status == "pending"
        service.approve_attendance(attended[volunteer.id], team.coordinator, 30, "capped")
        assert saved(volunteer) == CAP


def test_an_import_posted_after_reports_and_attendance_reports_the_rows_over_the_cap(team, create_user, attend,
                                                                                    report_for, import_for):
    reported, attended = create_user(), create_user()
    batch_id = import_for([reported, attended])  # checked while nothing was credited that day
    reports.approve_report(report_for(reported), team.other_coordinator)
    service.approve_attendance(attend([attended])[0], team.other_coordinator)
    batch = imports.confirm_import(team.coordinator, batch_id)
    assert batch.status == "posted" and batch.valid_rows == 0
    assert test_imports.codes(batch) == {2: ["over_cap"], 3: ["over_cap"]}
    assert saved(reported) == saved(attended) == 60


def test_the_api_answers_a_report_over_the_cap_409_and_the_page_says_why(client, auth, headers, team,
                                                                       create_user, report_for):
    volunteer = create_user()
    reports.approve_report(report_for(volunteer), team.coordinator)
    report_id = report_for(volunteer)
    error = api_error(client.post(f"/api/v1/hour-reports/{report_id}/approve", json={},
                                  headers=headers(team.coordinator)), 409)
    assert "at most 30 more minutes can be credited that day" in error["message"]
    auth.login(team.coordinator.email)
    review = f"/timebank/orgs/{team.org.id}/hour-reports"
    page = auth.post(f"/timebank/hour-reports/{report_id}/approve", {"note": ""}, form_page=review,
                     follow_redirects=True)
    assert "at most 30 more minutes can be credited that day" in page.get_data(as_text=True)
    assert db.session.get(HourReport, report_id).status == "pending" and saved(volunteer) == 60


def test_days_over_the_cap_through_reports_and_imports_are_listed_for_coordinators(app, runner, team, create_user,
                                                                                 attend, report_for, import_for):
    volunteer = create_user()
    app.config["TIMEBANK_DAILY_CAP_MINUTES"] = 180
    service.approve_attendance(attend([volunteer])[0], team.coordinator)
    report_id = report_for(volunteer)
    reports.approve_report(report_id, team.coordinator)
    batch = imports.confirm_import(team.coordinator, import_for([volunteer]))
    assert runner.invoke(args=["timebank", "over-cap"]).exit_code == 0
    app.config["TIMEBANK_DAILY_CAP_MINUTES"] = CAP  # what credits racing once left: 180 minutes that day
    listed = runner.invoke(args=["timebank", "over-cap"])
    assert listed.exit_code == 1, listed.output
    attendance_id = db.session.scalar(db.select(Attendance.id).where(Attendance.user_id == volunteer.id))
    row_id = imports.rows_of(batch)[0][0].id
    assert f"volunteer {volunteer.id} on {served_day().isoformat()}: 180 minutes credited, cap 90 " \
           f"(attendance {attendance_id}; hour report {report_id}; import row {row_id})" in listed.output
