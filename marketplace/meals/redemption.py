"""Redeem a meal at a store's counter: the code typed, or the text its QR code reads, answers one outcome.

Of two scans of one code exactly one wins (a guarded UPDATE moves RESERVED → REDEEMED); the other reads USED.
The answer says nothing of the person who holds the code: only the outcome, the store and what the meal or box holds.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.meals import access, days
from marketplace.meals.models import (
    CODE_LENGTH,
    MealDay,
    MealQuota,
    MealReservation,
    MealStore,
    ReservationStatus,
)
from marketplace.meals.points import post_meal
from marketplace.platform.codes import is_readable
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_date, now_utc
from marketplace.platform.transactions import retried

R = ReservationStatus
MAX_TEXT = 300  # a QR code's text longer than this is no reservation of ours
MAX_TOKEN = 40


class Outcome(enum.StrEnum):
    VALID = "valid"  # served now: hand over the meal
    USED = "used"  # already collected
    EXPIRED = "expired"  # its day or its last serving window is over
    WRONG_STORE = "wrong_store"  # held at another store
    NOT_YET = "not_yet"  # a later day, or before the first serving window
    UNKNOWN = "unknown"  # no such code (or one given up)


@dataclass(frozen=True)
class Redemption:
    """What the counter is told: the outcome, the store and, for a meal served, what it holds."""

    outcome: Outcome
    store: MealStore
    contents: str = ""  # what a meal holds (from the day's agreement)
    item: str = ""  # the blind box's item


def read_code(text) -> tuple[str, str] | None:
    """Read what was typed or scanned as ("code", short code) or ("token", token); None when it is neither.

    A short code is read in any case, with spaces or dashes; a QR code's text may be a link ending in a token.
    """
    text = str(text or "")[:MAX_TEXT].strip().split("?")[0].split("#")[0]
    if "/" in text:
        text = next((part for part in reversed(text.split("/")) if part.strip()), "")
    plain = "".join(text.split())
    code = plain.replace("-", "").upper()
    if is_readable(code, CODE_LENGTH):
        return "code", code
    if 0 < len(plain) <= MAX_TOKEN and all(c.isascii() and (c.isalnum() or c in "-_") for c in plain):
        return "token", plain
    return None


def find(store: MealStore, text, today) -> MealReservation | None:
    """Return the reservation the text names: by token, or by short code (this store's and today's first)."""
    read = read_code(text)
    if read is None:
        return None
    kind, value = read
    if kind == "token":
        return db.session.scalar(select(MealReservation).where(MealReservation.token == value))
    found = db.session.scalars(select(MealReservation).where(MealReservation.code == value)
                               .order_by(MealReservation.day.desc()).limit(50)).all()
    return min(found, key=lambda r: (r.store_id != store.id, r.day != today, abs((r.day - today).days)),
               default=None)


@retried
def redeem(actor: User, store_id, code, at: datetime | None = None) -> Redemption:
    """Redeem a code at the store's counter and commit; answer the outcome only.

    :raise NotFound: the actor may not serve at that store (or it does not exist).
    """
    store = access.get_store(actor, store_id, serve=True)
    at = at or now_utc()
    today = local_date(at)
    reservation = find(store, code, today)
    outcome = _outcome(store, reservation, today, at)
    if outcome is not Outcome.VALID:
        db.session.commit()  # nothing written: ends the transaction
        return Redemption(outcome, store)
    moved = MealReservation.machine.move_if(reservation.id, R.RESERVED, R.REDEEMED, by=actor,
                                            why="redeemed at the counter", redeemed_at=at)
    if not moved:  # another scan of the same code won (or the sweep expired it) meanwhile
        db.session.commit()
        db.session.refresh(reservation)
        return Redemption(_outcome(store, reservation, today, at), store)
    if reservation.meal_day_id:
        days.serve(reservation.meal_day_id)
    post_meal(reservation)
    answer = Redemption(Outcome.VALID, store, contents=_contents(reservation),
                        item=reservation.stock_item.name if reservation.stock_item else "")
    db.session.commit()
    return answer


def _outcome(store: MealStore, reservation: MealReservation | None, today, at) -> Outcome:
    if reservation is None or reservation.status == R.CANCELLED:
        return Outcome.UNKNOWN
    if reservation.store_id != store.id:
        return Outcome.WRONG_STORE
    if reservation.status == R.REDEEMED:
        return Outcome.USED
    if reservation.status == R.EXPIRED or reservation.day < today:
        return Outcome.EXPIRED
    if reservation.day > today:
        return Outcome.NOT_YET
    window = days.window_state(store, today, at)
    if window == days.BEFORE:
        return Outcome.NOT_YET
    if window == days.AFTER:
        return Outcome.EXPIRED
    return Outcome.VALID


def _contents(reservation: MealReservation) -> str:
    if not reservation.meal_day_id:
        return ""
    return db.session.scalar(select(MealQuota.contents).join(MealDay, MealDay.quota_id == MealQuota.id)
                             .where(MealDay.id == reservation.meal_day_id)) or ""
