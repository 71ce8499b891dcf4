"""The Stripe adapter: stripe-python against a local fake Stripe, and Stripe's own signature checks."""
import time

import pytest

from marketplace.payments.gateway import BadSignature, GatewayError, StripeGateway, sign, verify
from tests.payments.fake_stripe import FakeStripe

SECRET = "whsec_gateway_test"


@pytest.fixture
def gateway(fake_stripe):
    return StripeGateway("sk_test_fake", fake_stripe.url, max_network_retries=0)


def test_a_checkout_session_carries_our_amount_currency_metadata_and_urls(gateway, fake_stripe):
    checkout = gateway.create_checkout(donation_id=7, donation_code="ABC123", amount_fen=4_200, name="基金 / Fund",
                                       success_url="https://site/ok", cancel_url="https://site/no",
                                       email="donor@example.org")
    assert checkout.id.startswith("cs_test_") and checkout.url.endswith(checkout.id)
    form = fake_stripe.created[0]
    assert form["mode"] == "payment" and form["line_items[0][price_data][unit_amount]"] == "4200"
    assert form["line_items[0][price_data][currency]"] == "cny"
    assert form["metadata[donation_id]"] == "7" and form["metadata[donation_code]"] == "ABC123"
    assert form["customer_email"] == "donor@example.org" and form["client_reference_id"] == "ABC123"


def test_sessions_and_charges_are_fetched_as_plain_data(gateway, fake_stripe):
    checkout = gateway.create_checkout(donation_id=1, donation_code="X1", amount_fen=100, name="F",
                                       success_url="https://s/ok", cancel_url="https://s/no")
    fake_stripe.pay(checkout.id, fee=6)
    session = gateway.session(checkout.id)
    assert isinstance(session, dict) and session["payment_status"] == "paid"
    charge_id = session["payment_intent"]["latest_charge"]["id"]
    assert gateway.charge(charge_id)["balance_transaction"]["fee"] == 6


def test_stripe_errors_become_gateway_errors(gateway, fake_stripe):
    with pytest.raises(GatewayError):
        gateway.session("cs_missing")
    fake_stripe.fail_next = True
    with pytest.raises(GatewayError):
        gateway.create_checkout(donation_id=1, donation_code="X2", amount_fen=100, name="F",
                                success_url="https://s/ok", cancel_url="https://s/no")


def test_a_signed_event_verifies_and_reads_back():
    payload = FakeStripe.event("payout.paid", {"id": "po_1", "object": "payout"})
    header = sign(payload, SECRET)
    assert header.startswith("t=") and ",v1=" in header
    assert verify(payload, header, SECRET)["type"] == "payout.paid"


@pytest.mark.parametrize("case", ["changed_byte", "wrong_secret", "stale", "missing", "malformed", "no_secret",
                                  "not_an_event", "not_json"])
def test_anything_but_a_fresh_good_signature_on_an_event_is_refused(case):
    payload = FakeStripe.event("payout.paid", {"id": "po_1", "object": "payout"})
    header, secret = sign(payload, SECRET), SECRET
    if case == "changed_byte":
        payload = payload[:-2] + b" }"
    elif case == "wrong_secret":
        secret = "whsec_other"
    elif case == "stale":
        header = sign(payload, SECRET, int(time.time()) - 301)
    elif case == "missing":
        header = None
    elif case == "malformed":
        header = "v1=abc,t="
    elif case == "no_secret":
        secret = None
    elif case == "not_an_event":
        payload = b'{"id": "x", "object": "charge"}'
        header = sign(payload, SECRET)
    else:
        payload = b"not json"
        header = sign(payload, SECRET)
    with pytest.raises(BadSignature):
        verify(payload, header, secret)


def test_a_signature_within_the_tolerance_is_accepted():
    payload = FakeStripe.event("payout.paid", {"id": "po_1", "object": "payout"})
    assert verify(payload, sign(payload, SECRET, int(time.time()) - 290), SECRET)["id"]
