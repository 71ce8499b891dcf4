"""Wish claims through the API take an Idempotency-Key: a retry gets the first answer, another body is refused."""
from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.wishes.models import WishClaim
from tests.api.conftest import api_error


def test_a_retried_claim_returns_the_first_answer(client, station, create_listing, headers):
    wish = create_listing()
    url = f"/api/v1/listings/{wish.public_code}/claims"
    auth = headers(station.donor) | {"Idempotency-Key": "claim-1"}
    first = client.post(url, json={"method": "money"}, headers=auth)
    again = client.post(url, json={"method": "money"}, headers=auth)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert db.session.scalar(select(func.count(WishClaim.id))) == 1


def test_the_same_key_with_another_body_is_refused(client, station, create_listing, headers):
    wish = create_listing()
    url = f"/api/v1/listings/{wish.public_code}/claims"
    auth = headers(station.donor) | {"Idempotency-Key": "claim-2"}
    assert client.post(url, json={"method": "money"}, headers=auth).status_code == 201
    error = api_error(client.post(url, json={"method": "in_kind"}, headers=auth), 409)
    assert error["code"] == "idempotency_conflict"


def test_a_refusal_is_replayed_too_and_keys_belong_to_their_caller(client, station, create_listing, create_user,
                                                                   headers):
    wish = create_listing()
    url = f"/api/v1/listings/{wish.public_code}/claims"
    assert client.post(url, json={}, headers=headers(station.donor)).status_code == 201
    other = create_user()
    auth = headers(other) | {"Idempotency-Key": "k"}
    lost = client.post(url, json={}, headers=auth)
    assert lost.status_code == 409
    claim_id = db.session.scalar(select(WishClaim.id))
    client.post(f"/api/v1/wish-claims/{claim_id}/release", headers=headers(station.donor))
    replay = client.post(url, json={}, headers=auth)  # the wish is free again, but the key's answer stands
    assert replay.status_code == 409 and replay.get_json() == lost.get_json()
    mine = client.post(url, json={}, headers=headers(station.firm_member) | {"Idempotency-Key": "k"})
    assert mine.status_code == 201
    api_error(client.post(url, json={}, headers=headers(other) | {"Idempotency-Key": "x" * 65}), 422)
