"""Staff pages for households: the list with lights, registering, the private page, corrections
and verification; nobody outside the organisation reaches them."""
from datetime import date, timedelta

from sqlalchemy import func, select

from marketplace.orgs.models import Membership
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.wishes.models import Beneficiary
from tests.wishes.conftest import PRIVATE

HOUSEHOLD = {"pseudonym": "暖阳31", "district_id": "1", "category": "disability", "age_band": "60-79",
             "full_name": "PRIVATE-NAME-李", "phone": "13900139000", "id_number": "", "address": "某路2号",
             "notes": "", "consent_on": "2026-01-05", "consent_scope": "发布微心愿"}


def test_the_list_shows_each_household_with_its_light(client, auth, station, create_household):
    overdue = create_household(pseudonym="逾期户")
    overdue.reverify_due_on = date(2020, 1, 1)
    unhelped = create_household(pseudonym="久未帮扶")
    unhelped.created_at = now_utc() - timedelta(days=200)
    create_household(pseudonym="正常户")
    db.session.commit()
    auth.login(station.worker.email)
    page = client.get(f"/wishes/orgs/{station.org.id}/households").get_data(as_text=True)
    rows = {name: page[page.index(name) - 400:page.index(name)] for name in ("逾期户", "久未帮扶", "正常户")}
    assert 'data-light="red"' in rows["逾期户"] and 'data-light="yellow"' in rows["久未帮扶"]
    assert 'data-light="green"' in rows["正常户"] and "Red" in page and "Yellow" in page
    assert page.index("逾期户") < page.index("久未帮扶") < page.index("正常户")
    assert f"/wishes/orgs/{station.org.id}/listings" in page
    red_only = client.get(f"/wishes/orgs/{station.org.id}/households?light=red").get_data(as_text=True)
    assert "逾期户" in red_only and "正常户" not in red_only
    assert client.get(f"/wishes/orgs/{station.org.id}/households?light=purple").status_code == 200


def test_outsiders_do_not_reach_the_households(client, auth, station, create_household):
    household = create_household()
    auth.login(station.donor.email)
    assert client.get(f"/wishes/orgs/{station.org.id}/households").status_code == 404
    assert client.get(f"/wishes/orgs/{station.org.id}/households/new").status_code == 404
    assert client.get(f"/wishes/households/{household.id}").status_code == 404
    assert client.get(f"/wishes/households/{household.id}/edit").status_code == 404
    path = f"/wishes/households/{household.id}/verify"
    assert auth.post(path).status_code == 404
    auth.logout()
    assert client.get(f"/wishes/households/{household.id}").status_code == 302  # to the log-in page


def test_a_social_worker_registers_a_household(client, auth, station):
    auth.login(station.worker.email)
    path = f"/wishes/orgs/{station.org.id}/households/new"
    form = client.get(path).get_data(as_text=True)
    assert 'name="pseudonym"' in form and 'value="' in form.split('name="pseudonym"')[1][:200]
    response = auth.post(path, HOUSEHOLD, form_page=path)
    assert response.status_code == 302
    household = db.session.scalar(select(Beneficiary).where(Beneficiary.pseudonym == "暖阳31"))
    assert household.full_name == "PRIVATE-NAME-李" and household.registered_by_id == station.worker.id
    assert household.consent_on == date(2026, 1, 5) and household.verified_at is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "PRIVATE-NAME-李" in page and "Not verified yet" in page


def test_a_bad_registration_shows_field_messages_and_writes_nothing(client, auth, station):
    auth.login(station.worker.email)
    path = f"/wishes/orgs/{station.org.id}/households/new"
    response = auth.post(path, HOUSEHOLD | {"consent_scope": "", "consent_on": "5 January"}, form_page=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This field is required." in page and 'id="consent_on-error"' in page
    response = auth.post(path, HOUSEHOLD | {"phone": "call me", "consent_on": "2999-01-01"}, form_page=path)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "digits only" in page and "not in the future" in page
    assert db.session.scalar(select(func.count(Beneficiary.id))) == 0


def test_the_household_page_shows_private_details_listings_and_verification(client, auth, station,
                                                                            create_listing):
    wish = create_listing(title="助听器电池")
    auth.login(station.checker.email)
    page = client.get(f"/wishes/households/{wish.beneficiary_id}").get_data(as_text=True)
    for name, marker in PRIVATE.items():
        assert (marker not in page) if name == "id_number" else (marker in page)
    assert "************" + PRIVATE["id_number"][-4:] in page  # the whole number only when asked for
    assert 'data-verification="ok"' in page and "助听器电池" in page
    assert f"/wishes/households/{wish.beneficiary_id}/listings/new" in page


def test_staff_correct_a_household(client, auth, station, create_household):
    household = create_household()
    auth.login(station.checker.email)
    path = f"/wishes/households/{household.id}/edit"
    form = client.get(path).get_data(as_text=True)
    assert PRIVATE["full_name"] in form
    response = auth.post(path, HOUSEHOLD | {"address": "新地址3号"}, form_page=path)
    assert response.status_code == 302
    db.session.refresh(household)
    assert household.address == "新地址3号" and household.pseudonym == "暖阳31"
    response = auth.post(path, HOUSEHOLD | {"pseudonym": ""}, form_page=path)
    assert response.status_code == 422
    db.session.refresh(household)
    assert household.pseudonym == "暖阳31"


def test_staff_verify_a_household(client, auth, station, create_household):
    household = create_household(verified=False)
    auth.login(station.checker.email)
    path = f"/wishes/households/{household.id}"
    assert 'data-verification="missing"' in client.get(path).get_data(as_text=True)
    response = auth.post(f"{path}/verify", form_page=path)
    assert response.status_code == 302
    db.session.refresh(household)
    assert household.verified_by_id == station.checker.id and household.reverify_due_on > date.today()
    page = client.get(path).get_data(as_text=True)
    assert 'data-verification="ok"' in page and "The household is verified until" in page


def test_a_verifier_who_left_may_read_but_not_change_the_household(client, auth, station, create_household):
    household = create_household(verified=False)
    auth.login(station.checker.email)
    path = f"/wishes/households/{household.id}"
    auth.post(f"{path}/verify", form_page=path)
    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == station.checker.id)))
    db.session.commit()
    assert PRIVATE["full_name"] in client.get(path).get_data(as_text=True)
    assert client.get(f"{path}/edit").status_code == 404
    assert auth.post(f"{path}/verify").status_code == 404
    assert client.get(f"{path}/listings/new").status_code == 404


def test_the_organisation_page_links_staff_to_households_and_listings(client, auth, station):
    auth.login(station.worker.email)
    page = client.get(f"/orgs/{station.org.id}").get_data(as_text=True)
    assert f"/wishes/orgs/{station.org.id}/households" in page and f"/wishes/orgs/{station.org.id}/listings" in page
    auth.logout()
    auth.login(station.donor.email)
    assert f"/wishes/orgs/{station.org.id}/households" not in client.get(f"/orgs/{station.org.id}").get_data(
        as_text=True)
