"""A notification per person (kind and parameters, never rendered text), email choices, digests sent."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime


class Notification(db.Model):
    """Something that happened that one person should know of; its text is rendered in the reader's language
    when shown, from `kind` and `params`, and its link from `link_endpoint` and `link_args`."""

    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_unread", "user_id", "read_at"),  # the bell's count
        Index("ix_notification_user_created", "user_id", "created_at"),  # the list, newest first
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    kind: Mapped[str] = mapped_column(String(32))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link_endpoint: Mapped[str] = mapped_column(String(64), default="")
    link_args: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class NotificationPreference(db.Model):
    """A person's choice that differs from a kind's default: email on or off (`kind` "weekly_digest": the digest)."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    is_emailed: Mapped[bool] = mapped_column(Boolean)


class NotificationDigest(db.Model):
    """The weekly digest sent to one person for one week: written with its email, so a week sends once."""

    __tablename__ = "notification_digest"
    __table_args__ = (UniqueConstraint("user_id", "week_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    week_start: Mapped[date] = mapped_column(Date)  # the Monday of the week, in the site's time zone
    count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
