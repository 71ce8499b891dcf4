"""A wish's or need's money: a paid wish cannot be released, only cancelled by two staff members;
a need never collects more than its budget; a funded one takes no more money anywhere."""
from datetime import date

import pytest
from sqlalchemy import select

from marketplace.funds import service as funds
from marketplace.funds.models import Fund
from marketplace.ledger.causes import Cause
from marketplace.payments import demo_provider, offline, rules, service, shares, webhooks
from marketplace.payments.gateway import sign
from marketplace.payments.models import CreditNote, Donation
from marketplace.platform.errors import Conflict, Forbidden, InvalidInput
from marketplace.platform.extensions import db
from marketplace.wishes import cancellations, claims, pledges
from marketplace.wishes import service as wishes
from marketplace.wishes.models import Listing
from tests.payments.conftest import balance_of
from tests.payments.test_offline import slip


def _paid_wish(station, create_listing):
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor, "money")
    donation = service.pay_wish(station.donor, wish.public_code)
    assert demo_provider.checkout(station.donor, donation.public_code).outcome == "completed"
    return db.session.get(Listing, wish.id), claim, donation


def _give(user, need, amount, choice=None):
    return service.give_to_need(user, need.public_code, amount, excess_choice=choice)


def _community(station):
    return db.session.scalar(select(Fund).where(Fund.organisation_id == station.org.id, Fund.kind == "community"))


# --- item 3: a paid wish cannot be released ---------------------------------------------------------------

def test_a_paid_wish_cannot_be_released_by_its_claimant_or_staff_nor_withdrawn(station, create_listing):
    wish, claim, _ = _paid_wish(station, create_listing)
    for who in (station.donor, station.worker):
        with pytest.raises(Conflict) as refused:
            claims.release_claim(claim.id, who)
        assert "cannot be released" in str(refused.value.message)
    with pytest.raises(Conflict):
        wishes.transition(station.checker, wish.id, "withdrawn", "不需要了")
    assert db.session.get(Listing, wish.id).status == "claimed"
    assert "withdrawn" not in wishes.offered_moves(station.checker, wish)  # no button that is only refused


def test_a_cancellation_needs_a_second_person_and_moves_the_money_to_the_community_fund(
        station, create_listing, client):
    wish, claim, donation = _paid_wish(station, create_listing)
    fund = funds.fund_of(wish)
    proposed = cancellations.propose(station.worker, wish.id, "reallocate", "家庭已搬离本区")
    with pytest.raises(Forbidden):
        cancellations.decide(station.worker, proposed.id, True)
    with pytest.raises(Conflict):  # one open proposal at a time
        cancellations.propose(station.checker, wish.id, "refund", "again")
    with pytest.raises(Conflict) as waiting:  # nor is it delivered meanwhile
        wishes.confirm_delivery(station.checker, wish.id, "送到了")
    assert "waiting for a second staff member" in str(waiting.value.message)
    done = cancellations.decide(station.checker, proposed.id, True)
    assert (done.status, done.amount_fen, done.decided_by_id) == ("confirmed", 20_000, station.checker.id)
    listing = db.session.get(Listing, wish.id)
    assert listing.status == "withdrawn" and listing.received_fen == 0
    assert balance_of(fund.id) == 0 and balance_of(_community(station).id) == 20_000
    page = client.get(f"/transparency/funds/{fund.public_code}").get_data(as_text=True)
    assert 'data-kind="reallocation"' in page and "家庭已搬离本区" in page


def test_a_cancellation_can_refund_the_donor_with_a_credit_note(station, create_listing):
    wish, _, donation = _paid_wish(station, create_listing)
    proposed = cancellations.propose(station.checker, wish.id, "refund", "物品已由政府提供")
    cancellations.decide(station.worker, proposed.id, True)
    gift = db.session.get(Donation, donation.id)
    assert (gift.status, gift.refunded_fen) == ("refunded", 20_000)
    note = db.session.scalar(select(CreditNote).where(CreditNote.donation_id == gift.id))
    assert note.number == f"{gift.receipt_no}-C1" and note.amount_fen == 20_000
    assert balance_of(funds.fund_of(wish).id) == 0


# --- item 4: household needs never collect more than their budget -----------------------------------------

def test_offline_gifts_and_shares_count_against_the_budget(station, create_listing):
    need = create_listing(kind="household_need")  # budget ¥10,000
    fund = funds.restricted_fund_for(need)
    db.session.commit()
    offline.record_gift(station.worker, station.org, fund_id=fund.id, method="bank", amount_fen=300_000,
                        received_on=date.today(), evidence=slip(), payer_name="李先生")
    shares.record_share(station.worker, need.id, source="government", amount_fen=400_000, received_on=date.today())
    with pytest.raises(Conflict) as over:
        pledges.pledge(need.id, station.donor, 400_000)
    assert "3,000" in str(over.value.message)
    with pytest.raises(Conflict):
        _give(station.donor, need, 300_001)
    with pytest.raises(Conflict):
        offline.record_gift(station.worker, station.org, fund_id=fund.id, method="bank", amount_fen=300_001,
                            received_on=date.today(), evidence=slip(), payer_name="王女士")
    pledges.pledge(need.id, station.donor, 300_000)
    cover = pledges.coverage(db.session.get(Listing, need.id))
    assert cover["by_source"] == {"government": 400_000, "donor": 600_000} and cover["left_fen"] == 0


def test_staff_record_shares_as_money_not_pledges_in_their_name(station, create_listing):
    need = create_listing(kind="household_need")
    with pytest.raises(InvalidInput):
        pledges.pledge(need.id, station.worker, 400_000, source="government")
    share = shares.record_share(station.worker, need.id, source="family", amount_fen=200_000,
                                received_on=date.today())
    assert (share.status, share.source, share.pledge_id) == ("completed", "family", None)
    assert balance_of(funds.fund_of(need).id) == 200_000


def test_two_checkouts_at_once_send_the_excess_where_each_donor_chose(station, create_listing, create_user, client):
    need = create_listing(kind="household_need")
    first = _give(station.donor, need, 700_000)
    other = create_user()
    second = _give(other, need, 600_000, "refund")
    third_donor = create_user()
    third = _give(third_donor, need, 100_000)
    assert demo_provider.checkout(station.donor, first.public_code).outcome == "completed"
    assert demo_provider.checkout(other, second.public_code).outcome == "completed"
    gift = db.session.get(Donation, second.id)
    assert (gift.excess_fen, gift.refunded_fen) == (300_000, 300_000)
    assert db.session.scalar(select(CreditNote.number).where(CreditNote.donation_id == gift.id)).endswith("-C1")
    fund = funds.fund_of(need)
    assert balance_of(fund.id) == 1_000_000 == funds.totals(fund).received
    # the third checkout was still open: it refuses, and nothing is charged
    with pytest.raises(Conflict) as refused:
        demo_provider.checkout(third_donor, third.public_code)
    assert "fully funded" in str(refused.value.message)
    assert db.session.get(Donation, third.id).status == "cancelled"


def test_an_excess_for_the_community_fund_is_shown_in_public(station, create_listing, create_user, client):
    need = create_listing(kind="household_need")
    secret = rules.demo_webhook_secret()
    for gift in [_give(donor, need, 600_000) for donor in (station.donor, create_user())]:  # both open at once
        webhook = demo_provider.event_for(gift)
        assert webhooks.handle(webhook, sign(webhook, secret), secret, provider="demo").status == 200
    community = _community(station)
    assert balance_of(community.id) == 200_000 and balance_of(funds.fund_of(need).id) == 1_000_000
    page = client.get(f"/transparency/funds/{community.public_code}").get_data(as_text=True)
    assert 'data-kind="excess"' in page


# --- item 5: a funded wish or need takes no more money ------------------------------------------------------

def test_a_funded_wish_shows_no_pay_button_and_its_checkout_refuses(station, create_listing, auth, client):
    wish, _, _ = _paid_wish(station, create_listing)
    auth.login(station.donor.email)
    page = client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    assert "data-pay-wish" not in page and "data-paid" in page
    assert "data-pay-wish" not in client.get("/wishes/my").get_data(as_text=True)
    refused = client.get(f"/payments/give/wish/{wish.public_code}")
    assert refused.status_code == 409 and "fully funded" in refused.get_data(as_text=True)
    body = client.get(f"/api/v1/listings/{wish.public_code}").get_json()
    assert (body["is_funded"], body["left_fen"], body["takes_gifts"]) == (True, 0, False)


def test_a_funded_need_disappears_from_giving_buttons(station, create_listing, client, auth):
    need = create_listing(kind="household_need")
    shares.record_share(station.worker, need.id, source="government", amount_fen=1_000_000,
                        received_on=date.today())
    auth.login(station.donor.email)
    page = client.get(f"/wishes/{need.public_code}").get_data(as_text=True)
    assert "data-fully-funded" in page and "data-give-need" not in page and "/pledge" not in page
    assert "data-funded" in client.get("/wishes/?kind=household_need").get_data(as_text=True)
    assert client.get(f"/payments/give/need/{need.public_code}").status_code == 409
    assert db.session.get(Listing, need.id).status == "claimed"




def test_money_collected_past_a_budget_before_the_cap_is_moved_to_the_community_fund(station, create_listing,
                                                                                   runner):
    from marketplace.ledger import service as ledger
    from marketplace.payments import postings

    need = create_listing(kind="household_need")  # ¥10,000, but wave 1 let ¥12,000 in
    fund = funds.restricted_fund_for(need)
    ledger.post([(ledger.platform_account("stripe_clearing"), -1_200_000), (postings.fund_account(fund), 1_200_000)],
                cause=Cause.test("legacy:overfunded"), kind="donation")
    db.session.commit()
    for _ in range(2):  # safe to repeat
        result = runner.invoke(args=["wishes", "settle-excess"])
        assert result.exit_code == 0, result.output
    assert balance_of(fund.id) == 1_000_000 and balance_of(_community(station).id) == 200_000
