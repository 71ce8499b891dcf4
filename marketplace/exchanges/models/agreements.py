"""Agreements between two members to exchange a service, and the endorsements that follow them."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.exchanges.models.kinds import AS, AgreementStatus
from marketplace.exchanges.models.posts import ExchangeMember, ExchangePost, new_post_code
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime, one_of


class ExchangeAgreement(db.Model):
    """Two members agreeing on a service from a post: who gives, who receives, when, and how many minutes.

    At most one ledger entry moves minutes for an agreement (`entry_id`; its cause is the agreement), from
    the receiver's savings to the giver's. `claimed_minutes` is what the giver said they served,
    `minutes` what finally moved. The notes of each side are kept for a coordinator settling a dispute.
    """

    __tablename__ = "exchange_agreement"
    __table_args__ = (
        CheckConstraint(one_of("status", AgreementStatus), name="status_known"),
        CheckConstraint("giver_id <> receiver_id", name="two_members"),
        CheckConstraint("minutes IS NULL OR minutes BETWEEN 1 AND 600", name="minutes_plausible"),
        Index("ix_exchange_agreement_giver", "giver_id", "status"),
        Index("ix_exchange_agreement_receiver", "receiver_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, default=new_post_code)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("exchange_post.id"), index=True)
    giver_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"))
    receiver_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"))
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"))  # the side that asked
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the agreed time
    planned_minutes: Mapped[int] = mapped_column(Integer)
    claimed_minutes: Mapped[int | None] = mapped_column(Integer)
    minutes: Mapped[int | None] = mapped_column(Integer)  # moved in the ledger
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entry.id"), unique=True)
    giver_note: Mapped[str] = mapped_column(Text, default="")
    receiver_note: Mapped[str] = mapped_column(Text, default="")
    coordinator_note: Mapped[str] = mapped_column(Text, default="")  # approval, refusal or settlement, why
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(20), index=True)
    machine = Machine("exchange_agreement", "Two members agreeing on a service and settling its minutes.", start={
        AS.PROPOSED: "a member answering a post (or a coordinator for them)",
    }, moves={
        AS.PROPOSED: {AS.AGREED: "the other side, accepting",
                      AS.AWAITING_APPROVAL: "the other side, accepting, when either is a new member",
                      AS.DECLINED: "the other side, saying no", AS.CANCELLED: "the side that asked, withdrawing"},
        AS.AWAITING_APPROVAL: {AS.AGREED: "a coordinator, approving", AS.DECLINED: "a coordinator, saying why",
                               AS.CANCELLED: "either side, before approval"},
        AS.AGREED: {AS.CLAIMED: "the giver, saying how many minutes they served",
                    AS.CONFIRMED: "the receiver, confirming the minutes (they move in the ledger)",
                    AS.DISPUTED: "either side, after the agreed time", AS.CANCELLED: "either side, before the time"},
        AS.CLAIMED: {AS.CONFIRMED: "the receiver, confirming the claimed minutes (they move in the ledger)",
                     AS.DISPUTED: "the receiver, disagreeing with the claim"},
        AS.DISPUTED: {AS.CONFIRMED: "a coordinator, settling the minutes (they move in the ledger)",
                      AS.CANCELLED: "a coordinator, settling with no minutes moved"},
        AS.CONFIRMED: {}, AS.DECLINED: {}, AS.CANCELLED: {},
    }, stamp="status_changed_at", labels={
        "proposed": _l("Waiting for an answer"), "awaiting_approval": _l("Waiting for a coordinator"),
        "agreed": _l("Agreed"), "claimed": _l("Waiting for confirmation"), "confirmed": _l("Done"),
        "disputed": _l("With a coordinator"), "declined": _l("Declined"), "cancelled": _l("Called off")})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    post: Mapped[ExchangePost] = relationship()
    giver: Mapped[ExchangeMember] = relationship(foreign_keys=[giver_id])
    receiver: Mapped[ExchangeMember] = relationship(foreign_keys=[receiver_id])


class Endorsement(db.Model):
    """A few words one side of a confirmed agreement says about the other, shown on their public profile."""

    __tablename__ = "exchange_endorsement"
    __table_args__ = (UniqueConstraint("agreement_id", "author_id", name="uq_exchange_endorsement_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("exchange_agreement.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"))
    subject_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"), index=True)
    text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
