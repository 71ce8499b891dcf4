"""A listing's row and the facts about it that listings, claims, pledges, funding and cancellations all ask.

They live here, below every module that acts on a listing, so none of those need import another upwards."""
from __future__ import annotations

from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.wishes.models import (
    Cancellation,
    CancellationStatus,
    ClaimStatus,
    Listing,
    Pledge,
    PledgeStatus,
    WishClaim,
)


def locked_listing(listing_id: int) -> Listing:
    """Lock the listing's row so that moves, claims and pledges on it happen one at a time."""
    return db.session.scalar(select(Listing).where(Listing.id == listing_id).with_for_update()
                             .execution_options(populate_existing=True))


def holds_money(listing: Listing) -> bool:
    """A wish or need whose fund kept money: it cannot be released or withdrawn, only cancelled by staff."""
    return listing.received_fen > 0


def open_cancellation(listing: Listing) -> Cancellation | None:
    """Return the cancellation waiting for a second staff member, if any."""
    return db.session.scalar(select(Cancellation).where(Cancellation.listing_id == listing.id,
                                                        Cancellation.status == CancellationStatus.PROPOSED.value))


def donors_of(listing: Listing) -> list[User]:
    """Return who helped: the claimant whose claim was fulfilled, or the pledgers who stayed."""
    claimants = db.session.scalars(select(User).join(WishClaim, WishClaim.claimant_id == User.id).where(
        WishClaim.listing_id == listing.id, WishClaim.status == ClaimStatus.FULFILLED.value))
    return list({user.id: user for user in [*claimants, *pledgers_of(listing)]}.values())


def pledgers_of(listing: Listing) -> list[User]:
    """Return who pledged to a household need and stayed (pledges active or paid)."""
    return list(db.session.scalars(select(User).join(Pledge, Pledge.pledger_id == User.id).where(
        Pledge.listing_id == listing.id, Pledge.status.in_([PledgeStatus.ACTIVE.value, PledgeStatus.PAID.value]))))
