"""Households' care pages: enrolment with what was typed kept, the household page, the list with lights,
the domain's index and navigation, and the links between the wishes and care pages."""
from datetime import timedelta

from sqlalchemy import select

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.referrals.models import HouseholdCare, HouseholdVisitor
from tests.referrals.conftest import PRIVATE


def test_enrolling_a_registered_household_sets_its_categories_visitors_and_schedule(client, auth, care,
                                                                                    create_household):
    household = create_household(pseudonym="新来的")
    auth.login(care.station.worker.email)
    listed = client.get(f"/referrals/orgs/{care.station.org.id}/households").get_data(as_text=True)
    assert f"/referrals/households/{household.id}/enrol" in listed
    response = auth.post(f"/referrals/households/{household.id}/enrol", {
        "categories": ["elderly_alone", "severe_disability"], "community_id": str(care.east.id),
        "facts": ["aged_80_plus"], "social_worker_id": str(care.station.checker.id),
        "visitors": f"{care.volunteer.email}\n"})
    assert response.status_code == 302
    cared = db.session.get(HouseholdCare, household.id)
    assert sorted(c.category for c in cared.categories) == ["elderly_alone", "severe_disability"]
    assert (cared.visit_every_days, cared.social_worker_id) == (7, care.station.checker.id)
    assert db.session.scalar(select(HouseholdVisitor.user_id).where(
        HouseholdVisitor.beneficiary_id == household.id)) == care.volunteer.id


def test_a_refused_enrolment_keeps_what_was_typed_and_writes_nothing(client, auth, care, create_household):
    household = create_household(pseudonym="新来的")
    auth.login(care.station.worker.email)
    response = auth.post(f"/referrals/households/{household.id}/enrol", {
        "categories": [], "facts": ["aged_80_plus"], "community_id": str(care.east.id),
        "visitors": "nobody@example.org"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "nobody@example.org" in page
    assert '<input checked id="facts-1" name="facts" type="checkbox" value="aged_80_plus">' in page
    assert "Choose at least one category from the list." in page
    response = auth.post(f"/referrals/households/{household.id}/enrol", {
        "categories": ["subsistence"], "visitors": "nobody@example.org"})
    assert response.status_code == 422 and "No active account has the email nobody@example.org" in \
        response.get_data(as_text=True)
    response = auth.post(f"/referrals/households/{household.id}/enrol", {
        "categories": ["subsistence"], "social_worker_id": str(care.charity_staff.id)})
    assert response.status_code == 422  # not among the station's staff: not a choice
    assert db.session.get(HouseholdCare, household.id) is None


def test_the_household_page_shows_its_record_and_worklist_but_no_private_details(client, auth, care):
    auth.login(care.station.worker.email)
    page = client.get(f"/referrals/households/{care.home.beneficiary_id}").get_data(as_text=True)
    assert care.home.beneficiary.pseudonym in page and "Elderly living alone" in page
    assert 'data-policy="old-age-allowance"' in page and "East Street" in page
    assert not any(value in page for value in PRIVATE.values())
    assert f"/wishes/households/{care.home.beneficiary_id}" in page
    wishes_page = client.get(f"/wishes/households/{care.home.beneficiary_id}").get_data(as_text=True)
    assert f"/referrals/households/{care.home.beneficiary_id}\"" in wishes_page


def test_a_visitor_reads_the_record_without_the_worklist_and_others_find_nothing(client, auth, care):
    auth.login(care.volunteer.email)
    page = client.get(f"/referrals/households/{care.home.beneficiary_id}").get_data(as_text=True)
    assert care.home.beneficiary.pseudonym in page and 'data-section="policy"' not in page
    assert client.get(f"/referrals/households/{care.family.beneficiary_id}").status_code == 404
    assert client.get(f"/referrals/households/{care.home.beneficiary_id}/enrol").status_code == 404
    auth.logout()
    auth.login(care.charity_staff.email)
    assert client.get(f"/referrals/households/{care.home.beneficiary_id}").status_code == 404


def test_the_list_puts_an_overdue_visit_first_in_red(client, auth, care):
    care.family.visit_due_on = local_today() - timedelta(days=1)
    care.home.visit_due_on = local_today() + timedelta(days=1)
    db.session.commit()
    auth.login(care.station.worker.email)
    page = client.get(f"/referrals/orgs/{care.station.org.id}/households").get_data(as_text=True)
    family, home = (page.index(f'data-household="{c.beneficiary_id}" data-light="{light}"')
                    for c, light in ((care.family, "red"), (care.home, "yellow")))
    assert family < home


def test_the_navigation_leads_people_with_a_part_to_the_index(client, auth, care, create_user):
    auth.login(care.station.worker.email)
    home = client.get("/").get_data(as_text=True)
    assert 'href="/referrals/"' in home
    index = client.get("/referrals/").get_data(as_text=True)
    assert f"/referrals/orgs/{care.station.org.id}/households" in index and "/referrals/worklist" in index
    assert "/referrals/worklist" in client.get("/me").get_data(as_text=True)
    auth.logout()
    nobody = create_user()
    auth.login(nobody.email)
    assert 'href="/referrals/"' not in client.get("/").get_data(as_text=True)
    assert client.get("/referrals/").status_code == 403


def test_a_visitor_finds_their_households_from_the_index(client, auth, care):
    auth.login(care.volunteer.email)
    index = client.get("/referrals/").get_data(as_text=True)
    assert f"/referrals/households/{care.home.beneficiary_id}" in index
    assert f"/referrals/households/{care.home.beneficiary_id}" in client.get("/me").get_data(as_text=True)
