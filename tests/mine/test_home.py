"""The personal home ("My page", 我的): reached from the menu, a section for each role a person holds,
counts of the work waiting, next steps when a section is empty, and a cancel button that comes back."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from marketplace.funds import disbursements
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities import service as activities
from marketplace.timebank.models import Signup, SignupStatus
from tests.funds.world import pdf
from tests.test_access_policy import _build_world, _client_as

SECTION = re.compile(r'data-section="(\w+)"')


@pytest.fixture
def world(saved_world, create_user, create_org):
    return saved_world("access-policy", lambda: _build_world(create_user, create_org))


def sections(response) -> set[str]:
    return set(SECTION.findall(response.get_data(as_text=True)))


def test_the_menu_offers_my_page_to_people_logged_in(app, world):
    emails, _tokens, _ids = world
    visitor, _csrf = _client_as(app, emails, "anonymous")
    assert 'href="/me"' not in visitor.get("/").get_data(as_text=True)
    assert visitor.get("/me").status_code == 302
    volunteer, _csrf = _client_as(app, emails, "volunteer")
    assert 'href="/me"' in volunteer.get("/").get_data(as_text=True)


@pytest.mark.parametrize("role,shown,hidden", [
    ("volunteer", {"volunteer", "care"}, {"queues", "team", "firm", "casework", "platform"}),
    ("donor", {"volunteer", "giving"}, {"queues", "firm", "care"}),
    ("firm_member", {"volunteer", "firm"}, {"queues", "team", "casework"}),
    ("social_worker", {"casework", "queues"}, {"firm", "platform"}),
    ("staff", {"queues", "team"}, {"casework", "firm", "platform"}),
    ("org_admin", {"queues", "team"}, {"casework", "platform"}),
    ("platform_admin", {"platform", "volunteer"}, {"queues"}),
])
def test_each_role_sees_its_own_sections(app, world, role, shown, hidden):
    emails, _tokens, _ids = world
    client, _csrf = _client_as(app, emails, role)
    response = client.get("/me")
    assert response.status_code == 200
    found = sections(response)
    assert shown <= found and not hidden & found, (role, found)


def test_staff_see_how_many_hour_reports_wait_and_where(app, world):
    emails, _tokens, ids = world
    client, _csrf = _client_as(app, emails, "staff")
    body = client.get("/me").get_data(as_text=True)
    queue = re.search(r'data-queue="hours"><a href="([^"]+)">[^<]+</a>\s*<span class="badge">(\d+)</span>', body)
    assert queue and queue.group(1) == f"/timebank/orgs/{ids['org_id']}/hour-reports" and queue.group(2) == "1"


def test_a_payment_waiting_for_a_second_person_is_counted(app, world, create_user):
    emails, _tokens, ids = world
    app.config["MONEY_SECOND_PERSON_ABOVE_FEN"] = 1_000
    from marketplace.auth.service import find_by_email
    from marketplace.funds.service import fund_by_code

    staff = find_by_email(emails["staff"])
    disbursements.request_disbursement(staff, fund_by_code(ids["fund_code"]), payee="五金店", purpose="换锁",
                                       amount_fen=20_000, evidence_file=pdf())
    client, _csrf = _client_as(app, emails, "org_admin")
    body = client.get("/me").get_data(as_text=True)
    assert re.search(r'data-queue="disbursements"><a href="/funds/[^/]+/disbursements">[^<]+</a>\s*'
                     r'<span class="badge">1</span>', body)


def test_a_newcomer_is_told_what_to_do_next(app, create_user, client, auth):
    newcomer = create_user(email="new@example.org")
    auth.login(newcomer.email)
    body = client.get("/me").get_data(as_text=True)
    assert "You have not signed up for any activity yet." in body
    assert 'href="/timebank/"' in body and 'href="/wishes/"' in body and 'href="/timebank/care/new"' in body
    assert {"volunteer", "more"} == sections(client.get("/me"))


@pytest.fixture
def signed_up(create_user, create_org):
    """A volunteer signed up for an activity in three days; another activity they did not sign up for."""
    volunteer, coordinator = create_user(email="vol@example.org"), create_user(email="coord@example.org")
    team = create_org("volunteer_team", {coordinator: "coordinator", volunteer: "member"})
    made = []
    for title, days in (("下周探访", 3), ("别人的探访", 4)):
        starts = now_utc().replace(microsecond=0) + timedelta(days=days)
        activity = activities.create_activity(coordinator, team, title=title, description="", category="elderly_care",
                                              district_id=1, address="", starts_at=starts,
                                              ends_at=starts + timedelta(hours=2), capacity=1)
        made.append(activity)
    activities.sign_up(made[0].id, volunteer)
    return volunteer, made[0]


def test_upcoming_shifts_list_places_to_come_and_cancel_comes_back(client, auth, signed_up):
    volunteer, activity = signed_up
    auth.login(volunteer.email)
    body = client.get("/me").get_data(as_text=True)
    assert "下周探访" in body and "别人的探访" not in body
    answer = auth.post(f"/timebank/activities/{activity.id}/cancel?next=/me", form_page="/me")
    assert answer.status_code == 302 and answer.location == "/me"
    assert db.session.get(Signup, 1).status == SignupStatus.CANCELLED
    assert "下周探访" not in client.get("/me").get_data(as_text=True)


def test_cancel_never_sends_people_off_the_site(client, auth, signed_up):
    volunteer, activity = signed_up
    auth.login(volunteer.email)
    answer = auth.post(f"/timebank/activities/{activity.id}/cancel?next=//evil.example", form_page="/me")
    assert answer.location == f"/timebank/activities/{activity.id}"


def test_signups_of_keeps_places_to_come_and_leaves_out_cancelled_ones(signed_up):
    volunteer, activity = signed_up
    assert [s.activity_id for s in activities.signups_of(volunteer)] == [activity.id]
    activities.cancel_signup(activity.id, volunteer)
    assert activities.signups_of(volunteer) == [] and activities.signups_of(volunteer, upcoming=False) == []


def test_households_waiting_for_a_visit_are_counted(app, world):
    from datetime import date

    from marketplace.auth.service import find_by_email
    from marketplace.orgs.models import Organisation
    from marketplace.wishes import beneficiaries

    emails, _tokens, ids = world
    client, _csrf = _client_as(app, emails, "staff")
    badge = re.compile(r'data-queue="households"><a href="[^"]+">[^<]+</a>\s*<span class="badge[^"]*">(\d+)</span>')
    assert badge.search(client.get("/me").get_data(as_text=True)).group(1) == "0"  # the world's household is verified
    beneficiaries.register_beneficiary(
        find_by_email(emails["staff"]), db.session.get(Organisation, ids["org_id"]), pseudonym="新户", district_id=1,
        category="elderly_alone", age_band="80+", full_name="李某", phone="", id_number="", address="", notes="",
        consent_on=date(2026, 1, 5), consent_scope="登记")
    assert badge.search(client.get("/me").get_data(as_text=True)).group(1) == "1"
