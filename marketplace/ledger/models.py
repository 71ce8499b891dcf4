"""Ledger tables: accounts, their balance rows, entries, postings, holds and hash chains.

Entries, postings, holds and hold settlements are append-only (database triggers refuse
UPDATE and DELETE). Balance rows and chain heads are the running totals kept beside them,
and `flask ledger verify` recomputes both from the append-only rows.
"""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime

GENESIS_HASH = "0" * 64


class LedgerAccount(db.Model):
    __tablename__ = "ledger_account"
    __table_args__ = (
        UniqueConstraint("owner_type", "owner_id", "purpose", "unit", name="uq_ledger_account_owner_purpose"),
        CheckConstraint("unit IN ('min', 'fen', 'pt', 'meal')", name="unit_known"),
        CheckConstraint("shards BETWEEN 1 AND 64", name="shards_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit: Mapped[str] = mapped_column(String(8))
    owner_type: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(BigInteger, default=0)  # 0 for the platform
    purpose: Mapped[str] = mapped_column(String(32))
    is_no_overdraft: Mapped[bool] = mapped_column(Boolean, default=False)
    shards: Mapped[int] = mapped_column(SmallInteger, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # the last day of the latest closed period: no entry may be effective on or before it
    closed_through: Mapped[date | None] = mapped_column(Date)


class LedgerBalance(db.Model):
    """One of an account's running-total rows; the account's balance is their sum."""

    __tablename__ = "ledger_balance"
    __table_args__ = (CheckConstraint("held >= 0", name="held_not_negative"),)

    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), primary_key=True)
    shard: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    posted: Mapped[int] = mapped_column(BigInteger, default=0)
    held: Mapped[int] = mapped_column(BigInteger, default=0)


class LedgerChain(db.Model):
    """The head of one hash chain (a lane); entries are spread over lanes at random."""

    __tablename__ = "ledger_chain"

    lane: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    head_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)


class LedgerEntry(db.Model):
    __tablename__ = "ledger_entry"
    __table_args__ = (UniqueConstraint("lane", "seq", name="uq_ledger_entry_lane_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    memo: Mapped[str] = mapped_column(String(500), default="")
    effective_date: Mapped[date] = mapped_column(Date, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reverses_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"), unique=True)
    lane: Mapped[int] = mapped_column(SmallInteger)
    seq: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # how the hash was computed (chain.py): 1 before migration 0018 (covers actor_id), 2 since (covers
    # actor_ref, made from the private actor_salt, never published, and actor_id)
    hash_scheme: Mapped[int] = mapped_column(SmallInteger, server_default="1")
    actor_salt: Mapped[str | None] = mapped_column(String(32))


class LedgerPosting(db.Model):
    __tablename__ = "ledger_posting"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        Index("ix_ledger_posting_account_id_id", "account_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    entry_id: Mapped[int] = mapped_column(BigId, ForeignKey("ledger_entry.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"))
    amount: Mapped[int] = mapped_column(BigInteger)


class LedgerHold(db.Model):
    """An amount reserved on a no-overdraft account until it is posted, voided or expires."""

    __tablename__ = "ledger_hold"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    memo: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LedgerHoldSettlement(db.Model):
    """How a hold ended; the unique hold id makes it end exactly once."""

    __tablename__ = "ledger_hold_settlement"
    __table_args__ = (
        CheckConstraint("outcome IN ('posted', 'voided', 'expired')", name="outcome_known"),
        CheckConstraint("amount_posted >= 0", name="amount_posted_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("ledger_hold.id"), unique=True)
    outcome: Mapped[str] = mapped_column(String(16))
    amount_posted: Mapped[int] = mapped_column(BigInteger, default=0)
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class LedgerPeriodClose(db.Model):
    """A period closed on a set of books (the platform's, or one organisation's): append-only."""

    __tablename__ = "ledger_period_close"
    __table_args__ = (
        UniqueConstraint("owner_type", "owner_id", "closed_through", name="uq_ledger_period_close_books_day"),
        CheckConstraint("owner_type IN ('platform', 'organisation')", name="owner_type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(BigInteger, default=0)  # 0 for the platform
    period_start: Mapped[date] = mapped_column(Date)
    closed_through: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # a row is a closed period; periods are never reopened, so its one state is recorded as it starts
    machine = Machine("ledger_period", "A period of a set of books (the platform's or an organisation's).", start={
        "closed": "finance members and admins, through a day that has ended, after the last closed day",
    }, moves={"closed": {}}, column=None, state_of=lambda close: "closed", labels={"closed": _l("Closed")})
