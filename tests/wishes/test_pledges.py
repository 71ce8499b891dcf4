"""Pledges to household needs: sources, never past the budget, covered means claimed, withdrawal reopens."""
from datetime import date

import pytest
from sqlalchemy import select

from marketplace.payments import shares
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.wishes import pledges, service
from marketplace.wishes.models import ListingEvent, Pledge

BUDGET = 1_000_000  # ¥10,000, the create_listing fixture's household need


@pytest.fixture
def need(create_listing):
    return create_listing(kind="household_need")


def test_each_pledge_names_its_source(station, need, create_org, create_user):
    charity_member = create_user()
    charity = create_org("charity", {charity_member: "member"})
    by_donor = pledges.pledge(need.id, station.donor, 10_000)
    by_firm = pledges.pledge(need.id, station.firm_member, 20_000, organisation_id=station.firm.id)
    by_charity = pledges.pledge(need.id, charity_member, 30_000, organisation_id=charity.id)
    assert [(p.source, p.organisation_id) for p in (by_donor, by_firm, by_charity)] == [
        ("donor", None), ("firm", station.firm.id), ("charity", charity.id)]
    assert need.pledged_fen == 60_000 and need.status == "published"


def test_government_family_or_charity_shares_are_never_pledges_in_someones_name(station, need):
    for who in (station.donor, station.worker):  # staff record a share as money received (payments.shares)
        with pytest.raises(InvalidInput) as refused:
            pledges.pledge(need.id, who, 10_000, source="government")
        assert set(refused.value.fields) == {"source"}
    with pytest.raises(InvalidInput) as refused:  # a firm they do not belong to
        pledges.pledge(need.id, station.donor, 10_000, organisation_id=station.firm.id)
    assert set(refused.value.fields) == {"organisation_id"}


@pytest.mark.parametrize("amount", [0, 99, -100, 10**13, "500", 12.5, True])
def test_a_pledge_is_at_least_one_yuan_in_whole_fen(station, need, amount):
    with pytest.raises(InvalidInput) as refused:
        pledges.pledge(need.id, station.donor, amount)
    assert set(refused.value.fields) == {"amount_fen"}


def test_pledges_never_pass_the_budget(station, need):
    pledges.pledge(need.id, station.donor, BUDGET - 50_000)
    with pytest.raises(Conflict, match="500.00") as refused:
        pledges.pledge(need.id, station.firm_member, 50_001)
    assert "amount_fen" in refused.value.fields
    db.session.expire_all()
    assert need.pledged_fen == BUDGET - 50_000 and need.status == "published"
    assert db.session.scalar(select(db.func.count()).select_from(Pledge)) == 1


def test_a_fully_pledged_need_is_claimed_and_takes_no_more(station, need, create_user):
    pledges.pledge(need.id, station.donor, 600_000)
    pledges.pledge(need.id, station.firm_member, 400_000, organisation_id=station.firm.id)
    db.session.expire_all()
    assert need.pledged_fen == BUDGET and need.status == "claimed"
    [last] = db.session.scalars(select(ListingEvent).where(ListingEvent.listing_id == need.id)
                                .order_by(ListingEvent.id.desc()).limit(1))
    assert (last.from_status, last.to_status, last.note, last.actor_id) == (
        "published", "claimed", "fully pledged", station.firm_member.id)
    with pytest.raises(Conflict, match="not taking pledges"):
        pledges.pledge(need.id, create_user(), 100)


def test_withdrawing_a_pledge_reopens_a_covered_need(station, need, create_user):
    first = pledges.pledge(need.id, station.donor, 600_000)
    pledges.pledge(need.id, station.firm_member, 400_000)
    with pytest.raises(NotFound):  # someone else's pledge
        pledges.withdraw_pledge(first.id, create_user())
    pledges.withdraw_pledge(first.id, station.donor)
    db.session.expire_all()
    assert first.status == "withdrawn" and first.ended_at is not None
    assert need.pledged_fen == 400_000 and need.status == "published"
    with pytest.raises(Conflict, match="not yet paid"):
        pledges.withdraw_pledge(first.id, station.donor)
    again = pledges.pledge(need.id, create_user(), 600_000)
    pledges.withdraw_pledge(again.id, station.checker)  # the need's staff may withdraw one too
    db.session.expire_all()
    assert need.pledged_fen == 400_000


def test_a_pledge_stays_once_the_work_is_done(station, need):
    made = pledges.pledge(need.id, station.donor, BUDGET)
    service.confirm_delivery(station.worker, need.id, note="屋顶修好了")
    with pytest.raises(Conflict, match="work has been done"):
        pledges.withdraw_pledge(made.id, station.donor)
    assert [d.id for d in service.donors_of(need)] == [station.donor.id]


def test_coverage_shows_each_source_and_what_is_left(station, need):
    assert pledges.coverage(need) == {"budget_fen": BUDGET, "pledged_fen": 0, "received_fen": 0, "left_fen": BUDGET,
                                      "by_source": {}, "percent": 0}
    shares.record_share(station.worker, need.id, source="government", amount_fen=400_000, received_on=date.today())
    pledges.pledge(need.id, station.firm_member, 150_000, organisation_id=station.firm.id)
    pledges.pledge(need.id, station.donor, 100_000)
    gone = pledges.pledge(need.id, station.donor, 5_000)
    pledges.withdraw_pledge(gone.id, station.donor)
    assert pledges.coverage(need) == {
        "budget_fen": BUDGET, "pledged_fen": 650_000, "received_fen": 400_000, "left_fen": 350_000, "percent": 65,
        "by_source": {"government": 400_000, "firm": 150_000, "donor": 100_000}}
    assert [p.amount_fen for p in db.session.scalars(pledges.pledges_of(station.donor))] == [5_000, 100_000]


def test_wishes_and_unpublished_needs_take_no_pledges(station, create_listing):
    with pytest.raises(Conflict, match="micro-wishes are claimed"):
        pledges.pledge(create_listing().id, station.donor, 1_000)
    with pytest.raises(NotFound):
        pledges.pledge(create_listing(kind="household_need", status="verified").id, station.donor, 1_000)
    draft = create_listing(kind="household_need", status="verified")
    with pytest.raises(Conflict, match="not taking pledges"):  # staff see it, but it is not published
        pledges.pledge(draft.id, station.worker, 1_000)


def test_a_paid_pledge_cannot_be_withdrawn(station, need):
    made = pledges.pledge(need.id, station.donor, 50_000)
    made.status = "paid"  # as the donations feature will mark it
    db.session.commit()
    with pytest.raises(Conflict, match="not yet paid"):
        pledges.withdraw_pledge(made.id, station.donor)
    assert pledges.coverage(need)["pledged_fen"] == 50_000
