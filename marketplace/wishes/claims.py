"""Claims on micro-wishes: exactly one claimant at a time, a deadline, release and expiry.

The winner is decided by one conditional UPDATE (published → claimed): whatever the database,
however many callers race, only one sees its row change; the partial unique index on active
claims is the second guard.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.models import OrgKind
from marketplace.orgs.policy import membership_of
from marketplace.platform import jobs
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.wishes import notices
from marketplace.wishes.lifecycle import move, move_if
from marketplace.wishes.models import ClaimMethod, ClaimStatus, Listing, ListingKind, ListingStatus, WishClaim
from marketplace.wishes.rows import holds_money
from marketplace.wishes.service import get_listing, locked_listing, may_manage

S = ListingStatus


class WishAlreadyClaimed(Conflict):
    default_message = _l("Someone else has just claimed this wish. Please choose another.")


def claim_wish(listing_id, claimant: User, method: str = ClaimMethod.IN_KIND.value,
               organisation_id: int | None = None) -> WishClaim:
    """Claim a published wish for yourself or for a firm you belong to; one claimant wins.

    :raise WishAlreadyClaimed: when another claim got there first (HTTP 409).
    """
    listing = get_listing(claimant, listing_id)
    if method not in ClaimMethod.__members__.values():
        raise InvalidInput(fields={"method": [_l("Choose how you will fulfil the wish.")]})
    org = None
    if organisation_id is not None:
        membership = next((m for m in claimant.memberships if m.organisation_id == organisation_id), None)
        if membership is None or membership.organisation.kind != OrgKind.FIRM:
            raise InvalidInput(fields={"organisation_id": [_l("Choose a firm you belong to.")]})
        org = membership.organisation
    if listing.kind != ListingKind.WISH:
        raise Conflict(_l("Only micro-wishes can be claimed; household needs take pledges."))
    if may_manage(claimant, listing) or membership_of(claimant, listing.organisation) is not None:
        raise Conflict(_l("You cannot claim a wish your own organisation posted."))
    # the claimant's row lock makes one donor's claims made at once count one after another
    db.session.execute(select(User.id).where(User.id == claimant.id).with_for_update())
    active = db.session.scalar(select(func.count(WishClaim.id)).where(
        WishClaim.claimant_id == claimant.id, WishClaim.status == ClaimStatus.ACTIVE.value))
    if active >= settings.WISHES_MAX_ACTIVE_CLAIMS:
        raise Conflict(_l("You already hold %(n)d claims; fulfil or release one first.", n=active))
    now = now_utc()
    deadline = now + timedelta(days=settings.WISHES_CLAIM_DAYS)
    if not move_if(listing.id, S.PUBLISHED, S.CLAIMED, claimant, "claim", claim_deadline_at=deadline):
        db.session.rollback()
        if listing.status in (S.PUBLISHED, S.CLAIMED, S.FULFILLED, S.CONFIRMED, S.CLOSED):
            raise WishAlreadyClaimed()
        raise Conflict(_l("This wish is not open for claims."))
    claim = WishClaim(listing_id=listing.id, claimant_id=claimant.id, organisation_id=org.id if org else None,
                      method=method, deadline_at=deadline, created_at=now)
    WishClaim.machine.start(claim, ClaimStatus.ACTIVE, claimant, "claimed")
    db.session.flush()
    record("wish.claimed", actor=claimant, subject=claim, listing=listing.id)
    notices.claimed(claim)
    db.session.commit()
    # a minute late, so that the scheduler's rounding never runs it before the deadline
    jobs.enqueue_at(deadline + timedelta(minutes=1), "marketplace.wishes.claims.expire_claims")
    return claim


def get_claim(claim_id, user: User) -> WishClaim:
    """Return a claim seen by its claimant or the listing's staff."""
    claim = db.session.get(WishClaim, claim_id) if is_id(claim_id) else None
    if claim is None or not (claim.claimant_id == user.id or may_manage(user, claim.listing)):
        raise NotFound()
    return claim


def _locked_pair(claim: WishClaim) -> tuple[WishClaim, Listing]:
    """Lock the claim's listing, then the claim: the same order as withdrawing a listing."""
    listing = locked_listing(claim.listing_id)
    locked = db.session.scalar(select(WishClaim).where(WishClaim.id == claim.id).with_for_update()
                               .execution_options(populate_existing=True))
    return locked, listing


def _end(claim: WishClaim, listing: Listing, status: ClaimStatus, actor: User | None, note: str) -> None:
    """End an active claim and put its wish back to published (caller commits)."""
    WishClaim.machine.move(claim, status, actor, note, ended_at=now_utc())
    listing.claim_deadline_at = None
    move(listing, S.PUBLISHED, actor, note)


def release_claim(claim_id, user: User) -> WishClaim:
    """Give a claim up so someone else can fulfil the wish (the claimant or the listing's staff)."""
    claim, listing = _locked_pair(get_claim(claim_id, user))
    if claim.status != ClaimStatus.ACTIVE:
        db.session.rollback()
        raise Conflict(_l("This claim has already ended."))
    if holds_money(listing) or listing.status_enum is not S.CLAIMED:
        db.session.rollback()
        raise Conflict(_l("The money for this wish has arrived, so the claim cannot be released. If the wish "
                          "cannot go ahead, the organisation's staff can cancel it and refund or reallocate "
                          "the money."))
    _end(claim, listing, ClaimStatus.RELEASED, user, "released")
    record("wish.released", actor=user, subject=claim)
    db.session.commit()
    return claim


def release_unpaid_money_claim(listing_id: int, claimant: User, why: str) -> WishClaim | None:
    """Release the claimant's claim by money on a wish no money has reached (flushed; the caller commits),
    as when they cancel its unfinished checkout; return it, or None when there is none to release."""
    claim = db.session.scalar(select(WishClaim).where(
        WishClaim.listing_id == listing_id, WishClaim.claimant_id == claimant.id,
        WishClaim.status == ClaimStatus.ACTIVE.value, WishClaim.method == ClaimMethod.MONEY.value))
    if claim is None:
        return None
    claim, listing = _locked_pair(claim)
    if claim.status != ClaimStatus.ACTIVE or holds_money(listing) or listing.status_enum is not S.CLAIMED:
        return None
    _end(claim, listing, ClaimStatus.RELEASED, claimant, why)
    record("wish.released", actor=claimant, subject=claim, why=why)
    return claim


def expire_claims(now=None) -> int:
    """Expire every active claim past its deadline and tell its claimant; return how many."""
    now = now or now_utc()
    from marketplace.payments.models import Donation, DonationStatus

    paid = exists().where(Donation.listing_id == WishClaim.listing_id, Donation.donor_id == WishClaim.claimant_id,
                          Donation.status == DonationStatus.COMPLETED.value)
    due = list(db.session.scalars(select(WishClaim).where(  # a claim paid in money is the station's to deliver
        WishClaim.status == ClaimStatus.ACTIVE.value, WishClaim.deadline_at < now, ~paid)))
    expired = []
    for claim in due:
        claim, listing = _locked_pair(claim)
        if claim.status != ClaimStatus.ACTIVE or claim.deadline_at >= now:
            db.session.rollback()
            continue  # released or fulfilled meanwhile
        _end(claim, listing, ClaimStatus.EXPIRED, None, "claim expired")
        record("wish.claim_expired", subject=claim)
        notices.claim_expired(claim)
        db.session.commit()
        expired.append(claim)
    return len(expired)


def expire_unclaimed(now=None) -> int:
    """Mark listings published for longer than EXPIRE_UNCLAIMED_DAYS with no pledge as expired; return how many."""
    cut = (now or now_utc()) - timedelta(days=settings.WISHES_EXPIRE_UNCLAIMED_DAYS)
    ids = list(db.session.scalars(select(Listing.id).where(  # a need with pledges is being helped: it stays
        Listing.status == S.PUBLISHED.value, Listing.status_changed_at < cut, Listing.pledged_fen == 0)))
    count = 0
    for listing_id in ids:
        if move_if(listing_id, S.PUBLISHED, S.EXPIRED, None, "unclaimed",
                   conditions=[Listing.status_changed_at < cut]):
            count += 1
        db.session.commit()
    return count


def claims_of(user: User):
    """Return a query of the user's claims, newest first."""
    return select(WishClaim).where(WishClaim.claimant_id == user.id).order_by(WishClaim.id.desc())


def active_claim_of(user: User | None, listing: Listing) -> WishClaim | None:
    """Return the user's active claim on a wish, if any."""
    if user is None or listing.kind != ListingKind.WISH:
        return None
    return db.session.scalar(claims_of(user).where(WishClaim.listing_id == listing.id,
                                                   WishClaim.status == ClaimStatus.ACTIVE.value))


def repeat_expirers(org_id: int) -> list[tuple[User, int]]:
    """Return claimants whose claims on the organisation's wishes keep expiring, most first."""
    count = func.count(WishClaim.id)
    rows = db.session.execute(
        select(User, count).join(WishClaim, WishClaim.claimant_id == User.id)
        .join(Listing, Listing.id == WishClaim.listing_id)
        .where(Listing.organisation_id == org_id, WishClaim.status == ClaimStatus.EXPIRED.value)
        .group_by(User.id).having(count >= settings.WISHES_REPEAT_EXPIRY_COUNT).order_by(count.desc()))
    return [(user, n) for user, n in rows]
