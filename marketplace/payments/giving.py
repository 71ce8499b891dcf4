"""A donor's own giving, as "my gifts" and the personal home show it: their donations, and the
latest thank-you notes for what they helped."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from marketplace.auth.models import User
from marketplace.payments.models import Donation, DonationStatus
from marketplace.platform.extensions import db
from marketplace.wishes.models import ClaimStatus, Listing, Pledge, PledgeStatus, WishClaim

PER_PAGE = 100
THANKS_SHOWN = 5


def donations_of(user: User, limit: int = PER_PAGE) -> list[Donation]:
    """Return the user's donations, newest first, with their fund, listing and firm loaded."""
    return list(db.session.scalars(
        select(Donation).where(Donation.donor_id == user.id).order_by(Donation.id.desc()).limit(limit)
        .options(selectinload(Donation.fund), selectinload(Donation.listing), selectinload(Donation.organisation))))


def latest_thanks(user: User, limit: int = THANKS_SHOWN) -> list[Listing]:
    """The newest thank-you notes for wishes and needs the user helped: claimed, pledged to or paid for."""
    claimed = select(WishClaim.listing_id).where(WishClaim.claimant_id == user.id,
                                                 WishClaim.status == ClaimStatus.FULFILLED.value)
    pledged = select(Pledge.listing_id).where(Pledge.pledger_id == user.id, Pledge.status.in_(
        [PledgeStatus.ACTIVE.value, PledgeStatus.PAID.value]))
    paid = select(Donation.listing_id).where(Donation.donor_id == user.id, Donation.listing_id.is_not(None),
                                             Donation.status == DonationStatus.COMPLETED.value)
    return list(db.session.scalars(
        select(Listing).where(Listing.thanks_note != "", or_(Listing.id.in_(claimed), Listing.id.in_(pledged),
                                                              Listing.id.in_(paid)))
        .order_by(Listing.thanks_at.desc(), Listing.id.desc()).limit(limit)))
