"""Time-bank pages, as volunteers and coordinators use them."""
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.timebank.activities import service
from marketplace.timebank.models import Activity, Attendance, HourReport
from tests.timebank.test_savings import PDF


def local(moment):
    """Format a UTC time as the Guangzhou wall-clock time a form field takes."""
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


def test_browse_filters_by_category_and_words(client, create_activity):
    create_activity(title="长者探访", category="elderly_care")
    create_activity(title="河涌清洁", category="environment")
    page = client.get("/timebank/?category=environment").get_data(as_text=True)
    assert "河涌清洁" in page and "长者探访" not in page
    page = client.get("/timebank/?q=探访").get_data(as_text=True)
    assert "长者探访" in page and "河涌清洁" not in page


def test_a_coordinator_publishes_an_activity(client, auth, team):
    auth.login(team.coordinator.email)
    path = f"/timebank/orgs/{team.org.id}/activities/new"
    starts = service.now_utc() + timedelta(days=3)
    response = auth.post(path, {"title": "助老送餐", "category": "elderly_care", "district_id": "1",
                                "starts_at": local(starts), "ends_at": local(starts + timedelta(hours=2)),
                                "capacity": "5"}, form_page=path)
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity).where(Activity.title == "助老送餐"))
    assert activity.capacity == 5 and abs((activity.starts_at - starts).total_seconds()) < 60


def test_bad_activity_form_shows_field_messages_and_writes_nothing(client, auth, team):
    auth.login(team.coordinator.email)
    path = f"/timebank/orgs/{team.org.id}/activities/new"
    starts = service.now_utc() + timedelta(days=3)
    response = auth.post(path, {"title": "x" * 200, "category": "elderly_care", "district_id": "1",
                                "starts_at": local(starts), "ends_at": local(starts - timedelta(hours=1)),
                                "capacity": "0"}, form_page=path)
    assert response.status_code == 422
    assert db.session.scalar(select(db.func.count(Activity.id))) == 0


def test_members_cannot_reach_the_publish_page(client, auth, create_user, team):
    auth.login(create_user().email)
    assert client.get(f"/timebank/orgs/{team.org.id}/activities/new").status_code == 404


def test_sign_up_and_cancel_from_the_activity_page(client, auth, create_user, create_activity):
    activity = create_activity(capacity=1)
    volunteer = create_user()
    auth.login(volunteer.email)
    path = f"/timebank/activities/{activity.id}"
    auth.post(f"{path}/signup", form_page=path)
    assert "You have a place." in client.get(path).get_data(as_text=True)
    auth.post(f"{path}/cancel", form_page=path)
    assert "Sign up" in client.get(path).get_data(as_text=True)


def test_qr_codes_check_volunteers_in_and_the_coordinator_approves(client, auth, team, create_user,
                                                                   create_activity, app):
    app.config["TIMEBANK_CHECKIN_EARLY_MINUTES"] = 3 * 24 * 60  # open check-in now for an activity days away
    activity = create_activity()
    volunteer = create_user(email="vol@example.org")
    service.sign_up(activity.id, volunteer)
    auth.login(team.coordinator.email)
    manage = client.get(f"/timebank/activities/{activity.id}/manage").get_data(as_text=True)
    assert manage.count("<svg") >= 2
    check_in = re.search(r'href="http://localhost(/timebank/scan/[^"]+)" data-qr="in"', manage).group(1)
    auth.logout()
    auth.login("vol@example.org")
    assert "Record my attendance" in client.get(check_in).get_data(as_text=True)
    response = auth.post(check_in, form_page=check_in)
    assert response.status_code == 302
    attendance = db.session.scalar(select(Attendance).where(Attendance.user_id == volunteer.id))
    assert attendance.checked_in_at is not None
    attendance.checked_out_at = activity.starts_at + timedelta(minutes=75)  # as if scanned out then
    attendance.checked_in_at = activity.starts_at
    db.session.commit()
    auth.logout()
    auth.login(team.coordinator.email)
    manage_path = f"/timebank/activities/{activity.id}/manage"
    auth.post(f"/timebank/attendances/{attendance.id}/approve", {"minutes": "75", "note": ""}, form_page=manage_path)
    assert ledger.balance(service.savings_account(volunteer)).posted == 75


def test_a_forged_scan_link_gets_a_clear_message(client, auth, create_user):
    auth.login(create_user().email)
    response = auth.post("/timebank/scan/forged", form_page="/timebank/scan/forged")
    assert response.status_code == 422 and "not valid" in response.get_data(as_text=True)


def test_attendance_by_hand_from_the_manage_page(client, auth, team, create_user, create_activity):
    activity = create_activity()
    volunteer = create_user(email="elder@example.org")
    auth.login(team.coordinator.email)
    path = f"/timebank/activities/{activity.id}/manage"
    auth.post(f"/timebank/activities/{activity.id}/attendance", {
        "email": "elder@example.org", "checked_in_at": local(activity.starts_at),
        "checked_out_at": local(activity.starts_at + timedelta(hours=1)), "reason": "没有手机"}, form_page=path)
    attendance = db.session.scalar(select(Attendance).where(Attendance.user_id == volunteer.id))
    assert attendance.manual_reason == "没有手机"
    auth.post(f"/timebank/activities/{activity.id}/attendance", {
        "email": "nobody@example.org", "checked_in_at": local(activity.starts_at),
        "checked_out_at": local(activity.starts_at + timedelta(hours=1)), "reason": "x"}, form_page=path)
    assert "No Goodhours account" in client.get(path).get_data(as_text=True)


@pytest.fixture
def saved(create_user):
    volunteer = create_user(email="saver@example.org")
    ledger.post([(ledger.platform_account("hours_issued"), -600), (service.savings_account(volunteer), 600)],
                cause=Cause.test("saved"), kind="hours.attendance", memo="长者探访")
    db.session.commit()
    return volunteer


def test_my_hours_shows_the_balance_and_history(client, auth, saved):
    auth.login(saved.email)
    page = client.get("/timebank/my").get_data(as_text=True)
    assert 'data-figure="saved">10 h<' in page and "长者探访" in page
    assert 'data-badge="first_service"\n        data-earned="yes"' in page


def test_giving_hours_asks_for_confirmation_first(client, auth, saved, create_user):
    mother = create_user(email="mum@example.org")
    auth.login(saved.email)
    first = auth.post("/timebank/give", {"email": "mum@example.org", "minutes": "120", "key": "k1"},
                      form_page="/timebank/give")
    assert "Confirm the gift" in first.get_data(as_text=True)
    assert ledger.balance(service.savings_account(mother)).posted == 0
    db.session.commit()  # reading opened her account: commit it, or the request waits on this test's lock
    for _ in range(2):  # a double click gives once
        auth.post("/timebank/give", {"email": "mum@example.org", "minutes": "120", "key": "k1", "confirmed": "1"},
                  form_page="/timebank/give")
    assert ledger.balance(service.savings_account(mother)).posted == 120


def test_reports_are_sent_with_evidence_and_reviewed(client, auth, team, create_user, create_org):
    volunteer = create_user(email="reporter@example.org")
    from marketplace.orgs.models import Membership

    db.session.add(Membership(organisation_id=team.org.id, user_id=volunteer.id, role="member"))
    db.session.commit()
    auth.login("reporter@example.org")
    response = auth.post("/timebank/hour-reports/new", {
        "organisation_id": str(team.org.id), "served_on": service.now_utc().date().isoformat(), "minutes": "90",
        "description": "帮邻居搬家", "evidence": (io.BytesIO(PDF), "证明.pdf")}, form_page="/timebank/hour-reports/new",
        content_type="multipart/form-data")
    assert response.status_code == 302
    report = db.session.scalar(select(HourReport))
    with client.get(f"/timebank/hour-reports/{report.id}/evidence") as download:
        assert download.data.startswith(b"%PDF")
    auth.logout()
    auth.login(create_user().email)  # a stranger
    assert client.get(f"/timebank/hour-reports/{report.id}/evidence").status_code == 404
    auth.logout()
    auth.login(team.coordinator.email)
    review = f"/timebank/orgs/{team.org.id}/hour-reports"
    assert "帮邻居搬家" in client.get(review).get_data(as_text=True)
    auth.post(f"/timebank/hour-reports/{report.id}/approve", {"note": "", "org_id": str(team.org.id)}, form_page=review)
    assert ledger.balance(service.savings_account(volunteer)).posted == 90


def test_a_report_with_a_disguised_file_is_refused(client, auth, team, create_user):
    from marketplace.orgs.models import Membership

    volunteer = create_user(email="c2@example.org")
    db.session.add(Membership(organisation_id=team.org.id, user_id=volunteer.id, role="member"))
    db.session.commit()
    auth.login("c2@example.org")
    response = auth.post("/timebank/hour-reports/new", {
        "organisation_id": str(team.org.id), "served_on": service.now_utc().date().isoformat(), "minutes": "90",
        "description": "x", "evidence": (io.BytesIO(b"MZ\x90\x00 not a pdf"), "evil.pdf")},
        form_page="/timebank/hour-reports/new", content_type="multipart/form-data")
    assert response.status_code == 422 and "Only JPEG or PNG photos and PDF files" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(HourReport.id))) == 0


def test_dates_far_outside_the_calendar_read_as_no_filter(client, create_activity):
    create_activity(title="长者探访")
    for day in ("0001-01-01", "9999-12-31", "2026-02-30"):
        response = client.get(f"/timebank/?date={day}")
        assert response.status_code == 200 and "长者探访" in response.get_data(as_text=True)


def test_activities_are_listed_soonest_first(client, create_activity):
    create_activity(title="第三场", starts_in=timedelta(days=9))
    create_activity(title="第一场", starts_in=timedelta(days=2))
    create_activity(title="第二场", starts_in=timedelta(days=5))
    page = client.get("/timebank/").get_data(as_text=True)
    assert page.index("第一场") < page.index("第二场") < page.index("第三场")


def test_the_manage_page_refreshes_its_codes_without_losing_a_review_being_typed(client, auth, team,
                                                                                create_activity):
    activity = create_activity()
    auth.login(team.coordinator.email)
    page = client.get(f"/timebank/activities/{activity.id}/manage").get_data(as_text=True)
    head = page.split("</head>")[0]
    assert "js/refresh.js" in head and 'data-refresh-seconds="180"' in page  # the part refreshes at the codes' pace
    assert 'http-equiv="refresh"' not in page  # without scripts nothing reloads by itself (tests/browser)


def test_hour_history_is_newest_first_in_plain_words_with_a_running_balance(client, auth, saved, create_user):
    create_user(email="family@example.org")
    auth.login(saved.email)
    auth.post("/timebank/give", {"email": "family@example.org", "minutes": "90", "key": "h1", "confirmed": "1"},
              form_page="/timebank/give")
    page = client.get("/timebank/my").get_data(as_text=True)
    history = page[page.index(">History<"):]
    rows = re.findall(r"<tr>(.*?)</tr>", history, re.S)[1:3]
    assert "Hours given to family" in rows[0] and "8 h 30 min" in rows[0]  # newest first, balance after it
    assert "Hours for an activity" in rows[1] and "长者探访" in rows[1] and "10 h" in rows[1]
    assert "hours.gift" not in page and "hours.attendance" not in page
    day = local_today()
    assert f"{day.day} {day.strftime('%b')} {day.year}" in rows[0]  # 5 Dec 2026, not 2026-12-05


def test_a_day_typed_the_chinese_way_is_read_and_a_bad_one_is_kept(client, auth, team, create_user):
    from marketplace.orgs.models import Membership

    volunteer = create_user(email="typist@example.org")
    db.session.add(Membership(organisation_id=team.org.id, user_id=volunteer.id, role="member"))
    db.session.commit()
    auth.login("typist@example.org")
    today = local_today()
    fields = {"organisation_id": str(team.org.id), "minutes": "60", "description": "读报"}
    bad = auth.post("/timebank/hour-reports/new", {**fields, "served_on": "2026年13月5日",
                                                   "evidence": (io.BytesIO(PDF), "a.pdf")},
                    form_page="/timebank/hour-reports/new", content_type="multipart/form-data")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Enter a date such as 2026-12-05" in text and 'value="2026年13月5日"' in text
    typed = f"{today.year}年{today.month}月{today.day}日"
    good = auth.post("/timebank/hour-reports/new",
                     {**fields, "served_on": typed, "evidence": (io.BytesIO(PDF), "a.pdf")},
                     form_page="/timebank/hour-reports/new", content_type="multipart/form-data")
    assert good.status_code == 302 and db.session.scalar(select(HourReport.served_on)) == today
