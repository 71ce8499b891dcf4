"""Money events racing on PostgreSQL never deadlock: gifts completing with Stripe's fee into one hot fund,
gifts to a household need (the last ones past its budget, their excess to the community fund), gifts to
that community fund, and refunds of the need's earlier gifts, all through the signed webhook at once.

A deadlock here used to reach Stripe as a 500: a refund locked the fund's balance rows and then the need,
a completion the need and then the fund. Every path now takes its rows, then its ledger locks, in one
order; no retry may be needed ("Retrying after" is never logged), so the rounds prove the order itself.
"""
import json
import logging

import pytest

from marketplace.funds import service as funds
from marketplace.ledger.verify import verify
from marketplace.outbox import service as outbox_service
from marketplace.payments import rules, service, webhooks
from marketplace.payments.demo_provider import event_for
from marketplace.payments.gateway import sign
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.wishes.models import Listing
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]
ROUNDS = 10
FEE = 300


def paid(donation: Donation, fee: int = 0) -> bytes:
    """The demo provider's paid event, with Stripe's fee on its balance transaction."""
    event = json.loads(event_for(donation))
    event["data"]["object"]["payment_intent"]["latest_charge"]["balance_transaction"]["fee"] = fee
    return json.dumps(event).encode()


def refunded(donation: Donation) -> bytes:
    code = donation.public_code
    return json.dumps({"id": f"evt_demo_refund_{code}", "object": "event", "type": "charge.refunded",
                       "livemode": False, "data": {"object": {
                           "id": f"ch_demo_{code}", "object": "charge", "amount_refunded": donation.amount_fen,
                           "currency": rules.CURRENCY, "payment_intent": f"pi_demo_{code}",
                           "metadata": {"donation_code": code}}}}).encode()


def deliver(payload: bytes) -> str:
    secret = rules.demo_webhook_secret()
    return webhooks.handle(payload, sign(payload, secret), secret, provider="demo").outcome


def need(create_listing, budget: int):
    return create_listing(kind="household_need", value_fen=budget,
                          funding=[{"source": "charity", "amount_fen": budget}])


def test_completions_with_fees_excess_and_refunds_racing_never_deadlock(app, station, fund, create_listing,
                                                                       caplog, monkeypatch):
    caplog.set_level(logging.INFO, logger="marketplace.platform.transactions")
    # The receipts wait in the outbox: rendering each PDF after each commit is not what this race is about
    # (delivery has its own tests) and took most of this test's time.
    monkeypatch.setattr(outbox_service, "deliver_due", lambda: 0)
    donor = station.donor
    community = funds.community_fund_for(need(create_listing, 100_000))
    db.session.commit()
    failures, outcomes = [], []
    for _ in range(ROUNDS):
        listing = need(create_listing, 300_000)
        earlier = [service.give_to_need(donor, listing.public_code, 100_000) for _ in range(2)]
        for gift in earlier:
            assert deliver(paid(gift)) == "completed"
        payloads = [refunded(g) for g in earlier]  # refunds of the need's gifts ...
        payloads += [paid(service.give_to_need(donor, listing.public_code, 100_000), FEE) for _ in range(3)]
        payloads += [paid(service.give_to_fund(donor, fund.public_code, 5_000), FEE) for _ in range(2)]
        payloads += [paid(service.give_to_fund(donor, community.public_code, 5_000), FEE)]
        results = run_together(app, len(payloads), lambda i, payloads=payloads: deliver(payloads[i]))
        failures += [r for r in results if isinstance(r, Exception)]
        outcomes += results
        db.session.expire_all()
        listing = db.session.get(Listing, listing.id)
        assert funds.totals(funds.fund_of(listing)).balance == listing.received_fen
    assert failures == [], failures[:3]
    assert set(outcomes) == {"completed", "refunded"}
    assert "Retrying after" not in caplog.text  # the lock order alone kept them apart
    assert verify().ok
