"""What a household need's money buys: staff list its costs when writing the need, and the lines
must add up to the budget; donors read them on the need's card and page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.wishes.models import Listing, ListingKind
from marketplace.wishes.public_models import CostItem

MAX_ITEMS = 10
MAX_FEN = 10**12


def cost_items(kind: str, rows: list[dict] | None) -> list[CostItem]:
    """Return new cost lines from rows `cost_errors` found right; kinds other than a need have none."""
    return [CostItem(position=i, label=row["label"].strip(), amount_fen=row["amount_fen"])
            for i, row in enumerate(rows or [])] if kind == ListingKind.HOUSEHOLD_NEED else []


def cost_errors(kind: str, value_fen, rows: list[dict] | None) -> list:
    """Return what is wrong with a household need's cost lines (empty when they are right or absent)."""
    if kind != ListingKind.HOUSEHOLD_NEED or not rows:
        return []
    if len(rows) > MAX_ITEMS:
        return [_l("List at most %(n)d costs.", n=MAX_ITEMS)]
    for row in rows:
        label, amount = row.get("label"), row.get("amount_fen")
        if not isinstance(label, str) or not label.strip() or len(label) > 120 or "\x00" in label \
                or type(amount) is not int or not 0 < amount <= MAX_FEN:
            return [_l("Each cost needs what it buys (1 to %(n)d characters) and an amount above zero.", n=120)]
    total = sum(row["amount_fen"] for row in rows)
    if type(value_fen) is int and total != value_fen:
        return [_l("The costs add up to %(total)s; they must add up to the budget (%(budget)s).",
                   total=money(total), budget=money(value_fen))]
    return []


def replace_costs(listing: Listing, items: list[CostItem]) -> None:
    """Put a listing's cost lines in place of the ones it had (flushed with the caller's change)."""
    if listing.id is not None:
        for old in costs_of(listing):
            db.session.delete(old)
    for item in items:
        item.listing = listing
        db.session.add(item)


def costs_of(listing: Listing) -> list[CostItem]:
    """Return a listing's cost lines in the order staff wrote them."""
    if listing.id is None:
        return []
    return list(db.session.scalars(select(CostItem).where(CostItem.listing_id == listing.id)
                                   .order_by(CostItem.position, CostItem.id)))


def costs_for(listing_ids: list[int]) -> dict[int, list[CostItem]]:
    """Return the cost lines of many listings at once (for a page of cards), by listing id."""
    found: dict[int, list[CostItem]] = {}
    if not listing_ids:
        return found
    for item in db.session.scalars(select(CostItem).where(CostItem.listing_id.in_(listing_ids))
                                   .order_by(CostItem.listing_id, CostItem.position, CostItem.id)):
        found.setdefault(item.listing_id, []).append(item)
    return found
