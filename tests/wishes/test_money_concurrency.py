"""Races on PostgreSQL: many checkouts of one household need completing at once never take its fund
past the budget; what it no longer needed goes to the community fund or back to the donor."""
import pytest

from marketplace.auth.models import User
from marketplace.funds import service as funds
from marketplace.payments import rules, service, webhooks
from marketplace.payments.demo_provider import event_for
from marketplace.payments.gateway import sign
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.wishes.models import Listing
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]
ROUNDS, GIFTS = 5, 8


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_checkouts_completing_at_once_never_pass_the_budget(app, station, create_listing, create_user, round_):
    need = create_listing(kind="household_need", value_fen=1_000_000)  # ¥10,000; eight gifts of ¥3,000
    donors = [create_user() for _ in range(GIFTS)]
    gifts = [service.give_to_need(u, need.public_code, 300_000, excess_choice="refund" if i % 2 else None)
             for i, u in enumerate(donors)]
    payloads = [event_for(g) for g in gifts]
    secret = rules.demo_webhook_secret()
    results = run_together(app, GIFTS, lambda i: webhooks.handle(payloads[i], sign(payloads[i], secret), secret,
                                                                 provider="demo").outcome)
    assert results == ["completed"] * GIFTS, results
    db.session.expire_all()
    listing = db.session.get(Listing, need.id)
    fund = funds.fund_of(listing)
    totals = funds.totals(fund)
    assert totals.received == totals.balance == 1_000_000 == listing.received_fen
    done = [db.session.get(Donation, g.id) for g in gifts]
    assert sum(d.excess_fen for d in done) == GIFTS * 300_000 - 1_000_000
    community = funds.community_fund_for(listing)
    moved = sum(d.excess_fen for d in done if d.excess_choice == "community")
    assert funds.totals(community).received == moved
    assert sum(d.refunded_fen for d in done) == sum(d.excess_fen for d in done if d.excess_choice == "refund")
    assert db.session.get(User, station.donor.id) is not None


def test_a_second_press_read_before_the_first_completed_does_not_cancel_the_gift(app, station, create_listing):
    """The second press of "pay" read its gift while the first was completing it; by the time it asks
    whether the wish is funded, that very payment has funded it. It must not cancel the gift."""
    from marketplace.payments import demo_provider
    from marketplace.platform.errors import Conflict
    from marketplace.wishes import claims

    wish = create_listing()
    claims.claim_wish(wish.id, station.donor, "money")
    gift = service.pay_wish(station.donor, wish.public_code)
    donor_id, code = station.donor.id, gift.public_code
    db.session.commit()
    assert db.session.get(Donation, gift.id).status == "pending"  # what the second press has read
    first = run_together(app, 1, lambda i: demo_provider.checkout(db.session.get(User, donor_id), code).outcome)
    assert first == ["completed"], first
    db.session.expire(db.session.get(Listing, wish.id))  # the wish is read afresh: funded now
    with pytest.raises(Conflict):
        demo_provider.checkout(station.donor, code)
    db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Donation, gift.id).status == "completed"
