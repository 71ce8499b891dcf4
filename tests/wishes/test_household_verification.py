"""A household is verified by a second person: never by the one who registered it (HTML, API and service)."""
from datetime import date

import pytest

from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.wishes import beneficiaries
from marketplace.wishes.models import Beneficiary


def registered(station):
    return beneficiaries.register_beneficiary(
        station.worker, station.org, pseudonym="春芽21", district_id=1, category="elderly_alone", age_band="80+",
        full_name="李秘密", consent_on=date(2026, 1, 5), consent_scope="发布微心愿")


def test_the_registrant_cannot_verify_and_a_colleague_can(station):
    household = registered(station)
    with pytest.raises(Conflict) as refused:
        beneficiaries.verify_beneficiary(station.worker, household.id)
    assert "someone else" in str(refused.value.message)
    db.session.rollback()
    assert db.session.get(Beneficiary, household.id).verified_at is None
    verified = beneficiaries.verify_beneficiary(station.checker, household.id)
    assert verified.verified_by_id == station.checker.id and beneficiaries.is_verified(verified)


def test_the_page_and_the_api_refuse_the_registrant(client, auth, headers, station):
    household = registered(station)
    auth.login(station.worker.email)
    page = f"/wishes/households/{household.id}"
    response = auth.post(f"/wishes/households/{household.id}/verify", {}, form_page=page)
    assert response.status_code == 302
    assert "someone else must visit" in client.get(page).get_data(as_text=True)
    api = client.post(f"/api/v1/beneficiaries/{household.id}/verification", headers=headers(station.worker))
    assert api.status_code == 409 and "someone else" in api.get_json()["error"]["message"]
    assert db.session.get(Beneficiary, household.id).verified_at is None
