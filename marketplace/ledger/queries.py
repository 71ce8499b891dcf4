"""What other domains may ask the ledger: balances, statements, entries by cause and totals.

No module outside `marketplace/ledger/` reads the ledger's tables; each question it needs
answered is a function here (tests/architecture/test_ledger_boundary.py checks it).
"""
from __future__ import annotations

from sqlalchemy import select

from marketplace.ledger.causes import Cause, key_of
from marketplace.ledger.models import LedgerAccount, LedgerEntry, LedgerHold, LedgerPosting
from marketplace.ledger.service import Balance, balance  # noqa: F401  (part of the query API)
from marketplace.ledger.statement import StatementLine, StatementPage, statement  # noqa: F401
from marketplace.platform.extensions import db


def entry_for(cause: Cause) -> LedgerEntry | None:
    """Return the entry posted for `cause`, or None."""
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key_of(cause)))


def hold_for(cause: Cause) -> LedgerHold | None:
    """Return the hold taken for `cause`, or None."""
    return db.session.scalar(select(LedgerHold).where(LedgerHold.idempotency_key == key_of(cause)))


def account(account_id: int) -> LedgerAccount | None:
    """Return the account with this id, or None."""
    return db.session.get(LedgerAccount, account_id)


def posting_id(entry_id: int, account_id: int) -> int | None:
    """Return the id of the entry's posting to `account_id` (the first, if several), or None."""
    return db.session.scalar(select(LedgerPosting.id).where(LedgerPosting.entry_id == entry_id,
                                                            LedgerPosting.account_id == account_id)
                             .order_by(LedgerPosting.id).limit(1))
