"""Listings: writing them, the table of moves, verification by someone else, over-cap budgets and withdrawal."""
import pytest
from sqlalchemy import select

from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.wishes import claims, lifecycle, pledges, service
from marketplace.wishes.models import ClaimStatus, ListingEvent, PledgeStatus
from marketplace.wishes.models import ListingStatus as S

# The issue's lifecycle, written out again so that a change to lifecycle.MOVES has to be deliberate.
EXPECTED_MOVES = {
    "draft": {"submitted", "withdrawn"},
    "submitted": {"verified", "draft", "withdrawn"},
    "verified": {"published", "withdrawn"},
    "published": {"claimed", "expired", "withdrawn"},
    "claimed": {"published", "fulfilled", "withdrawn"},
    "fulfilled": {"confirmed"},
    "confirmed": {"closed"},
    "closed": set(),
    "withdrawn": set(),
    "expired": {"published", "withdrawn"},
}


def test_a_draft_wish_is_written_with_its_first_event(station, create_listing):
    wish = create_listing(status="draft")
    assert wish.status == "draft" and wish.author_id == station.worker.id and wish.value_fen == 20_000
    assert wish.category == "elderly_alone" and wish.district_id == 1
    assert "冬天的棉被" in wish.search_text and "青禾12" in wish.search_text
    [event] = service.history(station.checker, wish)
    assert (event.from_status, event.to_status, event.actor_id) == ("", "draft", station.worker.id)


def test_a_wish_is_worth_more_than_nothing_and_at_most_the_cap(app, create_listing):
    for value in (0, 100_001, -5, "100", 1.5):
        with pytest.raises(InvalidInput) as refused:
            create_listing(status="draft", value_fen=value)
        assert set(refused.value.fields) == {"value_fen"}
    assert create_listing(status="draft", value_fen=100_000).value_fen == 100_000
    app.config["WISHES_WISH_VALUE_CAP_FEN"] = 200_000
    assert create_listing(status="draft", value_fen=150_000).value_fen == 150_000


def test_bad_listing_fields_are_named(station, create_household):
    household = create_household()
    with pytest.raises(InvalidInput) as refused:
        service.create_listing(station.worker, household.id, kind="household_need", title=" ", story="x" * 5001,
                               quantity=0, value_fen=0, funding=[{"source": "lottery", "amount_fen": 5}])
    assert set(refused.value.fields) == {"title", "story", "quantity", "value_fen", "funding"}
    with pytest.raises(InvalidInput) as refused:
        service.create_listing(station.worker, household.id, kind="loan", title="x")
    assert set(refused.value.fields) == {"kind"}


def test_only_the_households_organisation_writes_its_listings(station, create_household):
    household = create_household()
    with pytest.raises(NotFound):
        service.create_listing(station.donor, household.id, kind="wish", title="x", value_fen=100)


def test_a_service_need_may_have_no_value(create_listing):
    need = create_listing(status="published", kind="service_need", title="帮忙春耕")
    assert need.value_fen == 0 and need.status == "published"


@pytest.mark.parametrize("start", list(EXPECTED_MOVES))
def test_the_table_of_moves_is_the_issues_lifecycle(station, create_listing, start):
    wish = create_listing(status="draft")
    assert {t.value for t in lifecycle.MOVES[S(start)]} == EXPECTED_MOVES[start]
    for target in S:
        wish.status = start
        if target.value in EXPECTED_MOVES[start]:
            event = lifecycle.move(wish, target, station.worker, "n")
            assert (event.from_status, event.to_status, wish.status) == (start, target.value, target.value)
        else:
            with pytest.raises(Conflict):
                lifecycle.move(wish, target, station.worker)
            assert wish.status == start
    db.session.rollback()


def test_move_if_refuses_a_move_outside_the_table(create_listing):
    with pytest.raises(ValueError):
        lifecycle.move_if(create_listing().id, S.DRAFT, S.CLAIMED, None)


def test_every_hand_made_move_is_recorded_with_who_when_and_why(station, create_listing):
    wish = create_listing(status="submitted")
    service.transition(station.checker, wish.id, "draft", note="请补充照片")
    service.transition(station.worker, wish.id, "submitted")
    service.transition(station.checker, wish.id, "verified")
    service.transition(station.checker, wish.id, "published")
    moves = [(e.from_status, e.to_status, e.actor_id, e.note) for e in service.history(station.admin, wish)]
    assert moves == [("", "draft", station.worker.id, ""), ("draft", "submitted", station.worker.id, ""),
                     ("submitted", "draft", station.checker.id, "请补充照片"),
                     ("draft", "submitted", station.worker.id, ""), ("submitted", "verified", station.checker.id, ""),
                     ("verified", "published", station.checker.id, "")]
    assert wish.published_at is not None and wish.status_changed_at >= wish.published_at
    with pytest.raises(NotFound):
        service.history(station.donor, wish)


def test_sending_back_and_withdrawing_need_a_reason(station, create_listing):
    wish = create_listing(status="submitted")
    for target in ("draft", "withdrawn"):
        with pytest.raises(InvalidInput):
            service.transition(station.checker, wish.id, target, note="  ")
    with pytest.raises(InvalidInput):
        service.transition(station.checker, wish.id, "withdrawn", note="x" * 301)


def test_claims_pledges_and_delivery_moves_cannot_be_made_by_hand(station, create_listing):
    wish = create_listing()
    for target in ("claimed", "fulfilled", "expired"):
        with pytest.raises(Conflict):
            service.transition(station.checker, wish.id, target)
    with pytest.raises(InvalidInput):
        service.transition(station.checker, wish.id, "granted")
    with pytest.raises(Conflict):  # not in the table: published → draft
        service.transition(station.checker, wish.id, "draft", note="x")


def test_a_claimed_wish_is_not_reopened_by_hand_while_its_claim_stands(station, create_listing):
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor)
    with pytest.raises(Conflict, match="Release the claim"):
        service.transition(station.checker, wish.id, "published")
    db.session.rollback()
    assert wish.status == "claimed" and claim.status == "active"


def test_only_someone_other_than_the_author_verifies(station, create_listing):
    wish = create_listing(status="submitted")
    with pytest.raises(Conflict, match="other than the author"):
        service.transition(station.worker, wish.id, "verified")
    db.session.rollback()
    assert service.transition(station.admin, wish.id, "verified").status == "verified"


def test_outsiders_cannot_move_or_see_unpublished_listings(station, create_listing):
    wish = create_listing(status="submitted")
    for user in (station.donor, station.firm_member, None):
        with pytest.raises(NotFound):
            service.get_listing(user, wish.id)
        with pytest.raises(NotFound):
            service.listing_by_code(user, wish.public_code)
    with pytest.raises(NotFound):
        service.transition(station.donor, wish.id, "verified")
    with pytest.raises(NotFound):
        service.public_listing(wish.public_code)
    assert service.listing_by_code(station.checker, wish.public_code) == wish


def test_an_unverified_or_overdue_household_blocks_verification_and_publication(station, create_household,
                                                                                 create_listing):
    household = create_household(verified=False)
    wish = create_listing(status="submitted", household=household)
    with pytest.raises(Conflict, match="verification"):
        service.transition(station.checker, wish.id, "verified")
    db.session.rollback()
    from marketplace.wishes.beneficiaries import verify_beneficiary

    verify_beneficiary(station.checker, household.id)
    service.transition(station.checker, wish.id, "verified")
    household.reverify_due_on = local_today().replace(year=local_today().year - 1)
    db.session.commit()
    with pytest.raises(Conflict, match="verification"):
        service.transition(station.checker, wish.id, "published")


def test_a_household_needs_plan_must_add_up_to_its_budget(station, create_listing):
    with pytest.raises(Conflict, match="add up"):
        create_listing(kind="household_need", status="submitted",
                       funding=[{"source": "government", "amount_fen": 400_000}])
    db.session.rollback()
    need = create_listing(kind="household_need", status="published")
    assert [(f.source, f.amount_fen) for f in need.funding_lines] == [
        ("government", 400_000), ("firm", 400_000), ("family", 200_000)]


def test_a_budget_over_the_cap_needs_an_org_admins_approval_with_a_note(app, station, create_listing):
    plan = [{"source": "government", "amount_fen": 5_000_000}, {"source": "charity", "amount_fen": 4_000_000}]
    need = create_listing(kind="household_need", status="submitted", value_fen=9_000_000, funding=plan)
    with pytest.raises(Conflict, match="over the cap"):
        service.transition(station.checker, need.id, "verified")
    db.session.rollback()
    with pytest.raises(NotFound):  # staff are not admins
        service.approve_over_cap(station.checker, need.id, "屋顶全部坏了")
    with pytest.raises(InvalidInput):
        service.approve_over_cap(station.admin, need.id, " ")
    service.approve_over_cap(station.admin, need.id, "屋顶全部坏了")
    assert need.over_cap_approved_by_id == station.admin.id and need.over_cap_note == "屋顶全部坏了"
    service.transition(station.checker, need.id, "draft", note="改预算")
    plan[0]["amount_fen"] = 5_000_100
    service.update_listing(station.worker, need.id, value_fen=9_000_100, funding=plan)
    assert need.over_cap_approved_by_id is None  # a new budget needs a new decision
    within = create_listing(kind="household_need", status="draft")
    with pytest.raises(Conflict, match="within the cap"):
        service.approve_over_cap(station.admin, within.id, "x")
    app.config["WISHES_NEED_BUDGET_CAP_FEN"] = 10_000_000
    service.transition(station.worker, need.id, "submitted")
    assert service.transition(station.checker, need.id, "verified").status == "verified"


def test_only_drafts_and_submitted_listings_change(station, create_listing):
    wish = create_listing(status="submitted")
    service.update_listing(station.worker, wish.id, title="新书包", story="上学用", quantity=2)
    assert (wish.title, wish.quantity, wish.status) == ("新书包", 2, "submitted")
    assert "新书包" in wish.search_text and "冬天" not in wish.search_text
    with pytest.raises(InvalidInput):
        service.update_listing(station.worker, wish.id, quantity=1001)
    published = create_listing()
    with pytest.raises(Conflict):
        service.update_listing(station.worker, published.id, title="改")


def test_withdrawing_cancels_claims_and_pledges_and_tells_the_claimant(station, create_listing, mailbox):
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor)
    service.transition(station.checker, wish.id, "withdrawn", note="家庭已搬走")
    assert claim.status == ClaimStatus.CANCELLED and claim.ended_at is not None and wish.claim_deadline_at is None
    assert [m.to for m in mailbox.messages] == [[station.donor.email]]
    assert "withdrawn" in mailbox.messages[0].subject
    need = create_listing(kind="household_need")
    made = pledges.pledge(need.id, station.donor, 300_000)
    service.transition(station.checker, need.id, "withdrawn", note="不再需要")
    db.session.expire_all()
    assert made.status == PledgeStatus.CANCELLED and need.pledged_fen == 0
    for target in ("published", "draft"):
        with pytest.raises(Conflict):
            service.transition(station.checker, wish.id, target, note="x")


def test_expired_listings_may_be_published_again(station, create_listing):
    wish = create_listing()
    lifecycle.move(wish, S.EXPIRED, None, "unclaimed")
    db.session.commit()
    assert service.transition(station.checker, wish.id, "published").status == "published"


def test_listings_of_an_organisation_are_for_its_staff(station, create_listing):
    draft, published = create_listing(status="draft"), create_listing()
    everything = db.session.scalars(service.listings_of(station.worker, station.org)).all()
    assert [x.id for x in everything] == [published.id, draft.id]
    drafts = db.session.scalars(service.listings_of(station.worker, station.org, status="draft")).all()
    assert drafts == [draft]
    with pytest.raises(NotFound):
        service.listings_of(station.donor, station.org)


def test_listing_events_are_never_lost_on_a_refused_move(station, create_listing):
    wish = create_listing(status="verified")
    before = db.session.scalar(select(db.func.count()).select_from(ListingEvent))
    with pytest.raises(Conflict):
        service.transition(station.checker, wish.id, "closed")
    db.session.rollback()
    assert db.session.scalar(select(db.func.count()).select_from(ListingEvent)) == before
    assert wish.status == "verified"


def test_the_author_is_not_offered_verification_and_a_claimed_listing_is_not_offered_publishing(
        station, create_listing):
    submitted = create_listing(status="submitted")
    assert "verified" not in service.offered_moves(station.worker, submitted)
    assert "verified" in service.offered_moves(station.checker, submitted)
    claimed = create_listing()
    claims.claim_wish(claimed.id, station.donor)
    assert service.offered_moves(station.checker, claimed) == ["withdrawn"]
