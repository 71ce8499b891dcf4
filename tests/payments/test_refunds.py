"""Refunds are never lost: found through the payment intent, posted even after the money was paid out,
each with a credit note against the receipt, shown in public; what cannot be matched waits for staff."""
import pytest
from sqlalchemy import select

from marketplace.funds import service as funds
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause
from marketplace.payments import postings, service
from marketplace.payments.models import CreditNote, Donation, PaymentEvent
from marketplace.platform.extensions import db
from marketplace.wishes.models import Listing
from tests.payments.conftest import balance_of
from tests.payments.fake_stripe import FakeStripe


@pytest.fixture
def app_config(stripe_config):
    return stripe_config


def _checkout(donation):
    service.begin_checkout(donation, success_url="http://localhost/ok", cancel_url="http://localhost/no",
                           demo_url="/unused")
    db.session.expire_all()
    return db.session.get(Donation, donation.id)


@pytest.fixture
def started(station, fund):
    return _checkout(service.give_to_fund(station.donor, fund.public_code, 10_000))


def _bare(charge: dict) -> bytes:
    """A charge.refunded event as Stripe sends it for a refund made in its dashboard: no metadata."""
    return FakeStripe.event("charge.refunded", dict(charge, metadata={}))


def _state(donation_id):
    db.session.expire_all()
    return db.session.get(Donation, donation_id)


def test_a_refund_without_metadata_before_completion_is_found_through_its_payment_intent(
        deliver, fake_stripe, started, fund):
    fake_stripe.pay(started.checkout_id)  # paid at Stripe; its completion event has not arrived
    response = deliver(_bare(fake_stripe.refund(started.checkout_id, 10_000)))
    assert response.status_code == 200 and response.json["outcome"] == "refunded"
    gift = _state(started.id)
    assert (gift.status, gift.refunded_fen, balance_of(fund.id)) == ("refunded", 10_000, 0)
    note = db.session.scalar(select(CreditNote).where(CreditNote.donation_id == gift.id))
    assert note.number == f"{gift.receipt_no}-C1" and note.amount_fen == 10_000


def test_a_refund_after_the_money_was_paid_out_is_posted_and_left_for_staff(
        deliver, fake_stripe, started, fund, create_user, auth, client):
    deliver(FakeStripe.event("checkout.session.completed", fake_stripe.pay(started.checkout_id)))
    elsewhere = funds.create_fund(started.fund.organisation.memberships[0].user, started.fund.organisation,
                                  kind="general", name_zh="别的", name_en="Other")
    postings.reallocate(started.fund, elsewhere, 10_000, cause=Cause.test("test:paid-out"), memo="paid out")
    db.session.commit()
    response = deliver(FakeStripe.event("charge.refunded", fake_stripe.refund(started.checkout_id, 4_000)))
    assert response.status_code == 200 and response.json["outcome"] == "refund_unfunded"
    gift = _state(started.id)
    assert gift.refunded_fen == 4_000 and balance_of(fund.id) == 0
    owed = ledger.open_account("organisation", fund.organisation_id, "refunds_owed")
    assert ledger.balance(owed).posted == -4_000
    assert db.session.scalar(select(CreditNote.amount_fen).where(CreditNote.donation_id == gift.id)) == 4_000
    event = db.session.scalar(select(PaymentEvent).where(PaymentEvent.outcome == "refund_unfunded"))
    assert event.needs_attention
    admin = create_user(admin=True)
    auth.login(admin.email)
    page = client.get("/payments/attention")
    assert page.status_code == 200 and event.event_id in page.get_data(as_text=True)


def test_an_event_we_cannot_match_is_kept_listed_and_settled_by_hand(deliver, fake_stripe, create_user, auth,
                                                                     client):
    charge = {"id": "ch_nobody", "object": "charge", "amount_refunded": 500, "payment_intent": "pi_nobody",
              "metadata": {}}
    response = deliver(FakeStripe.event("charge.refunded", charge, event_id="evt_nobody"))
    assert response.status_code == 200 and response.json["outcome"] == "refused:unknown_donation"
    admin = create_user(admin=True)
    auth.login(admin.email)
    assert "evt_nobody" in client.get("/payments/attention").get_data(as_text=True)
    event = db.session.scalar(select(PaymentEvent).where(PaymentEvent.event_id == "evt_nobody"))
    csrf = auth.csrf("/payments/attention")
    client.post(f"/payments/attention/{event.id}/settle", data={"note": "Stripe test refund", "csrf_token": csrf})
    db.session.expire_all()
    assert db.session.get(PaymentEvent, event.id).settle_note == "Stripe test refund"
    assert "evt_nobody" not in client.get("/payments/attention").get_data(as_text=True).split("Settled")[0]
    assert client.get("/payments/attention", headers={}).status_code == 200
    auth.logout()
    auth.login(create_user().email)
    assert client.get("/payments/attention").status_code in (403, 404)


def test_a_refund_of_a_need_gift_lowers_its_funding_and_shows_in_public(deliver, fake_stripe, station,
                                                                       create_listing, client):
    need = create_listing(kind="household_need")
    gift = _checkout(service.give_to_need(station.donor, need.public_code, 400_000))
    deliver(FakeStripe.event("checkout.session.completed", fake_stripe.pay(gift.checkout_id)))
    assert db.session.get(Listing, need.id).received_fen == 400_000
    deliver(FakeStripe.event("charge.refunded", fake_stripe.refund(gift.checkout_id, 400_000)))
    db.session.expire_all()
    listing = db.session.get(Listing, need.id)
    assert (listing.received_fen, listing.pledged_fen, listing.left_fen) == (0, 0, 1_000_000)
    fund = funds.fund_of(listing)
    page = client.get(f"/transparency/funds/{fund.public_code}").get_data(as_text=True)
    assert 'data-kind="refund"' in page


def test_an_excess_the_donor_wanted_back_is_refunded_through_stripe(deliver, fake_stripe, station, create_listing,
                                                                   create_user):
    need = create_listing(kind="household_need")
    first = _checkout(service.give_to_need(station.donor, need.public_code, 800_000))
    second = _checkout(service.give_to_need(create_user(), need.public_code, 500_000, excess_choice="refund"))
    deliver(FakeStripe.event("checkout.session.completed", fake_stripe.pay(first.checkout_id)))
    deliver(FakeStripe.event("checkout.session.completed", fake_stripe.pay(second.checkout_id)))
    assert fake_stripe.refunds and fake_stripe.refunds[-1]["amount"] == "300000"
    assert _state(second.id).refunded_fen == 300_000
    later = FakeStripe.event("charge.refunded", fake_stripe.refund(second.checkout_id, 300_000))
    assert deliver(later).json["outcome"] == "refund_seen"  # Stripe's own event posts nothing twice
    assert balance_of(funds.fund_of(need).id) == 1_000_000
