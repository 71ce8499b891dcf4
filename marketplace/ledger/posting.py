"""The mechanics of one ledger entry: check the lines, move the running totals, chain and write it.

One entry locks in the one order of locks.py (hold row, then balance rows by account and shard,
then its transaction's chain lane), so two single-entry transactions never wait on each other in a
cycle. A transaction that posts several entries must call `locks.take` with all their accounts
first (the service's `lock_accounts`); otherwise a later entry may lock an account after the lane
and deadlock with another transaction, and only `transactions.retrying` gets it through.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached

from marketplace.ledger import chain, locks, periods
from marketplace.ledger.entry_plan import (  # noqa: F401  (callers still import entry_lines and entry_by_key here)
    check_balanced,
    entry_by_key,
    entry_lines,
    load_accounts,
    plan_moves,
    same_or_conflict,
)
from marketplace.ledger.errors import (
    AlreadyReversed,
    InsufficientBalance,
    InvalidLines,
)
from marketplace.ledger.models import LedgerAccount, LedgerBalance, LedgerChain, LedgerEntry, LedgerPosting
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.sqlite import savepoint
from marketplace.platform.timeutil import local_today, now_utc

LANES = locks.LANES
MAX_AMOUNT = 10**15
Line = tuple["LedgerAccount | int", int]


def post_once(lines, *, key, kind, memo, actor, effective_date=None, reverses_id=None, within=None, after=None):
    """Post once per key; `within(accounts)` runs first inside the savepoint, `after(entry)` last.

    On PostgreSQL a plain posting goes through the one-call path instead (see one_call.py).
    """
    check_text(key=key, kind=kind, memo=memo)
    if within is None and after is None and db.session.get_bind().dialect.name == "postgresql":
        from marketplace.ledger.one_call import post_in_one_call  # it builds on this module

        return post_in_one_call(lines, key=key, kind=kind, memo=memo, actor=actor,
                                effective_date=effective_date, reverses_id=reverses_id)
    existing = entry_by_key(key)
    if existing is not None:
        return same_or_conflict(existing, lines)
    effective = effective_date or local_today()
    accounts = load_accounts({a for a, _ in lines})
    check_balanced(lines, accounts)
    periods.refuse_if_closed(accounts.values(), effective)
    try:
        with savepoint():
            released = within(accounts) if within else {}
            apply(lines, accounts, released)
            periods.refuse_if_closed_now(accounts, effective)  # after the first write: see periods.py
            entry = write_entry(lines, accounts, key=key, kind=kind, memo=memo, actor=actor,
                                 effective_date=effective, reverses_id=reverses_id)
            if after:
                after(entry)
    except IntegrityError:
        existing = entry_by_key(key)
        if existing is not None:
            return same_or_conflict(existing, lines)
        if reverses_id is not None and db.session.scalar(
                select(LedgerEntry.id).where(LedgerEntry.reverses_id == reverses_id)):
            raise AlreadyReversed() from None
        raise
    return entry


def normalise(lines: Iterable[Line]) -> list[tuple[int, int]]:
    normalised = []
    for line in lines:
        try:
            account, amount = line
        except (TypeError, ValueError):
            raise InvalidLines() from None
        if type(amount) is not int or amount == 0 or abs(amount) > MAX_AMOUNT:
            raise InvalidLines()
        normalised.append((account_id_of(account), amount))
    if len(normalised) < 2:
        raise InvalidLines()
    return normalised


def check_text(**values: str) -> None:
    limits = {"key": 128, "kind": 40, "memo": 500}
    for name, value in values.items():
        if (not isinstance(value, str) or len(value) > limits[name] or "\x00" in value
                or (name != "memo" and not value.strip())):
            raise InvalidInput(fields={name: [_l("This value is missing or too long.")]})


def account_id_of(account) -> int:
    value = account if isinstance(account, int) and not isinstance(account, bool) else getattr(account, "id", None)
    if not isinstance(value, int):
        raise InvalidLines()
    return value


def apply(lines, accounts: dict[int, LedgerAccount], released: dict[int, int]) -> None:
    """Move the running totals, refusing to overdraw a no-overdraft account."""
    for move in plan_moves(lines, accounts, released):
        if move.guarded:
            debit_guarded(accounts[move.account_id], move.delta)
        else:
            bump(move.account_id, move.shard, posted=move.delta, held=-move.release)


def debit_guarded(account: LedgerAccount, delta: int, *, field: str = "posted") -> None:
    """Lower posted (or raise held) only if available stays at or above zero."""
    posted_change, held_change = (delta, 0) if field == "posted" else (0, -delta)
    if account.shards == 1:
        result = db.session.connection().execute(
            update(LedgerBalance.__table__)
            .where(LedgerBalance.account_id == account.id, LedgerBalance.shard == 0,
                   LedgerBalance.posted - LedgerBalance.held + delta >= 0)
            .values(posted=LedgerBalance.posted + posted_change, held=LedgerBalance.held + held_change))
        if result.rowcount == 1:
            return
        raise InsufficientBalance(account.id, available_amount(account.id))
    rows = db.session.execute(
        select(LedgerBalance.posted, LedgerBalance.held).where(LedgerBalance.account_id == account.id)
        .order_by(LedgerBalance.shard).with_for_update()).all()
    available = sum(p - h for p, h in rows)
    if available + delta < 0:
        raise InsufficientBalance(account.id, available)
    bump(account.id, 0, posted=posted_change, held=held_change)


def available_amount(account_id: int) -> int:
    """Return posted minus held for an account, summed over its balance rows."""
    return int(db.session.scalar(select(func.coalesce(func.sum(LedgerBalance.posted - LedgerBalance.held), 0))
                                 .where(LedgerBalance.account_id == account_id)))


def bump(account_id: int, shard: int, posted: int = 0, held: int = 0) -> None:
    db.session.connection().execute(
        update(LedgerBalance.__table__).where(LedgerBalance.account_id == account_id, LedgerBalance.shard == shard)
        .values(posted=LedgerBalance.posted + posted, held=LedgerBalance.held + held))


def write_entry(lines, accounts, *, key, kind, memo, actor, effective_date, reverses_id) -> LedgerEntry:
    """Chain the entry onto its transaction's lane and write it with its postings."""
    conn = db.session.connection()
    lane = locks.lane()
    seq, prev_hash = conn.execute(
        select(LedgerChain.seq, LedgerChain.head_hash).where(LedgerChain.lane == lane).with_for_update()).one()
    actor_id = getattr(actor, "id", actor)
    entry = LedgerEntry(
        idempotency_key=key, kind=kind, memo=memo, effective_date=effective_date or local_today(),
        created_at=now_utc(), actor_id=actor_id, reverses_id=reverses_id, lane=lane, seq=seq + 1,
        prev_hash=prev_hash, hash_scheme=chain.SCHEME_VERSION, actor_salt=chain.new_salt(actor_id))
    entry.hash = chain.entry_hash(prev_hash, chain.content_of(entry, [(a, accounts[a].unit, n) for a, n in lines]))
    conn.execute(update(LedgerChain.__table__).where(LedgerChain.lane == lane)
                 .values(seq=entry.seq, head_hash=entry.hash))
    row = {c.key: getattr(entry, c.key) for c in LedgerEntry.__table__.c if c.key != "id"}
    if conn.dialect.name == "sqlite":
        # SQLite checks balance when the entry row arrives, so its postings go first.
        entry.id = (conn.scalar(select(func.max(LedgerEntry.id))) or 0) + 1
        write_postings(entry.id, lines)
        conn.execute(insert(LedgerEntry.__table__).values(id=entry.id, **row))
    else:
        # PostgreSQL checks balance at commit (a deferred constraint trigger).
        entry.id = conn.scalar(insert(LedgerEntry.__table__).values(**row).returning(LedgerEntry.id))
        write_postings(entry.id, lines)
    make_transient_to_detached(entry)  # written above: the session takes it as stored, with no reload
    db.session.add(entry)
    return entry


def write_postings(entry_id: int, lines) -> None:
    db.session.connection().execute(
        insert(LedgerPosting.__table__), [{"entry_id": entry_id, "account_id": a, "amount": n} for a, n in lines])
