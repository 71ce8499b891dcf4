"""The one lock order of the ledger: balance rows by (account, shard), then one hash-chain lane.

A transaction picks its lane, and its shard of each many-row account, the first time it needs them
and keeps them for every later entry, so an import of hundreds of rows holds one lane and one shard of
the hours-issued account rather than dozens chosen at random. A transaction that posts several
entries calls `take` first with every account it will touch: the locks are then acquired in the one
order before any entry is written, its entries wait for nothing afterwards, and so it cannot close a
cycle with another transaction. A single entry locks in the same order by itself (see posting.py).
"""
from __future__ import annotations

import random
from collections.abc import Iterable

from sqlalchemy import event, select, tuple_
from sqlalchemy.orm import Session

from marketplace.ledger.models import LedgerAccount, LedgerBalance, LedgerChain
from marketplace.platform.extensions import db

LANES = 16  # hash-chain lanes seeded by the migration
STATE = "ledger_locks"


def lane() -> int:
    """Return this transaction's hash-chain lane, choosing it on first use."""
    state = _state()
    if state["lane"] is None:
        state["lane"] = random.randrange(LANES)
    return state["lane"]


def shard(account: LedgerAccount) -> int:
    """Return the balance row this transaction credits (or debits unchecked) for a many-row account."""
    if account.shards == 1:
        return 0
    return _state()["shards"].setdefault(account.id, random.randrange(account.shards))


def take(accounts: Iterable[LedgerAccount], credit_only: Iterable[int] = ()) -> None:
    """Lock, in the one order, every balance row and the lane the entries to come will need.

    A no-overdraft account with several rows has all of them locked (a checked debit reads them all),
    unless it is in `credit_only` (ids of accounts the entries only credit); other accounts the one row
    this transaction uses. SQLite serialises writers and needs none of it.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    keys, credited = [], set(credit_only)
    for account in sorted({a.id: a for a in accounts}.values(), key=lambda a: a.id):
        checked = account.is_no_overdraft and account.shards > 1 and account.id not in credited
        shards = range(account.shards) if checked else [shard(account)]
        keys.extend((account.id, s) for s in shards)
    if keys:
        db.session.execute(select(LedgerBalance.account_id).where(
            tuple_(LedgerBalance.account_id, LedgerBalance.shard).in_(keys))
            .order_by(LedgerBalance.account_id, LedgerBalance.shard).with_for_update())
    db.session.execute(select(LedgerChain.lane).where(LedgerChain.lane == lane()).with_for_update())


def _state() -> dict:
    return db.session().info.setdefault(STATE, {"lane": None, "shards": {}})


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """A new transaction chooses afresh: locks end with the transaction that took them."""
    if transaction.parent is None:
        session.info.pop(STATE, None)
