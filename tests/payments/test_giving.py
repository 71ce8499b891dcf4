"""Starting a gift: a fund, a wish claimed by money, a pledge; the amount from our records; the
checkout opened with no transaction open while Stripe is called."""
import pytest

from marketplace.funds import service as funds
from marketplace.payments import demo_provider, service
from marketplace.payments.gateway import StripeGateway
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.wishes import claims, pledges
from tests.payments.conftest import balance_of


def _checkout(donation):
    return service.begin_checkout(donation, success_url="http://localhost/ok", cancel_url="http://localhost/no",
                                  demo_url="/payments/demo/x")


def test_a_gift_to_a_fund_starts_pending_through_the_demo_with_the_donors_choices(station, fund):
    station.donor.public_display = "anonymous"
    db.session.commit()
    donation = service.give_to_fund(station.donor, fund.public_code, 12_345, message=" 加油 ")
    assert (donation.status, donation.provider, donation.amount_fen) == ("pending", "demo", 12_345)
    assert donation.display == "anonymous" and donation.message == "加油"
    assert _checkout(donation) == "/payments/demo/x"
    assert db.session.get(type(donation), donation.id).checkout_id == f"cs_demo_{donation.public_code}"
    assert balance_of(fund.id) == 0  # nothing until the provider confirms


@pytest.mark.parametrize("amount", [0, 99, 5_000_001, "100", 1.5, None])
def test_an_amount_outside_one_yuan_to_the_maximum_is_refused(station, fund, amount):
    with pytest.raises(InvalidInput) as refused:
        service.give_to_fund(station.donor, fund.public_code, amount)
    assert "amount_fen" in refused.value.fields


def test_the_maximum_is_a_setting(app, station, fund):
    app.config["PAYMENTS_MAX_FEN"] = 10_000
    with pytest.raises(InvalidInput):
        service.give_to_fund(station.donor, fund.public_code, 10_001)
    assert service.give_to_fund(station.donor, fund.public_code, 10_000).amount_fen == 10_000


def test_shape_of_display_and_message_is_checked(station, fund):
    with pytest.raises(InvalidInput) as refused:
        service.give_to_fund(station.donor, fund.public_code, 1_000, display="loud", message="x" * 301)
    assert set(refused.value.fields) == {"display", "message"}


def test_closed_and_restricted_funds_take_no_direct_gifts(station, fund, create_listing):
    restricted = funds.restricted_fund_for(create_listing())
    db.session.commit()
    with pytest.raises(Conflict):
        service.give_to_fund(station.donor, restricted.public_code, 1_000)
    fund.is_open = False
    db.session.commit()
    with pytest.raises(Conflict):
        service.give_to_fund(station.donor, fund.public_code, 1_000)
    with pytest.raises(NotFound):
        service.give_to_fund(station.donor, "nosuchfund", 1_000)


def test_a_wish_claimed_by_money_is_paid_at_its_value_into_its_own_fund(station, create_listing):
    wish = create_listing(value_fen=23_400)
    with pytest.raises(Conflict):  # not claimed yet
        service.pay_wish(station.donor, wish.public_code)
    claims.claim_wish(wish.id, station.donor, method="money")
    donation = service.pay_wish(station.donor, wish.public_code)
    assert donation.amount_fen == 23_400 and donation.listing_id == wish.id
    assert donation.fund_id == funds.restricted_fund_for(wish).id
    _checkout(donation)
    demo_provider.checkout(station.donor, donation.public_code)
    assert balance_of(donation.fund_id) == 23_400
    with pytest.raises(Conflict):  # paid already
        service.pay_wish(station.donor, wish.public_code)


def test_a_wish_claimed_in_kind_is_not_paid_here(station, create_listing):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    with pytest.raises(Conflict):
        service.pay_wish(station.donor, wish.public_code)


def test_paying_a_pledge_pays_its_amount_and_marks_it_paid(station, create_listing, create_user):
    need = create_listing(kind="household_need")
    pledge = pledges.pledge(need.id, station.donor, 150_000)
    with pytest.raises(NotFound):  # only the pledger pays it
        service.pay_pledge(create_user(), pledge.id)
    donation = service.pay_pledge(station.donor, pledge.id, display="name")
    assert donation.amount_fen == 150_000 and donation.pledge_id == pledge.id
    _checkout(donation)
    demo_provider.checkout(station.donor, donation.public_code)
    db.session.expire_all()
    assert pledge.status == "paid" and balance_of(funds.restricted_fund_for(need).id) == 150_000
    with pytest.raises(Conflict):
        service.pay_pledge(station.donor, pledge.id)


def test_stripe_checkout_gets_the_amount_from_our_records_and_no_transaction_is_open(
        app, station, fund, stripe_config, fake_stripe, monkeypatch):
    app.config.update(stripe_config)
    seen = []
    original = StripeGateway.create_checkout

    def watched(self, **kwargs):
        seen.append(db.session().in_transaction())
        return original(self, **kwargs)

    monkeypatch.setattr(StripeGateway, "create_checkout", watched)
    donation = service.give_to_fund(station.donor, fund.public_code, 8_800)
    url = _checkout(donation)
    assert seen == [False]
    created = fake_stripe.created[0]
    assert created["line_items[0][price_data][unit_amount]"] == "8800"
    assert created["line_items[0][price_data][currency]"] == "cny"
    assert created["metadata[donation_code]"] == donation.public_code
    assert created["payment_intent_data[metadata][donation_code]"] == donation.public_code
    assert created["success_url"] == "http://localhost/ok" and created["cancel_url"] == "http://localhost/no"
    db.session.expire_all()
    assert url.startswith("https://checkout.stripe.test/") and donation.checkout_id in url
    assert donation.provider == "stripe" and donation.status == "pending"


def test_stripe_down_marks_the_donation_failed_and_says_so(app, station, fund, stripe_config, fake_stripe):
    app.config.update(stripe_config)
    fake_stripe.fail_next = True
    donation = service.give_to_fund(station.donor, fund.public_code, 8_800)
    with pytest.raises(service.ProviderUnavailable):
        _checkout(donation)
    db.session.expire_all()
    assert donation.status == "failed" and donation.checkout_id is None


def test_a_claim_paid_in_money_does_not_expire_but_an_unpaid_one_does(station, create_listing, create_user):
    from datetime import timedelta

    paid_wish, unpaid_wish = create_listing(), create_listing()
    paid = claims.claim_wish(paid_wish.id, station.donor, method="money")
    other = create_user()
    unpaid = claims.claim_wish(unpaid_wish.id, other, method="money")
    donation = service.pay_wish(station.donor, paid_wish.public_code)
    _checkout(donation)
    demo_provider.checkout(station.donor, donation.public_code)
    assert claims.expire_claims(now=paid.deadline_at + timedelta(seconds=1)) == 1
    db.session.expire_all()
    assert (paid.status, unpaid.status) == ("active", "expired")
