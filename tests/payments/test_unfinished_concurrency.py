"""Races on PostgreSQL between a donor taking up or cancelling an unfinished checkout and the provider's
webhook completing the same gift, on real parallel connections: the gift counts once, or not at all,
and is never cancelled or given a new checkout once paid."""
import threading

import pytest

from marketplace.auth.models import User
from marketplace.payments import rules, service, unfinished, webhooks
from marketplace.payments.demo_provider import event_for
from marketplace.payments.gateway import StripeGateway, sign
from marketplace.payments.models import Donation
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.wishes.givers import giver_counts
from marketplace.wishes.models import Listing
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.payments.fake_stripe import WEBHOOK_SECRET, FakeStripe

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]
URLS = dict(success_url="http://localhost/ok", cancel_url="http://localhost/no", demo_url="/payments/demo/x")


def _fresh(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def _pay_by_webhook(payload: bytes, secret: str, provider: str) -> str:
    return webhooks.handle(payload, sign(payload, secret), secret, provider=provider).outcome


@pytest.mark.parametrize("round_", range(6))
def test_cancel_and_the_webhook_at_once_count_the_gift_once(app, station, create_listing, round_):
    need = create_listing(kind="household_need", value_fen=1_000_000)
    gift = service.give_to_need(station.donor, need.public_code, 30_000)
    donor_id, code, payload, secret = station.donor.id, gift.public_code, event_for(gift), rules.demo_webhook_secret()
    db.session.commit()

    def work(i):
        if i == 0:
            return unfinished.cancel_checkout(db.session.get(User, donor_id), code).status
        return _pay_by_webhook(payload, secret, "demo")

    cancelled, paid = run_together(app, 2, work)
    assert paid == "completed", paid
    assert cancelled == "cancelled" or (isinstance(cancelled, Conflict) and "already paid" in str(cancelled.message))
    listing = _fresh(Listing, need.id)
    assert _fresh(Donation, gift.id).status == "completed"  # a payment that went through is never lost
    assert listing.pledged_fen == listing.received_fen == 30_000
    assert giver_counts([need.id]) == {need.id: 1}


def test_a_resume_overtaken_by_the_webhook_writes_nothing_and_says_paid(
        app, stripe_config, fake_stripe, station, create_listing, monkeypatch):
    """The webhook completes the gift on another connection while the resume is opening a fresh checkout:
    the guarded UPDATE (status still pending, the session it saw) finds nothing, and the donor is told."""
    app.config.update(stripe_config)
    need = create_listing(kind="household_need", value_fen=1_000_000)
    gift = service.give_to_need(station.donor, need.public_code, 30_000)
    service.begin_checkout(gift, **URLS)
    gift = _fresh(Donation, gift.id)
    old = gift.checkout_id
    paid = FakeStripe.event("checkout.session.completed", fake_stripe.pay(old))
    fake_stripe.sessions[old]["status"] = "expired"  # what the resume reads: closed, so it opens another
    original = StripeGateway.create_checkout
    outcome = []

    def overtaken(self, **kwargs):
        checkout = original(self, **kwargs)
        worker = threading.Thread(target=lambda: outcome.extend(run_together(
            app, 1, lambda i: _pay_by_webhook(paid, WEBHOOK_SECRET, "stripe"))))
        worker.start()
        worker.join(60)  # the webhook has committed on its own connection
        return checkout

    monkeypatch.setattr(StripeGateway, "create_checkout", overtaken)
    with pytest.raises(Conflict, match="already paid"):
        unfinished.resume_checkout(station.donor, gift.public_code, **URLS)
    db.session.rollback()
    assert outcome == ["completed"], outcome
    done = _fresh(Donation, gift.id)
    assert done.status == "completed" and done.checkout_id == old
    assert _fresh(Listing, need.id).received_fen == 30_000


def test_resumes_at_once_of_an_expired_checkout_share_one_fresh_session(
        app, stripe_config, fake_stripe, station, fund):
    app.config.update(stripe_config)
    gift = service.give_to_fund(station.donor, fund.public_code, 8_800)
    service.begin_checkout(gift, **URLS)
    gift = _fresh(Donation, gift.id)
    fake_stripe.expire_now(gift.checkout_id)
    donor_id, code = station.donor.id, gift.public_code
    urls = run_together(app, 4, lambda i: unfinished.resume_checkout(db.session.get(User, donor_id), code, **URLS))
    assert len(set(urls)) == 1 and all(isinstance(u, str) for u in urls), urls
    assert urls[0] == fake_stripe.sessions[_fresh(Donation, gift.id).checkout_id]["url"]
    assert len(fake_stripe.created) == 2  # the first checkout and one fresh one
