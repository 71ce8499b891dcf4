"""Stripe's webhook: verified on the raw bytes, taken once, and right whatever the order of events."""
import logging
import threading
import time

import pytest

from marketplace.payments import receipts, service, webhooks
from marketplace.payments.models import Donation, PaymentEvent
from marketplace.platform.extensions import db
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.payments.conftest import WEBHOOK, available_of, balance_of, counts, fee_total
from tests.payments.fake_stripe import WEBHOOK_SECRET, FakeStripe, signed


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


@pytest.fixture
def started(station, fund):
    """A pending Stripe donation of ¥100 with its open Checkout Session."""
    donation = service.give_to_fund(station.donor, fund.public_code, 10_000)
    service.begin_checkout(donation, success_url="http://localhost/ok", cancel_url="http://localhost/no",
                           demo_url="/unused")
    db.session.expire_all()
    return db.session.get(Donation, donation.id)


def _completed(fake_stripe, donation, fee=360, event_id=None):
    return FakeStripe.event("checkout.session.completed", fake_stripe.pay(donation.checkout_id, fee=fee),
                            event_id=event_id)


def _state(donation_id):
    db.session.expire_all()
    return db.session.get(Donation, donation_id)


def test_a_paid_checkout_completes_the_donation_with_its_fee_and_receipt(deliver, fake_stripe, started, fund):
    response = deliver(_completed(fake_stripe, started))
    assert response.status_code == 200 and response.json["outcome"] == "completed"
    donation = _state(started.id)
    assert donation.status == "completed" and donation.receipt_no and donation.fee_fen == 360
    assert donation.charge_id.startswith("ch_test_") and donation.payment_intent_id.startswith("pi_test_")
    assert balance_of(fund.id) == 10_000 and fee_total() == -360


@pytest.mark.parametrize("spoil", ["one_byte", "wrong_secret", "stale", "missing", "malformed", "future_scheme"])
def test_a_bad_signature_answers_400_and_writes_nothing(deliver, fake_stripe, started, spoil):
    payload = _completed(fake_stripe, started)
    before = counts()
    if spoil == "one_byte":
        headers = signed(payload)
        payload = payload.replace(b'"paid"', b'"pais"', 1)
    elif spoil == "wrong_secret":
        headers = signed(payload, "whsec_someone_else")
    elif spoil == "stale":
        headers = signed(payload, timestamp=int(time.time()) - 301)
    elif spoil == "missing":
        headers = {"Content-Type": "application/json"}
    elif spoil == "malformed":
        headers = {"Stripe-Signature": "t=notanumber,v1=zz"}
    else:
        headers = {"Stripe-Signature": signed(payload)["Stripe-Signature"].replace("v1=", "v0=")}
    assert deliver(payload, headers=headers).status_code == 400
    assert counts() == before and _state(started.id).status == "pending"


def test_a_body_that_is_not_utf8_answers_400(deliver, started):
    payload = b'{"id": "evt_x", "object": "event", "type": "\xff"}'
    header = {"Stripe-Signature": f"t={int(time.time())},v1=00"}
    assert deliver(payload, headers=header).status_code == 400


def test_the_same_event_ten_times_posts_once(deliver, fake_stripe, started, fund):
    payload = _completed(fake_stripe, started)
    outcomes = [deliver(payload).json["outcome"] for _ in range(10)]
    assert outcomes == ["completed"] + ["duplicate"] * 9
    assert balance_of(fund.id) == 10_000 and fee_total() == -360
    assert db.session.query(PaymentEvent).count() == 1


def test_an_unpaid_completion_waits_for_the_delayed_payment(deliver, fake_stripe, started, fund):
    session = dict(fake_stripe.sessions[started.checkout_id])
    assert deliver(FakeStripe.event("checkout.session.completed", session)).json["outcome"] == "awaiting_payment"
    assert _state(started.id).status == "pending"
    paid = fake_stripe.pay(started.checkout_id, fee=100)
    assert deliver(FakeStripe.event("checkout.session.async_payment_succeeded", paid)).json["outcome"] == "completed"
    assert balance_of(fund.id) == 10_000 and fee_total() == -100


def test_a_failed_delayed_payment_fails_the_donation(deliver, fake_stripe, started, fund):
    session = dict(fake_stripe.sessions[started.checkout_id])
    assert deliver(FakeStripe.event("checkout.session.async_payment_failed", session)).json["outcome"] == "failed"
    assert _state(started.id).status == "failed" and balance_of(fund.id) == 0


def test_partial_then_full_refund_post_only_the_differences(deliver, fake_stripe, started, fund):
    deliver(_completed(fake_stripe, started))
    partial = FakeStripe.event("charge.refunded", fake_stripe.refund(started.checkout_id, 3_000))
    assert deliver(partial).json["outcome"] == "partly_refunded"
    assert (_state(started.id).status, _state(started.id).refunded_fen, balance_of(fund.id)) == (
        "completed", 3_000, 7_000)
    full = FakeStripe.event("charge.refunded", fake_stripe.refund(started.checkout_id, 10_000))
    assert deliver(full).json["outcome"] == "refunded"
    assert (_state(started.id).status, _state(started.id).refunded_fen, balance_of(fund.id)) == (
        "refunded", 10_000, 0)


def test_a_full_refund_overtaking_a_partial_one_ends_right(deliver, fake_stripe, started, fund):
    deliver(_completed(fake_stripe, started))
    partial = FakeStripe.event("charge.refunded", fake_stripe.refund(started.checkout_id, 3_000))
    full = FakeStripe.event("charge.refunded", fake_stripe.refund(started.checkout_id, 10_000))
    assert deliver(full).json["outcome"] == "refunded"
    assert deliver(partial).json["outcome"] == "refund_seen"
    assert _state(started.id).refunded_fen == 10_000 and balance_of(fund.id) == 0


def test_a_refund_before_the_completion_event_completes_from_stripe_then_refunds(deliver, fake_stripe, started,
                                                                                 fund):
    completed = _completed(fake_stripe, started)
    refund = FakeStripe.event("charge.refunded", fake_stripe.refund(started.checkout_id, 4_000))
    assert deliver(refund).json["outcome"] == "partly_refunded"
    donation = _state(started.id)
    assert donation.status == "completed" and donation.receipt_no and donation.refunded_fen == 4_000
    assert deliver(completed).json["outcome"] == "already_completed"
    assert balance_of(fund.id) == 6_000 and fee_total() == -360


def test_a_refund_of_a_payment_stripe_does_not_show_paid_is_asked_again_later(deliver, fake_stripe, started, fund):
    charge = {"id": "ch_early", "object": "charge", "amount_refunded": 1_000, "payment_intent": "pi_early",
              "metadata": {"donation_code": started.public_code}}
    payload = FakeStripe.event("charge.refunded", charge)
    assert deliver(payload).status_code == 409
    assert db.session.query(PaymentEvent).count() == 0  # not kept: Stripe delivers it again
    fake_stripe.pay(started.checkout_id)
    assert deliver(payload).json["outcome"] == "partly_refunded"
    assert balance_of(fund.id) == 9_000


def test_a_dispute_holds_the_amount_so_the_fund_cannot_spend_it(deliver, fake_stripe, started, fund):
    deliver(_completed(fake_stripe, started))
    charge = fake_stripe.sessions[started.checkout_id]["payment_intent"]["latest_charge"]
    assert available_of(fund.id) == 10_000
    assert deliver(FakeStripe.dispute_event(charge, 10_000)).json["outcome"] == "disputed"
    donation = _state(started.id)
    assert donation.disputed_fen == 10_000 and donation.hold_id is not None
    assert balance_of(fund.id) == 10_000 and available_of(fund.id) == 0


def test_a_dispute_before_the_completion_event_finds_the_donation_through_its_charge(deliver, fake_stripe,
                                                                                    started, fund):
    completed = _completed(fake_stripe, started)
    charge = fake_stripe.sessions[started.checkout_id]["payment_intent"]["latest_charge"]
    assert deliver(FakeStripe.dispute_event(charge, 2_500)).json["outcome"] == "disputed"
    assert deliver(completed).json["outcome"] == "already_completed"
    assert balance_of(fund.id) == 10_000 and available_of(fund.id) == 7_500


def test_a_payout_moves_clearing_to_the_bank(deliver):
    from marketplace.ledger import service as ledger

    payout = {"id": "po_test_1", "object": "payout", "amount": 50_000, "currency": "cny", "status": "paid"}
    payload = FakeStripe.event("payout.paid", payout)
    assert deliver(payload).json["outcome"] == "payout"
    assert deliver(payload).json["outcome"] == "duplicate"
    assert ledger.balance(ledger.platform_account("bank")).posted == -50_000


@pytest.mark.parametrize("case", ["unknown_donation", "livemode", "amount"])
def test_events_we_will_never_act_on_are_refused_logged_and_answered_200(deliver, fake_stripe, started, fund,
                                                                          case, caplog):
    session = fake_stripe.pay(started.checkout_id)
    livemode = case == "livemode"
    if case == "unknown_donation":
        session = dict(session, id="cs_other", metadata={"donation_code": "nosuchcode"})
    if case == "amount":
        session = dict(session, amount_total=1)
    with caplog.at_level(logging.ERROR, logger="marketplace.payments.webhooks"):
        response = deliver(FakeStripe.event("checkout.session.completed", session, livemode=livemode))
    assert response.status_code == 200 and response.json["outcome"] == f"refused:{case}"
    assert caplog.records and balance_of(fund.id) == 0 and _state(started.id).status == "pending"


def test_an_event_type_we_do_not_use_is_kept_and_ignored(deliver):
    response = deliver(FakeStripe.event("customer.created", {"id": "cus_1", "object": "customer"}))
    assert response.status_code == 200 and response.json["outcome"] == "ignored"


def test_a_receipt_that_cannot_be_sent_never_undoes_the_donation(deliver, fake_stripe, started, fund, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("mail server on fire")

    monkeypatch.setattr(receipts, "receipt_pdf", broken)  # made by the outbox worker, after the commit
    monkeypatch.setattr("flask_mailman.EmailMessage.send", broken)
    assert deliver(_completed(fake_stripe, started)).json["outcome"] == "completed"
    assert _state(started.id).status == "completed" and balance_of(fund.id) == 10_000


def test_without_a_webhook_secret_nothing_is_accepted(app, deliver, fake_stripe, started):
    app.config["STRIPE_WEBHOOK_SECRET"] = None
    assert deliver(_completed(fake_stripe, started), WEBHOOK_SECRET).status_code == 400


# --- at once (PostgreSQL: SQLite runs one writer at a time) ----------------------------------------------

needs_postgres = pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (concurrent writers)")


@pytest.mark.postgres
@needs_postgres
def test_the_same_event_ten_times_at_once_posts_once(app, fake_stripe, started, fund):
    payload = _completed(fake_stripe, started)
    header = signed(payload)["Stripe-Signature"]
    results = run_together(app, 10, lambda i: webhooks.handle(payload, header, WEBHOOK_SECRET).outcome)
    assert sorted(results) == ["completed"] + ["duplicate"] * 9, results
    assert balance_of(fund.id) == 10_000 and fee_total() == -360
    assert db.session.query(PaymentEvent).count() == 1


@pytest.mark.postgres
@needs_postgres
def test_the_success_page_polling_while_the_webhook_lands_posts_once(app, auth, station, fake_stripe, started,
                                                                     fund):
    auth.login(station.donor.email)
    cookie = auth.client.get_cookie("session").value
    payload = _completed(fake_stripe, started)
    page = f"/payments/donations/{started.public_code}"
    barrier = threading.Barrier(8)
    seen = []

    def poll():
        with app.app_context():
            client = app.test_client()
            client.set_cookie("session", cookie, domain="localhost")
            barrier.wait()
            for _ in range(5):
                seen.append(client.get(page).get_data(as_text=True))
            db.session.remove()

    def hook():
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            seen.append(client.post(WEBHOOK, data=payload, headers=signed(payload)).status_code)
            db.session.remove()

    threads = [threading.Thread(target=poll) for _ in range(4)] + [threading.Thread(target=hook) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert seen.count(200) == 4 and len(seen) == 24
    pages = [s for s in seen if isinstance(s, str)]
    assert all("Awaiting confirmation" in p or "Confirmed" in p for p in pages)
    assert "Confirmed" in auth.client.get(page).get_data(as_text=True)
    assert balance_of(fund.id) == 10_000 and db.session.query(PaymentEvent).count() == 1
