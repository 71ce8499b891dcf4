"""Time-bank tables: activities and sign-ups, attendance and hour reports, care requests,
certificates, bulk imports and spot checks. Minutes move only through the ledger."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User
from marketplace.orgs.models import District, Organisation
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime, one_of


class Category(enum.StrEnum):
    ELDERLY_CARE = "elderly_care"
    CHILDREN = "children"
    COMMUNITY = "community"
    ENVIRONMENT = "environment"
    DISABILITY = "disability"
    POVERTY_RELIEF = "poverty_relief"
    EMERGENCY = "emergency"
    OTHER = "other"


class SignupStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    REVERSED = "reversed"



class Activity(db.Model):
    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint(one_of("category", Category), name="category_known"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity BETWEEN 1 AND 10000", name="capacity_range"),
        # word search (platform/search.py): trigram indexes serve ILIKE '%…%' on PostgreSQL (SQLite scans)
        Index("ix_activity_title_trgm", "title", postgresql_using="gin",
              postgresql_ops={"title": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        Index("ix_activity_description_trgm", "description", postgresql_using="gin",
              postgresql_ops={"description": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(32), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    signup_cutoff_at: Mapped[datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(Integer)
    confirmed_count: Mapped[int] = mapped_column(Integer, default=0)
    skills: Mapped[str] = mapped_column(String(200), default="")
    is_cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()
    district: Mapped[District] = relationship()


class Signup(db.Model):
    __tablename__ = "signup"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", name="uq_signup_activity_user"),
        CheckConstraint(one_of("status", SignupStatus), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    machine = Machine("signup", "A volunteer's place at an activity.", start={
        SignupStatus.CONFIRMED: "a volunteer signing up while places are left",
        SignupStatus.WAITLISTED: "a volunteer signing up when the activity is full",
    }, moves={
        SignupStatus.CONFIRMED: {SignupStatus.CANCELLED: "the volunteer, before the sign-up cut-off"},
        SignupStatus.WAITLISTED: {
            SignupStatus.CONFIRMED: "the first on the waitlist, when a confirmed volunteer cancels",
            SignupStatus.CANCELLED: "the volunteer, before the sign-up cut-off"},
        SignupStatus.CANCELLED: {
            SignupStatus.CONFIRMED: "the volunteer signing up again while places are left",
            SignupStatus.WAITLISTED: "the volunteer signing up again when the activity is full"},
    }, labels={"confirmed": _l("Has a place"), "waitlisted": _l("On the waitlist"), "cancelled": _l("Cancelled")})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship()
    user: Mapped[User] = relationship()


# The one review of volunteered hours (hours/review.py), for attendance and hour reports alike.
REVIEW_LABELS = {"pending": _l("Waiting for review"), "approved": _l("Approved"), "rejected": _l("Rejected"),
                 "reversed": _l("Reversed")}
REVIEW_MOVES = {
    ReviewStatus.PENDING: {
        ReviewStatus.APPROVED: "a coordinator other than the volunteer (hours credited)",
        ReviewStatus.REJECTED: "a coordinator other than the volunteer, giving the reason"},
    ReviewStatus.APPROVED: {ReviewStatus.REVERSED: "a coordinator, with a reversing entry"},
    ReviewStatus.REJECTED: {},
    ReviewStatus.REVERSED: {},
}


class Attendance(db.Model):
    """A volunteer's presence at an activity, and the minutes it earns once approved."""

    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("activity_id", "user_id", name="uq_attendance_activity_user"),
        CheckConstraint(one_of("status", ReviewStatus), name="status_known"),
        CheckConstraint("minutes_granted IS NULL OR minutes_granted >= 0", name="minutes_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # set when entered by hand
    manual_reason: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING.value, index=True)
    machine = Machine("attendance", "A volunteer's attendance at an activity, reviewed for hours.", start={
        ReviewStatus.PENDING: "a volunteer scanning in, or a coordinator entering attendance by hand",
    }, moves=REVIEW_MOVES, labels=REVIEW_LABELS)
    minutes_granted: Mapped[int | None] = mapped_column(Integer)
    review_note: Mapped[str] = mapped_column(String(300), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))

    activity: Mapped[Activity] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class HourReport(db.Model):
    """Hours a volunteer reports for service done offline, with evidence, for a coordinator to review."""

    __tablename__ = "hour_report"
    __table_args__ = (
        CheckConstraint(one_of("status", ReviewStatus), name="status_known"),
        CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    served_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(String(1000))
    evidence_path: Mapped[str] = mapped_column(String(200), default="")
    evidence_type: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(16), default=ReviewStatus.PENDING.value, index=True)
    machine = Machine("hour_report", "Hours a volunteer reports for service outside an activity.", start={
        ReviewStatus.PENDING: "a volunteer reporting hours",
    }, moves=REVIEW_MOVES, labels=REVIEW_LABELS)
    review_note: Mapped[str] = mapped_column(String(300), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation] = relationship()


class Certificate(db.Model):
    """A service record issued for a period; its code is bound to the hash of its content."""

    __tablename__ = "certificate"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    total_minutes: Mapped[int] = mapped_column(BigInteger)
    content: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User] = relationship()
