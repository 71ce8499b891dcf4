"""/api/v1 for activities: browse, publish, sign up, check in by token, and review attendance."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.ledger import service as ledger
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.models import Activity, Attendance
from tests.api.conftest import api_error

NEW = {"title": "助老送餐", "category": "elderly_care", "district_id": 1, "capacity": 5,
       "starts_at": "2031-01-01T09:00:00", "ends_at": "2031-01-01T11:00:00+08:00"}


def _ids(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["id"] for item in response.get_json()["items"]]


def test_browse_filters_and_pages_without_naming_volunteers(client, create_activity, create_user):
    visit = create_activity(title="长者探访", category="elderly_care")
    river = create_activity(title="河涌清洁", category="environment", district_id=3)
    later = create_activity(title="长者午餐", starts_in=timedelta(days=9))
    service.sign_up(visit.id, create_user(email="volunteer@example.org", display_name="王小明"))
    assert _ids(client.get("/api/v1/activities")) == [visit.id, river.id, later.id]
    assert _ids(client.get("/api/v1/activities?category=environment")) == [river.id]
    assert _ids(client.get("/api/v1/activities?district=3")) == [river.id]
    assert _ids(client.get("/api/v1/activities", query_string={"q": "河涌"})) == [river.id]
    day = (later.starts_at + timedelta(hours=8)).date().isoformat()  # the day in Guangzhou
    assert _ids(client.get(f"/api/v1/activities?date={day}")) == [later.id]
    first = client.get("/api/v1/activities?limit=2").get_json()
    assert [a["id"] for a in first["items"]] == [visit.id, river.id]
    assert _ids(client.get(f"/api/v1/activities?limit=2&cursor={first['next_cursor']}")) == [later.id]
    body = client.get("/api/v1/activities").get_data(as_text=True)
    assert "volunteer@example.org" not in body and "王小明" not in body
    assert first["items"][0]["places_taken"] == 1 and first["items"][0]["places_left"] == 9


@pytest.mark.parametrize("query,field", [({"category": "party"}, "category"), ({"district": "9" * 30}, "district"),
                                         ({"date": "0001-01-01"}, "date"), ({"date": "someday"}, "date"),
                                         ({"q": "x" * 101}, "q"), ({"cursor": "forged"}, "cursor")])
def test_browse_refuses_bad_filters(client, query, field):
    assert field in api_error(client.get("/api/v1/activities", query_string=query), 422)["fields"]


def test_one_activity_or_404(client, create_activity):
    activity = create_activity(title="植树")
    body = client.get(f"/api/v1/activities/{activity.id}").get_json()
    assert body["title"] == "植树" and body["district"]["code"] == "yuexiu" and body["organisation_name_zh"]
    assert "created_by_id" not in body
    api_error(client.get("/api/v1/activities/999999"), 404)


def test_coordinators_publish_activities(client, team, headers):
    response = client.post(f"/api/v1/orgs/{team.org.id}/activities", json=NEW,
                           headers=headers(team.coordinator))
    assert response.status_code == 201, response.get_json()
    activity = db.session.get(Activity, response.get_json()["id"])
    assert activity.starts_at.isoformat() == "2031-01-01T01:00:00+00:00"  # read as Guangzhou time
    assert activity.ends_at.isoformat() == "2031-01-01T03:00:00+00:00"


def test_others_cannot_publish_and_a_forbidden_org_looks_missing(client, team, create_user, headers):
    path = f"/api/v1/orgs/{team.org.id}/activities"
    outsider = headers(create_user())
    forbidden = api_error(client.post(path, json=NEW, headers=outsider), 404)
    assert api_error(client.post("/api/v1/orgs/999999/activities", json=NEW, headers=outsider),
                     404) == forbidden
    api_error(client.post(path, json=NEW, headers=headers(team.coordinator, "read")), 403)
    api_error(client.post(path, json=NEW), 401)
    assert db.session.scalar(select(func.count(Activity.id))) == 0


@pytest.mark.parametrize("change,field", [
    ({"ends_at": "2031-01-01T08:00:00"}, "ends_at"), ({"capacity": 0}, "capacity"), ({"capacity": "5"}, "capacity"),
    ({"district_id": 999}, "district_id"), ({"category": "party"}, "category"), ({"title": ""}, "title"),
    ({"starts_at": "0001-01-01T00:00:00"}, "starts_at"), ({"starts_at": "2020-01-01T09:00:00"}, "starts_at"),
])
def test_bad_activities_are_refused_by_field(client, team, headers, change, field):
    response = client.post(f"/api/v1/orgs/{team.org.id}/activities", json=NEW | change,
                           headers=headers(team.coordinator))
    assert field in api_error(response, 422)["fields"]
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_sign_up_waitlist_and_cancel(client, create_activity, create_user, headers):
    activity = create_activity(capacity=1)
    first, second = headers(create_user()), headers(create_user())
    path = f"/api/v1/activities/{activity.id}/signup"
    assert client.post(path, headers=first).get_json()["status"] == "confirmed"
    assert client.post(path, headers=first).get_json()["status"] == "confirmed"  # repeating changes nothing
    assert client.post(path, headers=second).get_json()["status"] == "waitlisted"
    assert client.delete(path, headers=first).status_code == 204
    assert client.post(path, headers=second).get_json()["status"] == "confirmed"  # promoted
    assert api_error(client.delete(path, headers=first), 409)["code"] == "conflict"
    api_error(client.post(path), 401)
    api_error(client.post("/api/v1/activities/999999/signup", headers=first), 404)


def test_sign_up_closes_at_the_cut_off(client, create_activity, create_user, headers):
    activity = create_activity(starts_in=timedelta(hours=1))
    error = api_error(client.post(f"/api/v1/activities/{activity.id}/signup", headers=headers(create_user())), 409)
    assert "closed" in error["message"]


@pytest.fixture
def under_way(create_activity, create_user):
    """An activity that started ten minutes ago, with a volunteer who signed up in time."""
    activity = create_activity()
    volunteer = create_user(email="volunteer@example.org", display_name="王小明")
    service.sign_up(activity.id, volunteer)
    activity.starts_at = now_utc() - timedelta(minutes=10)
    activity.ends_at = activity.starts_at + timedelta(hours=3)
    db.session.commit()
    return activity, volunteer


def test_check_in_and_out_by_scanned_token(client, under_way, headers):
    activity, volunteer = under_way
    mine = headers(volunteer)
    checked_in = client.post("/api/v1/checkins", json={"token": service.scan_token(activity, "in")}, headers=mine)
    assert checked_in.status_code == 200 and checked_in.get_json()["checked_out_at"] is None
    body = client.post("/api/v1/checkins", json={"token": service.scan_token(activity, "out")}, headers=mine).get_json()
    assert body["checked_in_at"] and body["checked_out_at"] and body["status"] == "pending"
    assert "user_id" not in body


def test_check_in_refuses_forged_tokens_and_strangers(client, under_way, create_user, headers):
    activity, volunteer = under_way
    assert "QR code" in api_error(client.post("/api/v1/checkins", json={"token": "forged"},
                                              headers=headers(volunteer)), 422)["message"]
    api_error(client.post("/api/v1/checkins", json={"token": service.scan_token(activity, "in")},
                          headers=headers(create_user())), 409)
    api_error(client.post("/api/v1/checkins", json={}, headers=headers(volunteer)), 422)
    assert db.session.scalar(select(func.count(Attendance.id))) == 0


@pytest.fixture
def attended(under_way, team):
    """The volunteer's attendance of an hour, recorded by a coordinator."""
    activity, volunteer = under_way
    start = activity.starts_at
    attendance = service.record_by_hand(team.coordinator, activity.id, volunteer.email, start,
                                        start + timedelta(hours=1), "no phone")
    return attendance, volunteer


def test_coordinators_list_attendance_with_names_but_no_emails(client, attended, team, create_user, headers):
    attendance, _ = attended
    path = f"/api/v1/activities/{attendance.activity_id}/attendances"
    response = client.get(path, headers=headers(team.coordinator, "read"))
    [row] = response.get_json()
    assert (row["volunteer_name"], row["minutes_earned"], row["is_recorded_by_hand"]) == ("王小明", 60, True)
    assert "volunteer@example.org" not in response.get_data(as_text=True)
    assert api_error(client.get(path, headers=headers(create_user())), 404) == api_error(
        client.get("/api/v1/activities/999999/attendances", headers=headers(create_user())), 404)


def test_approve_saves_minutes_once_and_never_ones_own(client, attended, team, create_user, headers):
    attendance, volunteer = attended
    path = f"/api/v1/attendances/{attendance.id}/approve"
    api_error(client.post(path, json={"minutes": 30}, headers=headers(team.coordinator)), 422)  # needs a note
    api_error(client.post(path, json={}, headers=headers(create_user())), 404)
    api_error(client.post(path, json={"minutes": -1}, headers=headers(team.coordinator)), 422)
    body = client.post(path, json={"minutes": 45, "note": "left early"}, headers=headers(team.coordinator)).get_json()
    assert (body["status"], body["minutes_granted"], body["review_note"]) == ("approved", 45, "left early")
    client.post(path, json={}, headers=headers(team.other_coordinator))  # approving twice posts once
    assert ledger.balance(service.savings_account(volunteer)).posted == 45
    service.sign_up(attendance.activity_id, team.coordinator)
    own = service.record_by_hand(team.other_coordinator, attendance.activity_id, team.coordinator.email,
                                 attendance.checked_in_at, attendance.checked_out_at, "helped")
    assert "own" in api_error(client.post(f"/api/v1/attendances/{own.id}/approve", json={},
                                          headers=headers(team.coordinator)), 409)["message"]


def test_reject_needs_a_reason_and_reverse_takes_minutes_back(client, attended, team, headers):
    attendance, volunteer = attended
    base, coordinator = f"/api/v1/attendances/{attendance.id}", headers(team.coordinator)
    assert "note" in api_error(client.post(base + "/reject", json={"note": " "}, headers=coordinator), 422)["fields"]
    api_error(client.post(base + "/reverse", json={"reason": "x"}, headers=coordinator), 409)  # not approved
    client.post(base + "/approve", json={}, headers=coordinator)
    api_error(client.post(base + "/reject", json={"note": "absent"}, headers=coordinator), 409)
    api_error(client.post(base + "/reverse", json={}, headers=coordinator), 422)
    body = client.post(base + "/reverse", json={"reason": "counted twice"}, headers=coordinator).get_json()
    assert body["status"] == "reversed"
    assert ledger.balance(service.savings_account(volunteer)).posted == 0


def test_reject_keeps_the_reason(client, attended, team, headers):
    attendance, _ = attended
    response = client.post(f"/api/v1/attendances/{attendance.id}/reject", json={"note": "not there"},
                           headers=headers(team.coordinator))
    assert response.get_json()["status"] == "rejected" and response.get_json()["review_note"] == "not there"
    api_error(client.post("/api/v1/attendances/999999/reject", json={"note": "x"},
                          headers=headers(team.coordinator)), 404)


def test_activity_pages_run_soonest_first_without_gaps(client, create_activity):
    from datetime import timedelta as days

    for title, offset in (("C", 9), ("A", 2), ("B", 5), ("A2", 2)):
        create_activity(title=title, starts_in=days(days=offset))
    seen, cursor = [], None
    for _ in range(5):
        body = client.get("/api/v1/activities", query_string={"limit": 1, "cursor": cursor}).get_json()
        seen += [a["title"] for a in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == ["A", "A2", "B", "C"]
    assert client.get("/api/v1/activities", query_string={"cursor": "bm90LWEtY3Vyc29y"}).status_code == 422
