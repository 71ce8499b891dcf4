"""Members talking through the site: conversations, messages, blocks and reports.

Contact details (phone, address) stay hidden until both sides of a conversation agree to share them.
Coordinators never read a conversation unless one of its sides reported it.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.exchanges.models.kinds import ReportReason, ReportStatus
from marketplace.exchanges.models.kinds import ReportStatus as RS
from marketplace.exchanges.models.posts import ExchangeMember, ExchangePost
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime, one_of


class Conversation(db.Model):
    """Two members of one exchange talking about a post; `first_id` < `second_id` (member ids)."""

    __tablename__ = "exchange_conversation"
    __table_args__ = (
        UniqueConstraint("post_id", "first_id", "second_id", name="uq_exchange_conversation_pair"),
        CheckConstraint("first_id < second_id", name="ordered_pair"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("exchange_post.id"))
    first_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"), index=True)
    second_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"), index=True)
    first_shares: Mapped[bool] = mapped_column(Boolean, default=False)  # agreed to share contact details
    second_shares: Mapped[bool] = mapped_column(Boolean, default=False)
    first_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    second_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_message_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    post: Mapped[ExchangePost] = relationship()
    first: Mapped[ExchangeMember] = relationship(foreign_keys=[first_id])
    second: Mapped[ExchangeMember] = relationship(foreign_keys=[second_id])


class Message(db.Model):
    """One message; `written_by_id` is a coordinator when they wrote it for the member."""

    __tablename__ = "exchange_message"
    __table_args__ = (Index("ix_exchange_message_conversation", "conversation_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("exchange_conversation.id"))
    sender_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"))
    written_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class MemberBlock(db.Model):
    """A member who no longer wants to hear from another: no new conversation or message between them."""

    __tablename__ = "exchange_block"
    __table_args__ = (UniqueConstraint("blocker_id", "blocked_id", name="uq_exchange_block_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    blocker_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"), index=True)
    blocked_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class ExchangeReport(db.Model):
    """A member reporting another (a post, a conversation or an agreement of theirs) to the coordinators,
    who answer it by `answer_due_at` (EXCHANGE_REPORT_ANSWER_HOURS): the board lights a late one."""

    __tablename__ = "exchange_report"
    __table_args__ = (
        CheckConstraint(one_of("reason", ReportReason), name="reason_known"),
        CheckConstraint(one_of("status", ReportStatus), name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"))
    reported_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"))
    post_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_post.id"))
    conversation_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_conversation.id"))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("exchange_agreement.id"))
    reason: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), index=True)
    machine = Machine("exchange_report", "A member's report of another to the exchange's coordinators.", start={
        RS.OPEN: "a member (or a coordinator for them)",
    }, moves={RS.OPEN: {RS.ANSWERED: "a coordinator, saying what was done"}, RS.ANSWERED: {}},
        stamp="status_changed_at", labels={"open": _l("Waiting for an answer"), "answered": _l("Answered")})
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    reporter: Mapped[ExchangeMember] = relationship(foreign_keys=[reporter_id])
    reported: Mapped[ExchangeMember] = relationship(foreign_keys=[reported_id])
