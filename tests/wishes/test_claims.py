"""Claims on wishes: one winner, a deadline, in kind only for now, release, expiry and repeat expirers."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.wishes import claims, pledges, service
from marketplace.wishes.claims import WishAlreadyClaimed
from marketplace.wishes.models import ListingEvent, WishClaim


def events(listing):
    return [(e.from_status, e.to_status, e.note) for e in db.session.scalars(
        select(ListingEvent).where(ListingEvent.listing_id == listing.id).order_by(ListingEvent.id))][4:]


def test_a_donor_claims_a_published_wish_with_a_seven_day_deadline(station, create_listing):
    wish = create_listing()
    before = now_utc()
    claim = claims.claim_wish(wish.id, station.donor)
    db.session.expire_all()
    assert (claim.status, claim.method, claim.claimant_id) == ("active", "in_kind", station.donor.id)
    assert before + timedelta(days=7) <= claim.deadline_at <= now_utc() + timedelta(days=7)
    assert wish.status == "claimed" and wish.claim_deadline_at == claim.deadline_at
    assert events(wish) == [("published", "claimed", "claim")]


def test_the_claim_period_is_a_setting(app, station, create_listing):
    app.config["WISHES_CLAIM_DAYS"] = 2
    claim = claims.claim_wish(create_listing().id, station.donor)
    assert claim.deadline_at <= now_utc() + timedelta(days=2)


def test_the_second_claimant_is_told_it_is_already_claimed(station, create_listing, create_user):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    with pytest.raises(WishAlreadyClaimed) as refused:
        claims.claim_wish(wish.id, create_user())
    assert refused.value.status == 409 and "claimed this wish" in str(refused.value.message)
    assert db.session.scalar(select(db.func.count()).select_from(WishClaim)) == 1
    with pytest.raises(WishAlreadyClaimed):  # nor may the winner claim twice
        claims.claim_wish(wish.id, station.donor)


def test_a_wish_is_claimed_in_kind_or_by_money_and_nothing_else(station, create_listing, create_user):
    wish = create_listing()
    with pytest.raises(InvalidInput) as refused:
        claims.claim_wish(wish.id, station.donor, method="barter")
    assert set(refused.value.fields) == {"method"}
    assert service.get_listing(None, wish.id).status == "published"
    assert claims.claim_wish(wish.id, station.donor, method="money").method == "money"
    assert service.get_listing(None, wish.id).status == "claimed"


def test_a_firm_member_claims_for_their_firm_and_not_for_another_org(station, create_listing):
    claim = claims.claim_wish(create_listing().id, station.firm_member, organisation_id=station.firm.id)
    assert claim.organisation_id == station.firm.id
    with pytest.raises(InvalidInput) as refused:  # not a firm they belong to
        claims.claim_wish(create_listing().id, station.donor, organisation_id=station.firm.id)
    assert set(refused.value.fields) == {"organisation_id"}


def test_staff_and_members_cannot_claim_their_own_organisations_wishes(station, create_listing, create_user):
    wish = create_listing()
    member = create_user()
    from marketplace.orgs.models import Membership

    db.session.add(Membership(organisation=station.org, user=member, role="member"))
    db.session.commit()
    for user in (station.worker, station.admin, member):
        with pytest.raises(Conflict, match="own organisation"):
            claims.claim_wish(wish.id, user)
    assert service.get_listing(None, wish.id).status == "published"


def test_only_published_wishes_are_claimed(station, create_listing):
    with pytest.raises(NotFound):  # not public yet
        claims.claim_wish(create_listing(status="verified").id, station.donor)
    with pytest.raises(Conflict, match="household needs take pledges"):
        claims.claim_wish(create_listing(kind="household_need").id, station.donor)
    with pytest.raises(Conflict, match="household needs take pledges"):
        claims.claim_wish(create_listing(kind="service_need").id, station.donor)
    wish = create_listing()
    claims.claim_wish(wish.id, station.firm_member)
    service.confirm_delivery(station.worker, wish.id)
    with pytest.raises(WishAlreadyClaimed):
        claims.claim_wish(wish.id, station.donor)


def test_a_donor_holds_at_most_the_set_number_of_claims(app, station, create_listing):
    app.config["WISHES_MAX_ACTIVE_CLAIMS"] = 2
    first, _ = (claims.claim_wish(create_listing().id, station.donor) for _ in range(2))
    third = create_listing()
    with pytest.raises(Conflict, match="2 claims"):
        claims.claim_wish(third.id, station.donor)
    claims.release_claim(first.id, station.donor)
    assert claims.claim_wish(third.id, station.donor).status == "active"


def test_releasing_reopens_the_wish_for_others(station, create_listing, create_user):
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor)
    with pytest.raises(NotFound):  # someone else's claim
        claims.release_claim(claim.id, create_user())
    claims.release_claim(claim.id, station.donor)
    assert claim.status == "released" and claim.ended_at is not None
    assert wish.status == "published" and wish.claim_deadline_at is None
    with pytest.raises(Conflict, match="already ended"):
        claims.release_claim(claim.id, station.donor)
    again = claims.claim_wish(wish.id, station.firm_member)
    claims.release_claim(again.id, station.worker)  # the listing's staff may release it too
    assert events(wish) == [("published", "claimed", "claim"), ("claimed", "published", "released"),
                            ("published", "claimed", "claim"), ("claimed", "published", "released")]


def test_claims_are_seen_by_their_claimant_and_the_listings_staff(station, create_listing, create_user):
    claim = claims.claim_wish(create_listing().id, station.donor)
    assert claims.get_claim(claim.id, station.donor) == claims.get_claim(claim.id, station.checker) == claim
    with pytest.raises(NotFound):
        claims.get_claim(claim.id, create_user())
    assert db.session.scalars(claims.claims_of(station.donor)).all() == [claim]


def test_overdue_claims_expire_the_wish_reopens_and_the_claimant_is_told(station, create_listing, mailbox):
    overdue, current = create_listing(title="旧棉被"), create_listing()
    late = claims.claim_wish(overdue.id, station.donor)
    kept = claims.claim_wish(current.id, station.donor)
    late.deadline_at = overdue.claim_deadline_at = now_utc() - timedelta(minutes=1)
    db.session.commit()
    assert claims.expire_claims() == 1
    db.session.expire_all()
    assert (late.status, kept.status) == ("expired", "active") and late.ended_at is not None
    assert overdue.status == "published" and overdue.claim_deadline_at is None and current.status == "claimed"
    assert events(overdue)[-1] == ("claimed", "published", "claim expired")
    assert db.session.scalars(select(ListingEvent).where(ListingEvent.listing_id == overdue.id)
                              .order_by(ListingEvent.id.desc())).first().actor_id is None  # the scheduler
    [message] = mailbox.messages
    assert message.to == [station.donor.email] and "旧棉被" in message.subject and "expired" in message.subject
    assert f"/wishes/{overdue.public_code}" in message.body
    assert claims.expire_claims() == 0 and len(mailbox.messages) == 1  # safe to repeat


def test_a_claim_expires_only_after_its_deadline(station, create_listing, mailbox):
    claim = claims.claim_wish(create_listing().id, station.donor)
    assert claims.expire_claims(now=claim.deadline_at) == 0
    assert claims.expire_claims(now=claim.deadline_at + timedelta(seconds=1)) == 1
    assert len(mailbox.messages) == 1


def test_published_wishes_nobody_takes_expire_after_the_set_time(app, station, create_listing):
    stale, fresh = create_listing(), create_listing()
    stale.status_changed_at = now_utc() - timedelta(days=61)
    db.session.commit()
    assert claims.expire_unclaimed() == 1
    db.session.expire_all()
    assert (stale.status, fresh.status) == ("expired", "published")
    assert events(stale) == [("published", "expired", "unclaimed")]
    app.config["WISHES_EXPIRE_UNCLAIMED_DAYS"] = 1
    assert claims.expire_unclaimed(now=now_utc() + timedelta(days=2)) == 1
    assert claims.expire_unclaimed(now=now_utc() + timedelta(days=2)) == 0


def test_staff_see_claimants_whose_claims_keep_expiring(station, create_listing, create_user):
    careless = create_user(display_name="总是过期")
    for _ in range(3):
        claim = claims.claim_wish(create_listing().id, careless)
        claims.expire_claims(now=claim.deadline_at + timedelta(seconds=1))
    once = claims.claim_wish(create_listing().id, station.donor)
    claims.expire_claims(now=once.deadline_at + timedelta(seconds=1))
    assert [(user.id, n) for user, n in claims.repeat_expirers(station.org.id)] == [(careless.id, 3)]
    assert claims.repeat_expirers(station.firm.id) == []


def test_the_expiry_email_speaks_the_claimants_language(station, create_listing, create_user, mailbox):
    chinese = create_user(locale="zh_CN")
    claim = claims.claim_wish(create_listing(title="旧棉被").id, chinese)
    assert claims.expire_claims(now=claim.deadline_at + timedelta(seconds=1)) == 1
    [message] = mailbox.messages
    assert message.subject == "您的认领已过期：旧棉被"
    assert "心愿" in message.body and "expired" not in message.body


def test_a_need_with_pledges_does_not_expire_unclaimed(station, create_listing):
    need = create_listing(kind="household_need")
    pledges.pledge(need.id, station.donor, 10_000)
    need.status_changed_at = now_utc() - timedelta(days=61)
    db.session.commit()
    assert claims.expire_unclaimed() == 0
    db.session.expire_all()
    assert need.status == "published"
