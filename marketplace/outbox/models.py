"""One row per message to deliver, written in the same transaction as the change it reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime


class OutboxMessage(db.Model):
    """An email to send: rendered already (`email`), or built at delivery by a function (`build`,
    for receipt PDFs); or a call to an outside service made after the commit (`call`, a Stripe refund).
    A worker leases it (`locked_until`), sends it, then marks it delivered."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "delivered_at", "available_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # email | build | call (a retried call to an outside service)
    payload: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)  # not before (backoff)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # a worker's lease
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # given up: see last_error
    last_error: Mapped[str] = mapped_column(String(500), default="")
