"""Tables for spot checks of approved hours and volunteers' leaderboard choices."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime


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
    report_id: Mapped[int | None] = mapped_column(ForeignKey("hour_report.id"))
    outcome: Mapped[str] = mapped_column(String(16), default="unchecked")
    note: Mapped[str] = mapped_column(String(300), default="")
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VolunteerPreference(db.Model):
    """Choices a volunteer makes about the time bank, such as appearing on the leaderboard."""

    __tablename__ = "volunteer_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True, autoincrement=False)
    is_on_leaderboard: Mapped[bool] = mapped_column(Boolean, default=False)
