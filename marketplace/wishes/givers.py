"""Who gave to a wish or household need: a claim held or fulfilled, a pledge standing or paid, or a
gift of money received (and not refunded in full). One rule, read by the cards' donor counts and by
the notices of progress updates."""
from __future__ import annotations

from sqlalchemy import func, select, union

from marketplace.auth.models import User
from marketplace.payments.models import Donation, DonationStatus
from marketplace.platform.extensions import db
from marketplace.wishes.models import ClaimStatus, Listing, Pledge, PledgeStatus, WishClaim

CLAIMS = (ClaimStatus.ACTIVE.value, ClaimStatus.FULFILLED.value)
PLEDGES = (PledgeStatus.ACTIVE.value, PledgeStatus.PAID.value)


def _people(listing_ids):
    """(listing id, user id) of everyone with an account who gave to these listings, each pair once."""
    claims = select(WishClaim.listing_id, WishClaim.claimant_id.label("user_id")).where(
        WishClaim.listing_id.in_(listing_ids), WishClaim.status.in_(CLAIMS))
    pledges = select(Pledge.listing_id, Pledge.pledger_id).where(
        Pledge.listing_id.in_(listing_ids), Pledge.status.in_(PLEDGES))
    gifts = select(Donation.listing_id, Donation.donor_id).where(
        Donation.listing_id.in_(listing_ids), Donation.status == DonationStatus.COMPLETED.value,
        Donation.donor_id.is_not(None), Donation.source.is_(None))  # a co-funding share is no donor
    return union(claims, pledges, gifts).subquery()


def giver_counts(listing_ids: list[int]) -> dict[int, int]:
    """Return how many donors gave to each listing (a page of cards at once); gifts recorded offline
    from a payer without an account count one each."""
    if not listing_ids:
        return {}
    people = _people(listing_ids)
    counts = {listing_id: int(n) for listing_id, n in db.session.execute(
        select(people.c.listing_id, func.count()).group_by(people.c.listing_id))}
    offline = db.session.execute(
        select(Donation.listing_id, func.count(Donation.id)).where(
            Donation.listing_id.in_(listing_ids), Donation.status == DonationStatus.COMPLETED.value,
            Donation.donor_id.is_(None), Donation.source.is_(None)).group_by(Donation.listing_id))
    for listing_id, n in offline:
        counts[listing_id] = counts.get(listing_id, 0) + int(n)
    return counts


def givers_of(listing: Listing) -> list[User]:
    """Return the donors with an account who gave to a listing, each once, in the order they signed up."""
    people = _people([listing.id])
    return list(db.session.scalars(select(User).where(User.id.in_(select(people.c.user_id)))
                                   .order_by(User.id)))
