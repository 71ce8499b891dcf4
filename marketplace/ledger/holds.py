"""Two-phase holds: reserve on a no-overdraft account, then post (wholly or in part) or void, once."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.ledger.causes import Cause, CauseKind
from marketplace.ledger.causes import key_of as _key_of
from marketplace.ledger.errors import HoldAmountTooLarge, HoldNotOpen, IdempotencyConflict, InvalidLines
from marketplace.ledger.models import LedgerEntry, LedgerHold, LedgerHoldSettlement
from marketplace.ledger.posting import (
    MAX_AMOUNT,
    account_id_of,
    bump,
    check_text,
    debit_guarded,
    load_accounts,
    post_once,
)
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.sqlite import savepoint
from marketplace.platform.timeutil import now_utc
from marketplace.platform.transactions import retrying

Hold = LedgerHold  # what `hold` returns: domains keep its id


def hold(account, amount: int, *, cause: Cause, expires_at: datetime, memo: str = "", actor=None) -> LedgerHold:
    """Reserve `amount` on an account until `expires_at`; the same cause returns the same hold.

    :raise InsufficientBalance: less than `amount` is available.
    """
    key = _key_of(cause)
    check_text(key=key, memo=memo)
    if type(amount) is not int or not 0 < amount <= MAX_AMOUNT:
        raise InvalidLines()
    if expires_at <= now_utc():
        raise InvalidInput(fields={"expires_at": [_l("The hold must expire in the future.")]})
    account_id = account_id_of(account)
    existing = db.session.scalar(select(LedgerHold).where(LedgerHold.idempotency_key == key))
    if existing is not None:
        return _same_or_conflict(existing, account_id, amount)
    target = load_accounts({account_id})[account_id]
    try:
        with savepoint():
            debit_guarded(target, -amount, field="held")
            held = LedgerHold(idempotency_key=key, account_id=account_id, amount=amount, memo=memo,
                              actor_id=getattr(actor, "id", actor), expires_at=expires_at)
            db.session.add(held)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(select(LedgerHold).where(LedgerHold.idempotency_key == key))
        if existing is None:
            raise
        return _same_or_conflict(existing, account_id, amount)
    return held


def post_hold(held: LedgerHold | int, to_account, *, amount: int | None = None, cause: Cause | None = None,
              memo: str = "", actor=None, kind: str = "hold.post") -> LedgerEntry:
    """Post a held amount (all of it by default) to `to_account`; the rest is released.

    :raise HoldNotOpen: the hold was already posted, voided or has expired.
    """
    held = _load(held)
    amount = held.amount if amount is None else amount
    if type(amount) is not int or amount <= 0:
        raise InvalidLines()
    if amount > held.amount:
        raise HoldAmountTooLarge()
    key = _key_of(cause or Cause(CauseKind.HOLD_POST, held.id, "post"))

    def take_hold(accounts):
        _lock_open(held)
        return {held.account_id: held.amount}

    def settle(entry):
        _settle(held, "posted", amount_posted=amount, entry_id=entry.id, reason=memo, actor=actor)

    return post_once([(held.account_id, -amount), (account_id_of(to_account), amount)], key=key, kind=kind,
                     memo=memo, actor=actor, within=take_hold, after=settle)


def void_hold(held: LedgerHold | int, *, reason: str = "", actor=None) -> LedgerHoldSettlement:
    """Release a hold without posting it."""
    return _release(_load(held), "voided", reason, actor)


def expire_holds(now: datetime | None = None) -> int:
    """Release every open hold whose time has passed, each in its own transaction; return how many.

    One hold at a time holds one hold row and one balance row, in the order every settlement takes
    them, so the sweep cannot close a lock cycle with a care payment settling meanwhile.
    """
    now = now or now_utc()
    stmt = (select(LedgerHold.id).outerjoin(LedgerHoldSettlement, LedgerHoldSettlement.hold_id == LedgerHold.id)
            .where(LedgerHoldSettlement.id.is_(None), LedgerHold.expires_at <= now).order_by(LedgerHold.id))
    count = 0
    for hold_id in db.session.scalars(stmt).all():
        try:
            retrying(lambda hold_id=hold_id: _release(db.session.get(LedgerHold, hold_id), "expired", "", None,
                                                      now=now))
            count += 1
        except HoldNotOpen:  # settled meanwhile by someone else
            db.session.rollback()
    return count


def is_open(held: LedgerHold) -> bool:
    """Say whether the hold still reserves its amount."""
    settled = db.session.scalar(select(LedgerHoldSettlement.id).where(LedgerHoldSettlement.hold_id == held.id))
    return settled is None and held.expires_at > now_utc()


def _release(held: LedgerHold, outcome: str, reason: str, actor, now: datetime | None = None):
    check_text(memo=reason)
    try:
        with savepoint():
            _lock_open(held, allow_expired=outcome == "expired", now=now)
            bump(held.account_id, 0, held=-held.amount)
            return _settle(held, outcome, reason=reason, actor=actor)
    except IntegrityError:
        raise HoldNotOpen() from None


def _load(held: LedgerHold | int) -> LedgerHold:
    found = held if isinstance(held, LedgerHold) else db.session.get(LedgerHold, held)
    if found is None:
        raise InvalidInput(fields={"hold": [_l("That hold does not exist.")]})
    return found


def _lock_open(held: LedgerHold, allow_expired: bool = False, now: datetime | None = None) -> None:
    """Lock the hold row so that only one settlement proceeds; refuse if it is not open."""
    db.session.execute(select(LedgerHold.id).where(LedgerHold.id == held.id).with_for_update())
    settled = db.session.scalar(select(LedgerHoldSettlement.id).where(LedgerHoldSettlement.hold_id == held.id))
    if settled is not None or (not allow_expired and held.expires_at <= (now or now_utc())):
        raise HoldNotOpen()


def _settle(held, outcome, *, amount_posted=0, entry_id=None, reason="", actor=None) -> LedgerHoldSettlement:
    settlement = LedgerHoldSettlement(hold_id=held.id, outcome=outcome, amount_posted=amount_posted,
                                      entry_id=entry_id, reason=reason, actor_id=getattr(actor, "id", actor))
    db.session.add(settlement)
    db.session.flush()
    return settlement


def _same_or_conflict(existing: LedgerHold, account_id: int, amount: int) -> LedgerHold:
    if existing.account_id != account_id or existing.amount != amount:
        raise IdempotencyConflict()
    return existing
