"""A listing's row and the facts about it that listings, claims, pledges, funding and cancellations all ask.

They live here, below every module that acts on a listing, so none of those need import another upwards."""
from __future__ import annotations

from sqlalchemy import select

from marketplace.platform.extensions import db
from marketplace.wishes.models import Cancellation, CancellationStatus, Listing


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
