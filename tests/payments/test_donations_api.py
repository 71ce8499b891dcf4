"""The donations API: start a gift with a token, pay it in the test checkout, read its status."""
from marketplace.payments import demo_provider
from tests.payments.conftest import balance_of


def test_start_a_gift_then_see_it_confirmed(client, station, fund, headers):
    response = client.post("/api/v1/donations", json={"fund_code": fund.public_code, "amount_fen": 5_000,
                                                      "display": "anonymous", "message": "hi"},
                           headers=headers(station.donor))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "pending" and body["provider"] == "demo" and body["amount_fen"] == 5_000
    assert body["checkout_url"].endswith(f"/payments/demo/{body['code']}")
    demo_provider.checkout(station.donor, body["code"])
    done = client.get(f"/api/v1/donations/{body['code']}", headers=headers(station.donor, "read")).json
    assert done["status"] == "completed" and done["receipt_no"] and balance_of(fund.id) == 5_000


def test_bad_bodies_answer_422_and_others_cannot_read_a_donation(client, station, fund, headers, create_user):
    auth = headers(station.donor)
    for body in ({}, {"fund_code": fund.public_code}, {"fund_code": fund.public_code, "pledge_id": 1,
                                                       "amount_fen": 500},
                 {"fund_code": fund.public_code, "amount_fen": 50}, {"fund_code": fund.public_code,
                                                                     "amount_fen": "5000"}):
        assert client.post("/api/v1/donations", json=body, headers=auth).status_code == 422, body
    assert client.post("/api/v1/donations", json={"fund_code": fund.public_code, "amount_fen": 500},
                       headers=headers(station.donor, "read")).status_code == 403
    code = client.post("/api/v1/donations", json={"fund_code": fund.public_code, "amount_fen": 500},
                       headers=auth).json["code"]
    assert client.get(f"/api/v1/donations/{code}", headers=headers(create_user())).status_code == 404
    assert client.get(f"/api/v1/donations/{code}").status_code == 401


def test_a_wish_paid_through_the_api_uses_its_value(client, station, create_listing, headers):
    from marketplace.wishes import claims

    wish = create_listing(value_fen=12_300)
    claims.claim_wish(wish.id, station.donor, method="money")
    response = client.post("/api/v1/donations", json={"listing_code": wish.public_code},
                           headers=headers(station.donor))
    assert response.status_code == 201 and response.json["amount_fen"] == 12_300
    assert response.json["listing_code"] == wish.public_code
