"""A listing's life: the table of allowed moves and the one function that makes them.

draft → submitted → verified → published → claimed → fulfilled → confirmed → closed; also
withdrawn, and expired when nobody takes a published listing in time.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.wishes.models import Listing, ListingEvent
from marketplace.wishes.models import ListingStatus as S

MOVES: dict[S, frozenset[S]] = {
    S.DRAFT: frozenset({S.SUBMITTED, S.WITHDRAWN}),
    S.SUBMITTED: frozenset({S.VERIFIED, S.DRAFT, S.WITHDRAWN}),
    S.VERIFIED: frozenset({S.PUBLISHED, S.WITHDRAWN}),
    S.PUBLISHED: frozenset({S.CLAIMED, S.EXPIRED, S.WITHDRAWN}),
    S.CLAIMED: frozenset({S.PUBLISHED, S.FULFILLED, S.WITHDRAWN}),
    S.FULFILLED: frozenset({S.CONFIRMED}),
    S.CONFIRMED: frozenset({S.CLOSED}),
    S.EXPIRED: frozenset({S.PUBLISHED, S.WITHDRAWN}),
    S.CLOSED: frozenset(),
    S.WITHDRAWN: frozenset(),
}


def allowed(listing: Listing, to: S) -> bool:
    return to in MOVES[listing.status_enum]


def move(listing: Listing, to: S, actor: User | None, note: str = "") -> ListingEvent:
    """Move a listing to `to`, recording who moved it and why (flushed, not committed).

    :raise Conflict: when the table does not allow the move from the current status.
    """
    if not allowed(listing, to):
        raise Conflict(_l("This listing cannot go from “%(old)s” to “%(new)s”.",
                          old=status_label(listing.status), new=status_label(to)))
    now = now_utc()
    event = ListingEvent(listing_id=listing.id, actor_id=actor.id if actor else None, from_status=listing.status,
                         to_status=to.value, note=note, created_at=now)
    listing.status = to.value
    listing.status_changed_at = now
    if to is S.PUBLISHED and listing.published_at is None:
        listing.published_at = now
    db.session.add(event)
    db.session.flush()
    record("listing.moved", actor=actor, subject=listing, old=event.from_status, new=to.value)
    return event


def move_if(listing_id: int, expected: S, to: S, actor: User | None, note: str = "", conditions=(),
            **values) -> bool:
    """Move a listing only if it is still `expected`, in one conditional UPDATE; tell whether it moved.

    Racing callers cannot both win: the database changes the row for exactly one of them.
    """
    if to not in MOVES[expected]:
        raise ValueError(f"{expected} -> {to} is not in the table of moves")
    now = now_utc()
    moved = db.session.execute(
        update(Listing).where(Listing.id == listing_id, Listing.status == expected.value, *conditions)
        .values(status=to.value, status_changed_at=now, **values)
        .execution_options(synchronize_session=False)).rowcount == 1
    if moved:
        db.session.add(ListingEvent(listing_id=listing_id, actor_id=actor.id if actor else None,
                                    from_status=expected.value, to_status=to.value, note=note, created_at=now))
        db.session.flush()
    return moved


def status_label(status: str) -> str:
    """Return a status in the reader's language."""
    return str({
        S.DRAFT: _l("Draft"), S.SUBMITTED: _l("Waiting for verification"), S.VERIFIED: _l("Verified"),
        S.PUBLISHED: _l("Looking for help"), S.CLAIMED: _l("Claimed"), S.FULFILLED: _l("Delivered"),
        S.CONFIRMED: _l("Confirmed by the household"), S.CLOSED: _l("Closed"), S.WITHDRAWN: _l("Withdrawn"),
        S.EXPIRED: _l("Expired"),
    }.get(status, status))
