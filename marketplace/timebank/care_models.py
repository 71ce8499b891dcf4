"""Tables for care paid in hours, bulk imports of offline hours, spot checks and the leaderboard."""
from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User
from marketplace.extensions import db
from marketplace.orgs.models import Organisation
from marketplace.timeutil import now_utc
from marketplace.types import BigId, UTCDateTime, one_of


class CareStatus(enum.StrEnum):
    OPEN = "open"  # hours held, waiting for a volunteer
    ACCEPTED = "accepted"
    DONE = "done"  # the provider says it is done; the requester confirms
    DISPUTED = "disputed"  # a coordinator settles it
    SETTLED = "settled"  # the hold is posted to the provider
    CANCELLED = "cancelled"  # the hold is voided



class CareRequest(db.Model):
    """A service asked for a named care recipient, paid from saved hours (or an organisation's pool)."""

    __tablename__ = "care_request"
    __table_args__ = (
        CheckConstraint(one_of("status", CareStatus), name="status_known"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    pool_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # settles disputes
    recipient_name: Mapped[str] = mapped_column(String(80))
    service: Mapped[str] = mapped_column(String(32))
    details: Mapped[str] = mapped_column(Text, default="")
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    scheduled_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=CareStatus.OPEN.value, index=True)
    hold_id: Mapped[int] = mapped_column(ForeignKey("ledger_hold.id"))
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    minutes_paid: Mapped[int | None] = mapped_column(Integer)
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    requester: Mapped[User] = relationship(foreign_keys=[requester_id])
    provider: Mapped[User | None] = relationship(foreign_keys=[provider_id])
    organisation: Mapped[Organisation] = relationship(foreign_keys=[organisation_id])


class ImportBatch(db.Model):
    """An uploaded sheet of offline hours: rows are checked first, posted only when confirmed."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    title: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="checking")  # checking, checked, posting, posted
    total_rows: Mapped[int] = mapped_column(Integer, default=0)
    done_rows: Mapped[int] = mapped_column(Integer, default=0)
    valid_rows: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # why the last check or posting did not finish (a code shown on the progress page), or ""
    problem: Mapped[str] = mapped_column(String(20), default="", server_default="")
    # beaten by the job while it checks or posts; a stale one means its worker died (see imports.sweep)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    organisation: Mapped[Organisation] = relationship()


class ImportRow(db.Model):
    __tablename__ = "import_row"
    __table_args__ = (UniqueConstraint("batch_id", "row_number", name="uq_import_row_batch_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    email: Mapped[str] = mapped_column(String(254), default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    served_on: Mapped[date | None] = mapped_column(Date)
    minutes: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(300), default="")
    errors: Mapped[list] = mapped_column(JSON, default=list)
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))


class SpotCheck(db.Model):
    """A random sample of approved hours drawn for staff to confirm or dispute."""

    __tablename__ = "spot_check"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class SpotCheckItem(db.Model):
    __tablename__ = "spot_check_item"
    __table_args__ = (CheckConstraint("outcome IN ('unchecked', 'confirmed', 'disputed', 'reversed')",
                                      name="outcome_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    spot_check_id: Mapped[int] = mapped_column(ForeignKey("spot_check.id"), index=True)
    attendance_id: Mapped[int | None] = mapped_column(ForeignKey("attendance.id"))
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("hour_claim.id"))
    outcome: Mapped[str] = mapped_column(String(16), default="unchecked")
    note: Mapped[str] = mapped_column(String(300), default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VolunteerPreference(db.Model):
    """Choices a volunteer makes about the time bank, such as appearing on the leaderboard."""

    __tablename__ = "volunteer_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True, autoincrement=False)
    is_on_leaderboard: Mapped[bool] = mapped_column(Boolean, default=False)
