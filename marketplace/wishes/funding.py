"""The money side of a wish or household need: what of its value or budget is taken and received.

`Listing.pledged_fen` is the part taken — active and paid pledges, plus money received without a
pledge (offline gifts, co-funding shares, gifts straight to a need) — and never passes the value or
budget (a CHECK constraint too). `Listing.received_fen` is the money its fund kept, net of refunds.
Both change only here, under the listing's row lock, so gifts completing at once count one after
another and the fund never receives more than the budget.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.wishes import notices
from marketplace.wishes.lifecycle import move_if
from marketplace.wishes.models import Listing, ListingKind, ListingStatus, Pledge, PledgeStatus
from marketplace.wishes.rows import locked_listing

S = ListingStatus


class FullyFunded(Conflict):
    code = "fully_funded"
    default_message = _l("This wish or need is fully funded and takes no more money. Thank you!")


def take(listing_id: int, amount_fen: int, pledge: Pledge | None = None) -> int:
    """Count a completed gift against its listing and return the part it still needed (flushed).

    A gift paying an active pledge of the listing was counted when pledged: all of it is kept.
    """
    listing = locked_listing(listing_id)
    if pledge is not None and pledge.listing_id == listing.id and pledge.status == PledgeStatus.ACTIVE:
        kept = min(amount_fen, pledge.amount_fen)
    else:
        kept = min(amount_fen, listing.left_fen)
        listing.pledged_fen += kept
    listing.received_fen += kept
    db.session.flush()
    if listing.kind == ListingKind.HOUSEHOLD_NEED and listing.is_funded and \
            move_if(listing.id, S.PUBLISHED, S.CLAIMED, None, "fully funded"):
        notices.need_funded(listing.id)
    return kept


def give_back(listing_id: int, amount_fen: int) -> int:
    """Lower a listing's funding by money refunded or moved away; a need open again takes gifts (flushed)."""
    listing = locked_listing(listing_id)
    back = min(amount_fen, listing.received_fen)
    listing.received_fen -= back
    listing.pledged_fen -= back
    db.session.flush()
    if listing.kind == ListingKind.HOUSEHOLD_NEED and back and not listing.is_funded:
        move_if(listing.id, S.CLAIMED, S.PUBLISHED, None, "refund: money needed again")
    return back


def settle_excess() -> dict[int, int]:
    """Mend funds that received more than their listing's value or budget before the cap: move each
    excess to the organisation's community fund (one entry per listing, keyed, so a repeat posts
    nothing); return {listing id: fen moved}."""
    from sqlalchemy import select

    from marketplace.funds.models import Fund
    from marketplace.funds.service import community_fund_for, totals
    from marketplace.ledger.causes import Cause, CauseKind
    from marketplace.ledger.queries import entry_for
    from marketplace.payments.postings import reallocate

    moved = {}
    for fund in db.session.scalars(select(Fund).where(Fund.listing_id.is_not(None)).order_by(Fund.id)).all():
        listing, cause = fund.listing, Cause(CauseKind.EXCESS_MEND, fund.listing_id)
        if entry_for(cause) is not None:
            continue  # mended before
        spent = totals(fund)
        excess = min(spent.received - spent.refunded - listing.value_fen, spent.balance - spent.held)
        if listing.value_fen <= 0 or excess <= 0:
            continue
        reallocate(fund, community_fund_for(listing), excess, cause=cause,
                   memo=f"over the budget of listing {listing.public_code}")
        moved[listing.id] = excess
        db.session.commit()
    return moved


def refuse_if_funded(listing: Listing, amount_fen: int | None = None) -> None:
    """Refuse a new gift to a listing with nothing left to fund, or more than is left.

    :raise FullyFunded: nothing is left (409).
    :raise Conflict: `amount_fen` is more than is left, naming what is (409).
    """
    if listing.is_funded:
        raise FullyFunded()
    if amount_fen is not None and amount_fen > listing.left_fen:
        left = money(listing.left_fen)
        raise Conflict(_l("Only %(left)s is still needed; give at most that.", left=left),
                       fields={"amount_fen": [_l("Give at most %(left)s.", left=left)]})
