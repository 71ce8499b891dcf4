"""Ledger verbs: open accounts, post, reverse, and read balances.

The verbs flush but never commit: the domain service that calls them commits once, so a
posting lands together with the change that caused it. Each verb works inside a
savepoint, so a refused posting leaves nothing behind and the caller's transaction usable.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from marketplace.ledger import locks, periods
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.ledger.causes import key_of as _key_of
from marketplace.ledger.errors import AlreadyReversed, CannotReverseReversal, UnknownAccount, UnknownPurpose
from marketplace.ledger.models import LedgerAccount, LedgerBalance, LedgerEntry
from marketplace.ledger.posting import Line, account_id_of, entry_lines, load_accounts, normalise, post_once
from marketplace.ledger.purposes import PURPOSES
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.sqlite import savepoint

# What the verbs return: domains keep their ids and pass them back, and read nothing else of them.
Account = LedgerAccount
Entry = LedgerEntry


@dataclass(frozen=True)
class Balance:
    posted: int
    held: int

    @property
    def available(self) -> int:
        return self.posted - self.held


# --- accounts ------------------------------------------------------------------------

def open_account(owner_type: str, owner_id: int, purpose: str) -> LedgerAccount:
    """Return the owner's account for `purpose`, opening it (with its balance rows) if needed."""
    spec = PURPOSES.get(purpose)
    if spec is None:
        raise UnknownPurpose()
    stmt = select(LedgerAccount).where(
        LedgerAccount.owner_type == owner_type, LedgerAccount.owner_id == owner_id,
        LedgerAccount.purpose == purpose, LedgerAccount.unit == spec.unit)
    account = db.session.scalar(stmt)
    if account is not None:
        return account
    try:
        with savepoint():
            account = LedgerAccount(unit=spec.unit, owner_type=owner_type, owner_id=owner_id, purpose=purpose,
                                    is_no_overdraft=spec.no_overdraft, shards=spec.shards,
                                    closed_through=periods.inherited_close(owner_type, owner_id, spec.unit))
            db.session.add(account)
            db.session.flush()
            db.session.execute(insert(LedgerBalance), [
                {"account_id": account.id, "shard": s, "posted": 0, "held": 0} for s in range(spec.shards)])
    except IntegrityError:  # opened at the same moment by another request
        account = db.session.scalar(stmt)
        if account is None:
            raise
    return account


def platform_account(purpose: str) -> LedgerAccount:
    """Return the platform's own account for `purpose` (issuance, clearing, fees…)."""
    return open_account("platform", 0, purpose)


def balance(account: LedgerAccount | int) -> Balance:
    """Return posted, held and available amounts, read from the account's balance rows."""
    account_id = account_id_of(account)
    posted, held, rows = db.session.execute(
        select(func.coalesce(func.sum(LedgerBalance.posted), 0), func.coalesce(func.sum(LedgerBalance.held), 0),
               func.count()).where(LedgerBalance.account_id == account_id)).one()
    if not rows:
        raise UnknownAccount()
    return Balance(int(posted), int(held))


# --- posting -------------------------------------------------------------------------

def post(
    lines: Iterable[Line],
    *,
    cause: Cause,
    kind: str,
    memo: str = "",
    actor=None,
    effective_date: date | None = None,
) -> LedgerEntry:
    """Post a balanced entry once per cause (its idempotency key) and return it.

    :raise InsufficientBalance: a no-overdraft account would go below zero (nothing is posted).
    :raise IdempotencyConflict: the cause was posted before with other lines.
    :raise PeriodClosed: `effective_date` is inside a closed period of one of the accounts.
    """
    return post_once(normalise(lines), key=_key_of(cause), kind=kind, memo=memo, actor=actor,
                     effective_date=effective_date)


def lock_accounts(accounts: Iterable[LedgerAccount | int], *, credit_only: Iterable[LedgerAccount | int] = ()) -> None:
    """Before posting several entries in one transaction, lock every account they touch, in the one order.

    The entries that follow then wait for no one, so the transaction cannot deadlock (see locks.py).
    Name in `credit_only` the accounts they only credit: a many-row fund then keeps its other rows free
    for other gifts. Take the domain's own row locks (donation, listing…) first. Open any new account
    before this call.
    """
    credited = {account_id_of(a) for a in credit_only}
    locks.take(load_accounts({account_id_of(a) for a in accounts} | credited).values(), credit_only=credited)


def reverse(entry: LedgerEntry | int, *, reason: str, actor=None, cause: Cause | None = None) -> LedgerEntry:
    """Post the mirror image of an entry, pointing back at it; an entry is reversed at most once.

    The reversal is dated today, so an entry in a closed period is corrected in the open one.
    """
    original = entry if isinstance(entry, LedgerEntry) else db.session.get(LedgerEntry, entry)
    if original is None:
        raise InvalidInput(fields={"entry": [_l("That entry does not exist.")]})
    if original.reverses_id is not None:
        raise CannotReverseReversal()
    if not (reason or "").strip():
        raise InvalidInput(fields={"reason": [_l("Give a reason for the correction.")]})
    key = _key_of(cause or Cause(CauseKind.REVERSAL, original.id))
    earlier = db.session.scalar(select(LedgerEntry).where(LedgerEntry.reverses_id == original.id))
    if earlier is not None:
        if earlier.idempotency_key == key:
            return earlier
        raise AlreadyReversed()
    lines = [(account_id, -amount) for account_id, amount in entry_lines(original)]
    return post_once(lines, key=key, kind="reversal", memo=reason.strip(), actor=actor, reverses_id=original.id)
