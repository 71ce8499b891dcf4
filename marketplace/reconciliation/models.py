"""Reconciliation tables: bank column mappings, statement imports and their lines, and matches.

A statement line is one movement on one reconciled ledger account, signed as the statement shows it
(money in positive); the ledger posting it matches carries the opposite sign (debits are negative).
A Stripe balance transaction with a fee becomes two lines (its gross and its fee), so each line
matches exactly one posting. A line and a posting are matched at most once (unique columns).
"""
from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime

if TYPE_CHECKING:
    from marketplace.auth.models import User

ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")
IMPORT_KINDS = ("stripe", "bank")
IMPORT_STATUSES = ("queued", "checking", "importing", "matching", "done", "rejected", "failed")
IMPORT_PROBLEMS = ("stopped", "never_started", "error")  # the worker died; nobody took the job; the job raised
MATCH_METHODS = ("id", "amount", "manual", "correction")
CORRECTION_STATUSES = ("requested", "approved", "rejected")


def _in(column: str, values) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class BankProfile(db.Model):
    """How one bank's statement CSV is laid out, saved per organisation (or the platform: owner_id 0)."""

    __tablename__ = "reconciliation_bank_profile"
    __table_args__ = (
        UniqueConstraint("owner_type", "owner_id", "name", name="uq_reconciliation_bank_profile_name"),
        CheckConstraint(_in("encoding", ENCODINGS), name="encoding_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(16))  # platform or organisation
    owner_id: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(80))
    date_column: Mapped[str] = mapped_column(String(80))
    date_format: Mapped[str] = mapped_column(String(20), default="%Y-%m-%d")
    amount_column: Mapped[str] = mapped_column(String(80), default="")  # signed: money in positive
    debit_column: Mapped[str] = mapped_column(String(80), default="")  # or money out here...
    credit_column: Mapped[str] = mapped_column(String(80), default="")  # ...and money in here
    description_column: Mapped[str] = mapped_column(String(80), default="")
    reference_column: Mapped[str] = mapped_column(String(80), default="")
    encoding: Mapped[str] = mapped_column(String(12), default="utf-8-sig")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class StatementImport(db.Model):
    """One uploaded statement file, with its progress and (when refused) its per-line report."""

    __tablename__ = "reconciliation_import"
    __table_args__ = (
        CheckConstraint(_in("kind", IMPORT_KINDS), name="kind_known"),
        CheckConstraint(_in("status", IMPORT_STATUSES), name="status_known"),
        Index("ix_reconciliation_import_owner", "owner_type", "owner_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(16))
    owner_id: Mapped[int] = mapped_column(BigInteger, default=0)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"))
    kind: Mapped[str] = mapped_column(String(8))
    profile_id: Mapped[int | None] = mapped_column(ForeignKey("reconciliation_bank_profile.id"))
    stored_path: Mapped[str] = mapped_column(String(200), default="")  # generated name, emptied when done
    status: Mapped[str] = mapped_column(String(12), default="queued")
    machine = Machine("statement_import", "An uploaded Stripe report or bank statement.", start={
        "queued": "finance staff or a platform admin uploading a file",
    }, moves={
        "queued": {"checking": "its job starting", "failed": "its job failing, or the sweep when no job took it"},
        "checking": {"importing": "its job, when every line reads", "rejected": "its job, naming the bad lines",
                     "failed": "its job failing, or the sweep when its job stopped"},
        "importing": {"matching": "its job", "failed": "its job failing, or the sweep when its job stopped"},
        "matching": {"done": "its job", "failed": "its job failing, or the sweep when its job stopped"},
        "done": {},
        "rejected": {},
        "failed": {},
    }, labels={"queued": _l("Waiting to start"), "checking": _l("Checking the lines"), "importing": _l("Importing"),
               "matching": _l("Matching"), "done": _l("Imported"), "rejected": _l("Refused: bad lines"),
               "failed": _l("Failed")})
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    rows_new: Mapped[int] = mapped_column(Integer, default=0)
    matched: Mapped[int] = mapped_column(Integer, default=0)
    error_count: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)  # the first errors: {line, column, code, value}
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # why a failed import stopped (a code shown on its page: IMPORT_PROBLEMS), or ""
    problem: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # beaten by the job while it works; a stale one means its worker died (see imports.sweep_stuck)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class StatementLine(db.Model):
    __tablename__ = "reconciliation_line"
    __table_args__ = (
        UniqueConstraint("account_id", "uid", name="uq_reconciliation_line_uid"),
        CheckConstraint("amount_fen <> 0", name="amount_not_zero"),
        Index("ix_reconciliation_line_account_day", "account_id", "value_date", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"))
    import_id: Mapped[int] = mapped_column(ForeignKey("reconciliation_import.id"), index=True)
    # Stripe: the balance transaction id (":fee" for its fee); bank: a hash of the line (see bank_csv)
    uid: Mapped[str] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(16))  # charge, fee, refund, payout, other, bank
    value_date: Mapped[date] = mapped_column(Date)
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # money in positive, as the statement shows it
    source_ref: Mapped[str] = mapped_column(String(120), default="")  # Stripe source (ch_, pi_, re_, po_)
    charge_ref: Mapped[str] = mapped_column(String(120), default="")  # charge or payment intent, when given
    payout_ref: Mapped[str] = mapped_column(String(120), default="")
    description: Mapped[str] = mapped_column(String(300), default="")
    reference: Mapped[str] = mapped_column(String(120), default="")


class ReconciliationMatch(db.Model):
    """A statement line matched to a ledger posting: how, by whom, when."""

    __tablename__ = "reconciliation_match"
    __table_args__ = (CheckConstraint(_in("method", MATCH_METHODS), name="method_known"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    line_id: Mapped[int] = mapped_column(BigId, ForeignKey("reconciliation_line.id"), unique=True)
    posting_id: Mapped[int] = mapped_column(BigId, ForeignKey("ledger_posting.id"), unique=True)
    method: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(String(300), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class CorrectionRequest(db.Model):
    """A correcting entry above the second-person amount, asked for by one person and posted only when
    another approves it (see reconciliation/resolve.py)."""

    __tablename__ = "reconciliation_correction_request"
    __table_args__ = (CheckConstraint(_in("status", CORRECTION_STATUSES), name="status_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_account.id"), index=True)
    line_id: Mapped[int] = mapped_column(BigId, ForeignKey("reconciliation_line.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(12), default="requested")
    machine = Machine("correction", "A correcting entry above the second-person amount.", start={
        "requested": "finance staff asking for it",
    }, moves={
        "requested": {"approved": "someone other than who asked (the entry is posted)",
                      "rejected": "finance staff (the person who asked withdrawing it)"},
        "approved": {},
        "rejected": {},
    }, labels={"requested": _l("Waiting for a second person"), "approved": _l("Approved"),
               "rejected": _l("Rejected")})
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # shown to the person who approves: which statement line, and who asked
    line: Mapped[StatementLine] = relationship(viewonly=True)
    requested_by: Mapped[User] = relationship("User", foreign_keys=[requested_by_id], viewonly=True)
