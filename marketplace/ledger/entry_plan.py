"""An entry's lines read before anything is written: the accounts they name, the balance and idempotency
checks, and how they move the running totals, in one lock order.

`posting.py` writes entries with these; `one_call.py` (PostgreSQL's single round trip) checks with them too,
so neither imports the other's module upwards."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from marketplace.ledger import locks
from marketplace.ledger.errors import IdempotencyConflict, UnbalancedEntry, UnknownAccount
from marketplace.ledger.models import LedgerAccount, LedgerEntry, LedgerPosting
from marketplace.platform.extensions import db


def entry_lines(entry: LedgerEntry | int) -> list[tuple[int, int]]:
    """Return an entry's (account id, amount) postings in the order they were written."""
    rows = db.session.execute(select(LedgerPosting.account_id, LedgerPosting.amount)
                              .where(LedgerPosting.entry_id == getattr(entry, "id", entry)).order_by(LedgerPosting.id))
    return [(a, n) for a, n in rows]


def load_accounts(ids: set[int]) -> dict[int, LedgerAccount]:
    rows = db.session.scalars(select(LedgerAccount).where(LedgerAccount.id.in_(ids))).all()
    found = {a.id: a for a in rows}
    if len(found) != len(ids):
        raise UnknownAccount()
    return found


def check_balanced(lines: Sequence[tuple[int, int]], accounts: dict[int, LedgerAccount]) -> None:
    totals: dict[str, int] = defaultdict(int)
    for account_id, amount in lines:
        totals[accounts[account_id].unit] += amount
    if any(totals.values()):
        raise UnbalancedEntry()


def entry_by_key(key: str) -> LedgerEntry | None:
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key))


def same_or_conflict(entry: LedgerEntry, lines: Sequence[tuple[int, int]]) -> LedgerEntry:
    if sorted(entry_lines(entry)) != sorted(lines):
        raise IdempotencyConflict()
    return entry


@dataclass(frozen=True)
class Move:
    """One change to an account's running total, in lock order."""

    account_id: int
    delta: int
    shard: int
    guarded: bool  # a debit of a no-overdraft account: checked against what is available
    multi: bool  # the account has several balance rows
    release: int = 0  # a held amount this entry settles


def plan_moves(lines, accounts: dict[int, LedgerAccount], released: dict[int, int] | None = None) -> list[Move]:
    """Net the lines per account and say how each running total moves, in one lock order.

    `released` maps an account to a held amount this entry settles: that debit was reserved
    already, so it is not checked again and always lands on balance row 0, where holds live.
    """
    released = released or {}
    deltas: dict[int, int] = defaultdict(int)
    for account_id, amount in lines:
        deltas[account_id] += amount
    moves = []
    for account_id in sorted(deltas):  # one lock order for everyone
        account, delta = accounts[account_id], deltas[account_id]
        if account_id in released:
            moves.append(Move(account_id, delta, 0, False, account.shards > 1, released[account_id]))
        elif delta:
            guarded = delta < 0 and account.is_no_overdraft
            shard = locks.shard(account) if not guarded else 0
            moves.append(Move(account_id, delta, shard, guarded, account.shards > 1))
    return moves
