"""An activity's sign-up deadline: set by its organiser, shown to volunteers, and the one rule for sign-up."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.models import Activity, Signup
from tests.api.conftest import api_error
from tests.timebank.test_api import NEW
from tests.timebank.test_views import local


def test_without_a_deadline_sign_up_closes_the_settings_hours_before_the_start(app, create_activity):
    app.config["TIMEBANK_SIGNUP_CUTOFF_HOURS"] = 5
    activity = create_activity()
    assert activity.starts_at - activity.signup_cutoff_at == timedelta(hours=5)


def test_the_organisers_deadline_is_kept_and_closes_sign_up(create_activity, create_user):
    deadline = now_utc().replace(microsecond=0) + timedelta(hours=1)
    activity = create_activity(starts_in=timedelta(days=3), signup_cutoff_at=deadline)
    assert activity.signup_cutoff_at == deadline
    early, late = create_user(), create_user()
    assert service.sign_up(activity.id, early).status == "confirmed"
    activity.signup_cutoff_at = now_utc() - timedelta(minutes=1)  # the deadline has passed
    db.session.commit()
    with pytest.raises(Conflict) as closed:
        service.sign_up(activity.id, late)
    assert "closed on" in str(closed.value.message)
    with pytest.raises(Conflict, match="tell the"):
        service.cancel_signup(activity.id, early)
    assert db.session.scalar(select(func.count(Signup.id))) == 1


@pytest.mark.parametrize("after_start,message", [(timedelta(minutes=1), "before the activity starts"),
                                                 (None, "has not passed")])
def test_a_deadline_after_the_start_or_already_past_is_refused(create_activity, after_start, message):
    starts_in = timedelta(days=2)
    if after_start is None:
        deadline = now_utc() - timedelta(minutes=5)
    else:
        deadline = now_utc().replace(microsecond=0) + starts_in + after_start
    with pytest.raises(InvalidInput) as refused:
        create_activity(starts_in=starts_in, signup_cutoff_at=deadline)
    assert message in str(refused.value.fields["signup_cutoff_at"][0])
    db.session.rollback()
    assert db.session.scalar(select(func.count(Activity.id))) == 0


def test_a_deadline_at_the_start_is_allowed(create_activity):
    starts = now_utc().replace(microsecond=0) + timedelta(days=2)
    activity = create_activity(starts_in=starts - now_utc().replace(microsecond=0), signup_cutoff_at=starts)
    assert activity.signup_cutoff_at == activity.starts_at


def test_the_publish_form_takes_a_deadline_and_keeps_what_was_typed_when_it_is_wrong(client, auth, team):
    auth.login(team.coordinator.email)
    path = f"/timebank/orgs/{team.org.id}/activities/new"
    form = client.get(path).get_data(as_text=True)
    assert 'name="signup_cutoff_at"' in form and "2 hours before the start" in form
    starts = now_utc() + timedelta(days=3)
    fields = {"title": "助老送餐", "category": "elderly_care", "district_id": "1", "starts_at": local(starts),
              "ends_at": local(starts + timedelta(hours=2)), "capacity": "5",
              "signup_cutoff_at": local(starts + timedelta(hours=1))}
    refused = auth.post(path, fields, form_page=path)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Sign-up must close before the activity starts" in page and "助老送餐" in page
    assert db.session.scalar(select(func.count(Activity.id))) == 0
    fields["signup_cutoff_at"] = local(starts - timedelta(days=1))
    assert auth.post(path, fields, form_page=path).status_code == 302
    activity = db.session.scalar(select(Activity))
    assert abs((activity.signup_cutoff_at - (starts - timedelta(days=1))).total_seconds()) < 60


def test_volunteers_see_the_deadline_on_the_list_and_the_page_in_chinese(client, create_activity):
    deadline = now_utc().replace(second=0, microsecond=0) + timedelta(days=1)
    activity = create_activity(signup_cutoff_at=deadline)
    zh = {"Accept-Language": "zh-CN"}
    listing = client.get("/timebank/", headers=zh).get_data(as_text=True)
    shown = client.get(f"/timebank/activities/{activity.id}", headers=zh).get_data(as_text=True)
    wall_clock = (deadline + timedelta(hours=8)).strftime("%H:%M")
    for page in (listing, shown):
        assert "报名截止" in page and wall_clock in page


def test_a_closed_activity_says_so_and_offers_no_sign_up_button(client, auth, create_activity, create_user):
    activity = create_activity()
    activity.signup_cutoff_at = now_utc() - timedelta(hours=1)
    db.session.commit()
    auth.login(create_user().email)
    page = client.get(f"/timebank/activities/{activity.id}").get_data(as_text=True)
    assert "Sign-up closed on" in page and "/signup" not in page
    assert "Sign-up has closed" in client.get("/timebank/").get_data(as_text=True)
    page_path = f"/timebank/activities/{activity.id}"
    answer = auth.post(f"{page_path}/signup", {}, form_page=page_path)
    assert "Sign-up for this activity closed on" in client.get(answer.location).get_data(as_text=True)


def test_the_api_takes_shows_and_checks_the_deadline(client, team, headers):
    path = f"/api/v1/orgs/{team.org.id}/activities"
    made = client.post(path, json=NEW | {"signup_cutoff_at": "2030-12-31T18:00:00"}, headers=headers(team.coordinator))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["signup_cutoff_at"].startswith("2030-12-31T10:00:00")  # Guangzhou time, in UTC
    late = NEW | {"signup_cutoff_at": "2031-01-01T10:00:00"}
    assert "signup_cutoff_at" in api_error(client.post(path, json=late, headers=headers(team.coordinator)),
                                           422)["fields"]
    default = client.post(path, json=NEW, headers=headers(team.coordinator)).get_json()
    assert default["signup_cutoff_at"].startswith("2030-12-31T23:00:00")  # two hours before 09:00 in Guangzhou
