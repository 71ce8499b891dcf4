"""One recorded move of a stateful record: which machine, which record, from, to, who, when and why."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime


class StateChange(db.Model):
    """Appended by `marketplace.platform.states` for every move it makes; never edited."""

    __tablename__ = "state_change"
    __table_args__ = (Index("ix_state_change_subject", "machine", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    machine: Mapped[str] = mapped_column(String(32))  # the machine's name, e.g. "donation"
    subject_id: Mapped[int] = mapped_column(BigInteger)
    from_state: Mapped[str] = mapped_column(String(20))  # "" when the record starts
    to_state: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the system or a job
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
