"""A listing's life: moves through the table declared on `Listing.machine`, recorded in `listing_event`.

draft → submitted → verified → published → claimed → fulfilled → confirmed → closed; also
withdrawn, and expired when nobody takes a published listing in time.
"""
from __future__ import annotations

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.wishes.models import Listing, ListingEvent
from marketplace.wishes.models import ListingStatus as S

MOVES: dict[S, frozenset[S]] = {S(old): frozenset(S(new) for new in to) for old, to in Listing.machine.moves.items()}


def allowed(listing: Listing, to: S) -> bool:
    return Listing.machine.can(listing.status, to)


def move(listing: Listing, to: S, actor: User | None, note: str = "") -> ListingEvent:
    """Move a listing to `to`, recording who moved it and why (flushed, not committed).

    :raise IllegalMove: when the table does not allow the move from the current status.
    """
    old = listing.status
    event = Listing.machine.move(listing, to, actor, note)
    db.session.flush()
    if to is S.PUBLISHED and listing.published_at is None:
        listing.published_at = event.created_at
    record("listing.moved", actor=actor, subject=listing, old=old, new=to.value)
    return event


def move_if(listing_id: int, expected: S, to: S, actor: User | None, note: str = "", conditions=(),
            **values) -> bool:
    """Move a listing only if it is still `expected`, in one conditional UPDATE; tell whether it moved.

    Racing callers cannot both win: the database changes the row for exactly one of them.
    """
    return Listing.machine.move_if(listing_id, expected, to, actor, note, conditions, sync=False, **values)


def status_label(status: str) -> str:
    """Return a status in the reader's language."""
    return Listing.machine.label(status)
