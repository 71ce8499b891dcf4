"""Households API: staff of the responsible organisation only, private fields included (the ID number masked)."""
from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.wishes.models import Beneficiary
from tests.api.conftest import api_error
from tests.wishes.conftest import PRIVATE

HOUSEHOLD = {"district_id": 1, "category": "elderly_alone", "age_band": "80+", "consent_on": "2026-01-05",
             "consent_scope": "发布微心愿", **PRIVATE}


def household_count() -> int:
    return db.session.scalar(select(func.count(Beneficiary.id)))


def test_staff_register_a_household_with_a_suggested_pseudonym(client, station, headers):
    url = f"/api/v1/orgs/{station.org.id}/beneficiaries"
    made = client.post(url, json=HOUSEHOLD, headers=headers(station.worker))
    assert made.status_code == 201
    body = made.get_json()
    assert body["full_name"] == PRIVATE["full_name"] and body["id_number"] == "************" + PRIVATE["id_number"][-4:]
    assert body["pseudonym"] and body["organisation_id"] == station.org.id and body["is_verified"] is False
    assert body["registered_by_id"] == station.worker.id and body["consent_on"] == "2026-01-05"
    named = client.post(url, json=HOUSEHOLD | {"pseudonym": "星河30"}, headers=headers(station.worker))
    assert named.get_json()["pseudonym"] == "星河30"


def test_registering_is_refused_to_outsiders_and_bad_input_writes_nothing(client, station, headers):
    url = f"/api/v1/orgs/{station.org.id}/beneficiaries"
    before = household_count()
    api_error(client.post(url, json=HOUSEHOLD, headers=headers(station.donor)), 404)
    api_error(client.post(url, json=HOUSEHOLD, headers=headers(station.firm_member)), 404)
    api_error(client.post(url, json=HOUSEHOLD, headers=headers(station.worker, "read")), 403)
    api_error(client.post(url, json=HOUSEHOLD), 401)
    for bad in [HOUSEHOLD | {"district_id": "1"}, HOUSEHOLD | {"district_id": 2**31},
                HOUSEHOLD | {"category": "rich"}, HOUSEHOLD | {"full_name": "a\x00b"},
                HOUSEHOLD | {"full_name": "x" * 81}, HOUSEHOLD | {"phone": "call me"},
                HOUSEHOLD | {"consent_on": "2099-01-01"}, HOUSEHOLD | {"consent_on": "yesterday"},
                HOUSEHOLD | {"zzz": 1}, {"full_name": "王"}]:
        error = api_error(client.post(url, json=bad, headers=headers(station.worker)), 422)
        assert error["code"] == "invalid_input" and error["fields"], bad
    api_error(client.post("/api/v1/orgs/999999/beneficiaries", json=HOUSEHOLD,
                          headers=headers(station.worker)), 404)
    assert household_count() == before


def test_staff_list_their_households_page_by_page(client, station, create_household, headers):
    first, second = create_household(), create_household(pseudonym="暖阳20")
    url = f"/api/v1/orgs/{station.org.id}/beneficiaries"
    page = client.get(url, query_string={"limit": 1}, headers=headers(station.checker, "read")).get_json()
    assert [h["id"] for h in page["items"]] == [first.id] and page["items"][0]["address"] == PRIVATE["address"]
    rest = client.get(url, query_string={"cursor": page["next_cursor"]}, headers=headers(station.checker)).get_json()
    assert [h["id"] for h in rest["items"]] == [second.id] and rest["next_cursor"] is None
    api_error(client.get(url, headers=headers(station.donor)), 404)
    api_error(client.get(url), 401)
    api_error(client.get(url, query_string={"limit": 0}, headers=headers(station.worker)), 422)


def test_a_household_is_read_and_corrected_by_staff_only(client, station, create_household, headers):
    household = create_household()
    url = f"/api/v1/beneficiaries/{household.id}"
    body = client.get(url, headers=headers(station.worker, "read")).get_json()
    assert body["notes"] == PRIVATE["notes"] and body["is_verified"] is True and body["reverify_due_on"]
    api_error(client.get(url, headers=headers(station.donor)), 404)
    api_error(client.get(url), 401)
    changed = client.patch(url, json={"pseudonym": "晨光55", "phone": "13900139000"}, headers=headers(station.checker))
    assert changed.status_code == 200
    assert (changed.get_json()["pseudonym"], changed.get_json()["phone"]) == ("晨光55", "13900139000")
    assert changed.get_json()["full_name"] == PRIVATE["full_name"]  # fields left out keep their values
    api_error(client.patch(url, json={"phone": "call me"}, headers=headers(station.worker)), 422)
    api_error(client.patch(url, json={"age_band": 80}, headers=headers(station.worker)), 422)
    api_error(client.patch(url, json={"pseudonym": "偷改"}, headers=headers(station.donor)), 404)
    api_error(client.patch(url, json={"pseudonym": "只读"}, headers=headers(station.worker, "read")), 403)
    db.session.refresh(household)
    assert household.pseudonym == "晨光55"


def test_staff_record_a_verification_visit(client, station, create_household, headers):
    household = create_household(verified=False)
    url = f"/api/v1/beneficiaries/{household.id}/verification"
    api_error(client.post(url, headers=headers(station.donor)), 404)
    api_error(client.post(url, headers=headers(station.checker, "read")), 403)
    visited = client.post(url, headers=headers(station.checker))
    assert visited.status_code == 200
    assert visited.get_json()["verified_by_id"] == station.checker.id and visited.get_json()["is_verified"] is True
    api_error(client.post("/api/v1/beneficiaries/999999/verification", headers=headers(station.checker)), 404)
