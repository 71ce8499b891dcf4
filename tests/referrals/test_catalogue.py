"""The assistance catalogue, offers, district officers and communities: rules in the services, pages by HTTP."""
import pytest
from sqlalchemy import select

from marketplace.orgs.models import Community
from marketplace.platform.errors import Forbidden, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.referrals import catalogue, officers
from marketplace.referrals.models import DistrictOfficer, ItemOffer

ITEM = {"code": "rent-help", "kind": "policy", "need_kind": "housing", "name_zh": "租房补贴", "name_en": "Rent help",
        "categories": ["subsistence"], "required_facts": ["no_income"]}


@pytest.fixture
def admin(create_user):
    return create_user(admin=True, display_name="平台管理员")


def test_an_admin_adds_and_changes_an_item_and_takes_it_out(care, admin):
    item = catalogue.save_item(admin, **ITEM)
    assert (item.kind, item.categories, item.required_facts, item.is_active) == (
        "policy", ["subsistence"], ["no_income"], True)
    catalogue.save_item(admin, item.id, **ITEM | {"name_en": "Rent allowance", "code": "RENT-HELP "})
    assert (item.name_en, item.code) == ("Rent allowance", "rent-help")
    catalogue.set_active(admin, item.id, False)
    assert item not in catalogue.items()
    assert item in catalogue.items(active_only=False)


def test_the_catalogue_refuses_bad_items_naming_each_field(care, admin):
    with pytest.raises(InvalidInput) as error:
        catalogue.save_item(admin, code="Old Age!", kind="gift", need_kind="x", name_zh=" ", name_en="x" * 121,
                            categories=["rich"], required_facts=["tall"], budget_fen=-1)
    assert set(error.value.fields) == {"code", "kind", "need_kind", "name_zh", "name_en", "categories",
                                       "required_facts", "budget_fen"}
    with pytest.raises(InvalidInput) as error:
        catalogue.save_item(admin, **ITEM | {"code": care.policy.code})
    assert set(error.value.fields) == {"code"}


def test_a_charity_programme_needs_its_organisation_and_budget(care, admin):
    with pytest.raises(InvalidInput) as error:
        catalogue.save_item(admin, **ITEM | {"code": "warm-winter", "kind": "charity"})
    assert set(error.value.fields) == {"organisation_id", "budget_fen"}
    item = catalogue.save_item(admin, **ITEM | {"code": "warm-winter", "kind": "charity",
                                                "organisation_id": care.charity.id, "budget_fen": 5_000_000})
    assert (item.organisation_id, item.budget_fen) == (care.charity.id, 5_000_000)


def test_only_platform_admins_keep_the_catalogue(care):
    with pytest.raises(Forbidden):
        catalogue.save_item(care.station.admin, **ITEM)
    with pytest.raises(Forbidden):
        officers.appoint(care.station.admin, care.station.worker.email, 1)


def test_staff_offer_items_in_districts_and_withdraw_them(care):
    offer = catalogue.offer(care.helper_staff, care.helper.id, care.meals.id, 2)
    assert catalogue.offer(care.helper_staff, care.helper.id, care.meals.id, 2).id == offer.id  # again: the same
    with pytest.raises(InvalidInput) as error:
        catalogue.offer(care.helper_staff, care.helper.id, care.policy.id, 999)
    assert set(error.value.fields) == {"item_id", "district_id"}
    with pytest.raises(NotFound):
        catalogue.offer(care.charity_staff, care.helper.id, care.meals.id, 2)  # not their organisation
    catalogue.withdraw(care.helper_staff, offer.id)
    assert db.session.get(ItemOffer, offer.id) is None


def test_an_admin_appoints_and_removes_district_officers_by_email(care, admin):
    appointed = officers.appoint(admin, care.station.worker.email.upper(), 2)
    assert (appointed.user_id, appointed.district_id, appointed.appointed_by_id) == (
        care.station.worker.id, 2, admin.id)
    with pytest.raises(InvalidInput) as error:
        officers.appoint(admin, "nobody@example.org", 999)
    assert set(error.value.fields) == {"email", "district_id"}
    officers.remove(admin, care.station.worker.id, 2)
    assert db.session.get(DistrictOfficer, (care.station.worker.id, 2)) is None
    with pytest.raises(NotFound):
        officers.remove(admin, care.station.worker.id, 2)


def test_communities_have_unique_codes_and_keep_their_households_district(care, admin):
    north = officers.save_community(admin, code="north", name_zh="北街社区", name_en="North Street", district_id=1)
    assert north.district_id == 1
    with pytest.raises(InvalidInput) as error:
        officers.save_community(admin, code="east", name_zh="", name_en="x", district_id=1, sort_order=-1)
    assert set(error.value.fields) == {"code", "name_zh", "sort_order"}
    with pytest.raises(InvalidInput) as error:  # households live in East Street
        officers.save_community(admin, care.east.id, code="east", name_zh="东街", name_en="East", district_id=2)
    assert set(error.value.fields) == {"district_id"}


def test_the_public_catalogue_shows_active_items_and_who_offers_them(client, care):
    page = client.get("/referrals/catalogue").get_data(as_text=True)
    assert "Meals delivered" in page and "Canteen" in page and "Old-age allowance" in page
    assert "/referrals/catalogue/new" not in page


def test_admin_pages_keep_what_was_typed_when_refused(client, auth, care, admin):
    auth.login(admin.email)
    response = auth.post("/referrals/catalogue/new", {"code": "Bad Code", "kind": "service", "need_kind": "living",
                                                      "name_zh": "新的服务", "name_en": "", "budget": "abc"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'value="Bad Code"' in page and 'value="新的服务"' in page and 'value="abc"' in page
    response = auth.post("/referrals/officers", {"email": "nobody@example.org", "district_id": "1"})
    assert response.status_code == 422 and 'value="nobody@example.org"' in response.get_data(as_text=True)
    response = auth.post("/referrals/officers", {"email": care.volunteer.email, "district_id": "1"})
    assert response.status_code == 302
    assert db.session.get(DistrictOfficer, (care.volunteer.id, 1)) is not None
    response = auth.post("/referrals/communities", {"code": "south", "name_zh": "南街社区", "name_en": "South Street",
                                                    "district_id": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(Community).where(Community.code == "south")) is not None
    assert "/referrals/officers" in client.get("/admin/").get_data(as_text=True)


def test_other_people_do_not_reach_the_admin_pages(client, auth, care):
    auth.login(care.station.worker.email)
    assert client.get("/referrals/catalogue/new").status_code == 403
    assert client.get("/referrals/officers").status_code == 403


def test_staff_declare_and_withdraw_offers_on_their_page(client, auth, care):
    auth.login(care.helper_staff.email)
    page = client.get(f"/referrals/orgs/{care.helper.id}/offers").get_data(as_text=True)
    assert "Meals delivered" in page and "Old-age allowance" not in page  # policies are not offered
    response = auth.post(f"/referrals/orgs/{care.helper.id}/offers", {"item_id": str(care.policy.id),
                                                                       "district_id": "2"})
    assert response.status_code == 422
    assert auth.post(f"/referrals/orgs/{care.helper.id}/offers", {"item_id": str(care.meals.id),
                                                                   "district_id": "2"}).status_code == 302
    offer = db.session.scalar(select(ItemOffer).where(ItemOffer.organisation_id == care.helper.id,
                                                      ItemOffer.district_id == 2))
    offer_id = offer.id
    assert auth.post(f"/referrals/offers/{offer_id}/withdraw").status_code == 302
    db.session.expire_all()
    assert db.session.get(ItemOffer, offer_id) is None
    assert client.get(f"/referrals/orgs/{care.charity.id}/offers").status_code == 404


def test_an_admin_takes_an_item_out_removes_an_officer_and_corrects_a_community(client, auth, care, admin):
    auth.login(admin.email)
    path = f"/referrals/catalogue/{care.meals.id}/edit"
    assert "Take it out of the catalogue" in client.get(path).get_data(as_text=True)
    assert auth.post(f"/referrals/catalogue/{care.meals.id}/active", {"active": "0"}).status_code == 302
    assert care.meals.is_active is False
    assert "Meals delivered" in client.get("/referrals/catalogue").get_data(as_text=True)  # the admin still sees it
    assert auth.post(f"/referrals/officers/{care.officer.id}/districts/1/remove").status_code == 302
    assert db.session.get(DistrictOfficer, (care.officer.id, 1)) is None
    response = auth.post(f"/referrals/communities/{care.east.id}", {"code": "east", "name_zh": "东街社区",
                                                                    "name_en": "East Street Community",
                                                                    "district_id": "1", "sort_order": "2"})
    assert response.status_code == 302 and care.east.name_en == "East Street Community"
    auth.logout()
    assert "Meals delivered" not in client.get("/referrals/catalogue").get_data(as_text=True)
