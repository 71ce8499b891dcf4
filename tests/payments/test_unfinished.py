"""Checkouts left unfinished: from "my gifts" the donor goes back to the same checkout (a fresh one for
the same gift once it expired) or cancels the gift; a gift paid meanwhile is never resumed or cancelled,
and the money counts once toward the wish or need."""
import pytest

from marketplace.funds import service as funds
from marketplace.payments import demo_provider, service, unfinished
from marketplace.payments.models import Donation
from marketplace.platform.errors import Conflict, NotFound
from marketplace.platform.extensions import db
from marketplace.wishes import claims, pledges
from marketplace.wishes.givers import giver_counts
from marketplace.wishes.models import Listing, Pledge, WishClaim
from tests.payments.fake_stripe import FakeStripe

URLS = dict(success_url="http://localhost/ok", cancel_url="http://localhost/no", demo_url="/payments/demo/x")


def _state(model, row_id):
    db.session.expire_all()
    return db.session.get(model, row_id)


def _started(gift):
    service.begin_checkout(gift, **URLS)
    return _state(Donation, gift.id)


# --- Stripe ----------------------------------------------------------------------------------------------

@pytest.fixture
def stripe(app, stripe_config, fake_stripe):
    app.config.update(stripe_config)
    return fake_stripe


def test_an_open_checkout_is_resumed_as_it_is(stripe, station, fund):
    gift = _started(service.give_to_fund(station.donor, fund.public_code, 8_800))
    url = unfinished.resume_checkout(station.donor, gift.public_code, **URLS)
    assert url == stripe.sessions[gift.checkout_id]["url"] and len(stripe.created) == 1


def test_an_expired_checkout_gets_a_fresh_one_for_the_same_gift_which_pays_it_once(stripe, station, fund, deliver):
    gift = _started(service.give_to_fund(station.donor, fund.public_code, 8_800))
    old = gift.checkout_id
    stripe.expire_now(old)
    url = unfinished.resume_checkout(station.donor, gift.public_code, **URLS)
    again = unfinished.resume_checkout(station.donor, gift.public_code, **URLS)  # the fresh one is open
    gift = _state(Donation, gift.id)
    assert gift.checkout_id != old and url == again == stripe.sessions[gift.checkout_id]["url"]
    fresh = stripe.created[-1]
    assert len(stripe.created) == 2 and fresh["metadata[donation_code]"] == gift.public_code
    assert fresh["line_items[0][price_data][unit_amount]"] == "8800"
    response = deliver(FakeStripe.event("checkout.session.completed", stripe.pay(gift.checkout_id)))
    assert response.json["outcome"] == "completed"
    assert _state(Donation, gift.id).status == "completed" and funds.totals(fund).received == 8_800


def test_a_checkout_paid_but_not_yet_confirmed_is_neither_resumed_nor_cancelled(stripe, station, fund):
    gift = _started(service.give_to_fund(station.donor, fund.public_code, 8_800))
    stripe.pay(gift.checkout_id)  # paid at Stripe; its webhook is on the way
    for action in (lambda: unfinished.resume_checkout(station.donor, gift.public_code, **URLS),
                   lambda: unfinished.cancel_checkout(station.donor, gift.public_code)):
        with pytest.raises(Conflict, match="being confirmed"):
            action()
        db.session.rollback()
    assert _state(Donation, gift.id).status == "pending" and len(stripe.created) == 1


def test_cancelling_closes_the_stripe_checkout_so_it_cannot_be_paid(stripe, station, fund):
    gift = _started(service.give_to_fund(station.donor, fund.public_code, 8_800))
    unfinished.cancel_checkout(station.donor, gift.public_code)
    assert stripe.sessions[gift.checkout_id]["status"] == "expired"
    assert _state(Donation, gift.id).status == "cancelled"


def test_stripe_down_changes_nothing(stripe, station, fund, httpserver):
    gift = _started(service.give_to_fund(station.donor, fund.public_code, 8_800))
    stripe.expire_now(gift.checkout_id)
    stripe.fail_next = True
    with pytest.raises(service.ProviderUnavailable):
        unfinished.resume_checkout(station.donor, gift.public_code, **URLS)
    db.session.rollback()
    gift = _state(Donation, gift.id)
    assert gift.status == "pending" and gift.checkout_id in stripe.sessions


# --- the demo provider, and what the gift held ----------------------------------------------------------

def test_a_paid_or_cancelled_gift_is_refused_and_another_donors_is_not_found(station, fund, create_user):
    gift = service.give_to_fund(station.donor, fund.public_code, 8_800)
    demo_provider.checkout(station.donor, gift.public_code)
    with pytest.raises(Conflict, match="already paid"):
        unfinished.cancel_checkout(station.donor, gift.public_code)
    db.session.rollback()
    with pytest.raises(Conflict, match="already paid"):
        unfinished.resume_checkout(station.donor, gift.public_code, **URLS)
    db.session.rollback()
    with pytest.raises(NotFound):
        unfinished.cancel_checkout(create_user(), gift.public_code)
    other = service.give_to_fund(station.donor, fund.public_code, 5_000)
    unfinished.cancel_checkout(station.donor, other.public_code)
    with pytest.raises(Conflict, match="no longer waiting"):
        unfinished.resume_checkout(station.donor, other.public_code, **URLS)


def test_cancelling_a_wish_payment_gives_the_wish_back(station, create_listing):
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor, "money")
    gift = service.pay_wish(station.donor, wish.public_code)
    unfinished.cancel_checkout(station.donor, gift.public_code)
    assert _state(WishClaim, claim.id).status == "released"
    assert _state(Listing, wish.id).status == "published" and _state(Donation, gift.id).status == "cancelled"


def test_cancelling_a_pledge_payment_keeps_the_pledge(station, create_listing):
    need = create_listing(kind="household_need")
    pledge = pledges.pledge(need.id, station.donor, 50_000)
    gift = service.pay_pledge(station.donor, pledge.id)
    unfinished.cancel_checkout(station.donor, gift.public_code)
    assert _state(Pledge, pledge.id).status == "active" and _state(Listing, need.id).pledged_fen == 50_000
    again = service.pay_pledge(station.donor, pledge.id)  # it can still be paid
    demo_provider.checkout(station.donor, again.public_code)
    assert _state(Pledge, pledge.id).status == "paid" and _state(Listing, need.id).received_fen == 50_000


def test_the_money_story_a_resumed_gift_counts_once_a_cancelled_one_not_at_all(station, create_listing,
                                                                              create_user):
    need = create_listing(kind="household_need")
    kept, dropped = station.donor, create_user()
    resumed = service.give_to_need(kept, need.public_code, 30_000)
    cancelled = service.give_to_need(dropped, need.public_code, 20_000)
    # both left their checkout; one comes back and pays, twice over, the other cancels
    assert unfinished.resume_checkout(kept, resumed.public_code, **URLS) == URLS["demo_url"]
    demo_provider.checkout(kept, resumed.public_code)
    with pytest.raises(Conflict):
        demo_provider.checkout(kept, resumed.public_code)
    db.session.rollback()
    unfinished.cancel_checkout(dropped, cancelled.public_code)
    with pytest.raises(Conflict):  # its checkout page cannot pay it any more
        demo_provider.checkout(dropped, cancelled.public_code)
    db.session.rollback()
    listing = _state(Listing, need.id)
    assert listing.pledged_fen == listing.received_fen == 30_000
    assert funds.totals(funds.fund_of(listing)).received == 30_000
    assert giver_counts([need.id]) == {need.id: 1}


# --- the pages ------------------------------------------------------------------------------------------

def test_my_gifts_offers_resume_and_cancel_for_an_unfinished_gift_only(client, auth, station, fund):
    waiting = service.give_to_fund(station.donor, fund.public_code, 8_800)
    paid = service.give_to_fund(station.donor, fund.public_code, 5_000)
    demo_provider.checkout(station.donor, paid.public_code)
    auth.login(station.donor.email)
    page = client.get("/payments/my").get_data(as_text=True)
    assert f"/payments/donations/{waiting.public_code}/resume" in page
    assert f"/payments/donations/{waiting.public_code}/cancel" in page
    assert f"/payments/donations/{paid.public_code}/resume" not in page
    resumed = auth.post(f"/payments/donations/{waiting.public_code}/resume", form_page="/payments/my")
    assert resumed.status_code == 302 and resumed.location.endswith(f"/payments/demo/{waiting.public_code}")
    cancelled = auth.post(f"/payments/donations/{waiting.public_code}/cancel", form_page="/payments/my")
    assert cancelled.status_code == 302
    page = client.get("/payments/my").get_data(as_text=True)
    assert "The gift is cancelled; nothing was charged." in page
    assert f"/payments/donations/{waiting.public_code}/resume" not in page
    again = auth.post(f"/payments/donations/{paid.public_code}/cancel", form_page="/payments/my")
    assert again.status_code == 302
    assert "This gift is already paid" in client.get("/payments/my").get_data(as_text=True)


def test_another_donors_gift_answers_404(client, auth, station, fund, create_user):
    gift = service.give_to_fund(station.donor, fund.public_code, 8_800)
    someone = create_user()
    auth.login(someone.email)
    for action in ("resume", "cancel"):
        assert auth.post(f"/payments/donations/{gift.public_code}/{action}").status_code == 404
    assert _state(Donation, gift.id).status == "pending"
