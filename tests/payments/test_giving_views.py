"""The giving pages over HTTP: give form → TEST MODE checkout → pay → the donation page confirms."""
import re

from marketplace.funds import service as funds
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.wishes import claims, pledges
from tests.payments.conftest import balance_of


def _code(response) -> str:
    return re.search(r"/payments/demo/(\w+)", response.headers["Location"]).group(1)


def test_a_demo_gift_end_to_end_confirms_and_raises_the_fund(client, auth, station, fund):
    auth.login(station.donor.email)
    path = f"/payments/give/fund/{fund.public_code}"
    page = client.get(path).get_data(as_text=True)
    assert "TEST MODE" in page and "Community Care Fund" in page
    response = auth.post(path, {"amount": "88.80", "display": "masked", "message": "祝好"}, form_page=path)
    assert response.status_code == 302
    code = _code(response)
    demo_page = client.get(f"/payments/demo/{code}").get_data(as_text=True)
    assert "TEST MODE" in demo_page and "Pay (test)" in demo_page and "88.80" in demo_page
    waiting = client.get(f"/payments/donations/{code}").get_data(as_text=True)
    assert "Awaiting confirmation" in waiting and 'http-equiv="refresh"' in waiting
    paid = auth.post(f"/payments/demo/{code}", {"outcome": "pay"}, form_page=f"/payments/demo/{code}")
    assert paid.headers["Location"].endswith(f"/payments/donations/{code}")
    done = client.get(f"/payments/donations/{code}").get_data(as_text=True)
    donation = db.session.query(Donation).filter_by(public_code=code).one()
    assert "Confirmed" in done and donation.receipt_no in done and 'http-equiv="refresh"' not in done
    assert balance_of(fund.id) == 8_880 and donation.display == "masked" and donation.message == "祝好"
    again = auth.post(f"/payments/demo/{code}", {"outcome": "pay"}, form_page=f"/payments/donations/{code}")
    assert again.status_code == 302 and balance_of(fund.id) == 8_880  # settled already: nothing more


def test_a_declined_test_payment_shows_failed(client, auth, station, fund):
    auth.login(station.donor.email)
    path = f"/payments/give/fund/{fund.public_code}"
    code = _code(auth.post(path, {"amount": "10", "display": "name"}, form_page=path))
    auth.post(f"/payments/demo/{code}", {"outcome": "decline"}, form_page=f"/payments/demo/{code}")
    assert "did not go through" in client.get(f"/payments/donations/{code}").get_data(as_text=True)
    assert balance_of(fund.id) == 0


def test_a_bad_amount_is_shown_on_the_form(client, auth, station, fund):
    auth.login(station.donor.email)
    path = f"/payments/give/fund/{fund.public_code}"
    for amount, message in (("", "Enter the amount"), ("abc", "Enter an amount in yuan"),
                            ("0.50", "Give at least"), ("50000.01", "at most")):
        response = auth.post(path, {"amount": amount, "display": "name"}, form_page=path)
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.query(Donation).count() == 0


def test_giving_needs_a_login_and_a_donation_is_seen_only_by_its_donor(client, auth, station, fund, create_user):
    path = f"/payments/give/fund/{fund.public_code}"
    assert "/auth/login" in client.get(path).headers["Location"]
    auth.login(station.donor.email)
    code = _code(auth.post(path, {"amount": "10", "display": "name"}, form_page=path))
    auth.logout()
    auth.login(create_user().email)
    assert client.get(f"/payments/donations/{code}").status_code == 404
    assert client.get(f"/payments/demo/{code}").status_code == 404
    assert client.get("/payments/give/fund/nosuch").status_code == 404


def test_a_money_claim_leads_to_paying_the_wish(client, auth, station, create_listing):
    wish = create_listing(value_fen=23_400)
    claims.claim_wish(wish.id, station.donor, method="money")
    auth.login(station.donor.email)
    detail = client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    assert f"/payments/give/wish/{wish.public_code}" in detail and "Pay ¥234.00" in detail
    path = f"/payments/give/wish/{wish.public_code}"
    assert "¥234.00" in client.get(path).get_data(as_text=True)
    code = _code(auth.post(path, {"display": "anonymous", "amount": "1"}, form_page=path))  # amount ignored
    auth.post(f"/payments/demo/{code}", {"outcome": "pay"}, form_page=f"/payments/demo/{code}")
    assert balance_of(funds.restricted_fund_for(wish).id) == 23_400


def test_an_active_pledge_can_be_paid_from_my_page(client, auth, station, create_listing):
    need = create_listing(kind="household_need")
    pledge = pledges.pledge(need.id, station.donor, 120_000)
    auth.login(station.donor.email)
    assert f"/payments/give/pledge/{pledge.id}" in client.get("/wishes/my").get_data(as_text=True)
    path = f"/payments/give/pledge/{pledge.id}"
    code = _code(auth.post(path, {"display": "name"}, form_page=path))
    auth.post(f"/payments/demo/{code}", {"outcome": "pay"}, form_page=f"/payments/demo/{code}")
    db.session.expire_all()
    assert pledge.status == "paid" and "Paid" in client.get("/wishes/my").get_data(as_text=True)
    paid = client.get(path)  # a checkout link of a paid pledge refuses, saying why
    assert paid.status_code == 409 and "not waiting for payment" in paid.get_data(as_text=True)


def test_with_stripe_the_give_form_sends_the_donor_to_stripe_and_the_demo_is_closed(
        app, client, auth, station, fund, stripe_config, fake_stripe):
    app.config.update(stripe_config)
    auth.login(station.donor.email)
    path = f"/payments/give/fund/{fund.public_code}"
    assert "TEST MODE" not in client.get(path).get_data(as_text=True)
    response = auth.post(path, {"amount": "20", "display": "name"}, form_page=path)
    assert response.headers["Location"].startswith("https://checkout.stripe.test/pay/cs_test_")
    donation = db.session.query(Donation).one()
    assert fake_stripe.created[0]["success_url"].endswith(f"/payments/donations/{donation.public_code}")
    assert client.get(f"/payments/demo/{donation.public_code}").status_code == 404
    fake_stripe.fail_next = True
    refused = auth.post(path, {"amount": "20", "display": "name"}, form_page=path)
    assert refused.status_code == 503 and "could not be reached" in refused.get_data(as_text=True)
