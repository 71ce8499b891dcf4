"""Donations (online through Stripe or the demo provider, or recorded offline by staff), the
payment provider's events seen (each once), and the gap-free receipt numbers per organisation
and year. Money itself moves only through the ledger."""
from __future__ import annotations

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import PublicDisplay, User
from marketplace.funds.models import Fund
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import BigId, UTCDateTime, one_of
from marketplace.wishes.models import Listing, Pledge, new_public_code


class Provider(enum.StrEnum):
    STRIPE = "stripe"
    DEMO = "demo"  # a clearly marked test checkout inside the site, through the same webhook code
    BANK = "bank"  # offline: a bank transfer recorded by staff
    CASH = "cash"  # offline: cash recorded by staff


class DonationStatus(enum.StrEnum):
    PENDING = "pending"  # created, waiting for the provider's confirmation
    AWAITING_SECOND = "awaiting_second"  # offline cash above the threshold, waiting for a second staff member
    COMPLETED = "completed"
    FAILED = "failed"
    REFUNDED = "refunded"  # in full; a partial refund keeps COMPLETED with refunded_fen > 0
    CANCELLED = "cancelled"


class ExcessChoice(enum.StrEnum):
    """What happens to the part of a gift a wish or need no longer needs (two checkouts at once)."""

    COMMUNITY = "community"  # it goes to the organisation's community fund
    REFUND = "refund"  # it goes back to the donor


class Donation(db.Model):
    __tablename__ = "donation"
    __table_args__ = (
        CheckConstraint(one_of("provider", Provider), name="provider_known"),
        CheckConstraint(one_of("status", DonationStatus), name="status_known"),
        CheckConstraint(one_of("display", PublicDisplay), name="display_known"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        CheckConstraint("refunded_fen >= 0 AND refunded_fen <= amount_fen", name="refund_within_amount"),
        CheckConstraint("fee_fen >= 0", name="fee_not_negative"),
        CheckConstraint("disputed_fen >= 0", name="disputed_not_negative"),
        CheckConstraint(one_of("excess_choice", ExcessChoice), name="excess_choice_known"),
        CheckConstraint("excess_fen >= 0 AND excess_fen <= amount_fen", name="excess_within_amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_code)
    fund_id: Mapped[int] = mapped_column(ForeignKey("fund.id"), index=True)
    listing_id: Mapped[int | None] = mapped_column(ForeignKey("listing.id"), index=True)  # a wish paid in money
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledge.id"), index=True)  # a pledge being paid
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # a firm giving
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    display: Mapped[str] = mapped_column(String(16), default=PublicDisplay.MASKED.value)
    message: Mapped[str] = mapped_column(String(300), default="")
    provider: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(20), default=DonationStatus.PENDING.value, index=True)
    machine = Machine("donation", "A gift of money (online, offline or a co-funding share).", start={
        DonationStatus.PENDING: "a donor starting a checkout; staff recording money received",
    }, moves={
        DonationStatus.PENDING: {
            DonationStatus.COMPLETED: "the provider confirming payment; staff recording money received",
            DonationStatus.AWAITING_SECOND: "staff recording money above the second-person amount",
            DonationStatus.FAILED: "the provider declining it, or a checkout that could not open",
            DonationStatus.CANCELLED: "the demo checkout, when the wish or need was funded meanwhile; the donor "
                                      "cancelling a checkout left unfinished"},
        DonationStatus.AWAITING_SECOND: {
            DonationStatus.COMPLETED: "a second staff member confirming it",
            DonationStatus.CANCELLED: "staff cancelling it"},
        DonationStatus.FAILED: {DonationStatus.PENDING: "the provider saying it was paid after all"},
        DonationStatus.CANCELLED: {DonationStatus.PENDING: "the provider saying it was paid after all"},
        DonationStatus.COMPLETED: {DonationStatus.REFUNDED: "a refund of the whole amount (provider or staff)"},
        DonationStatus.REFUNDED: {},
    }, labels={"pending": _l("Waiting for payment"), "awaiting_second": _l("Waiting for a second person"),
               "failed": _l("Payment failed"), "cancelled": _l("Cancelled"), "completed": _l("Received"),
               "refunded": _l("Refunded")})
    checkout_id: Mapped[str | None] = mapped_column(String(120), unique=True)  # Stripe Checkout Session id
    payment_intent_id: Mapped[str | None] = mapped_column(String(120), index=True)
    charge_id: Mapped[str | None] = mapped_column(String(120), index=True)
    fee_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    refunded_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    disputed_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # a wish or need filled before this gift completed: the part it no longer needed, and where it went
    excess_choice: Mapped[str] = mapped_column(String(16), default=ExcessChoice.COMMUNITY.value)
    excess_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    source: Mapped[str | None] = mapped_column(String(16))  # a co-funding share: government, charity, family…
    entry_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_entry.id"))
    hold_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("ledger_hold.id"))  # a disputed amount held
    # offline gifts: evidence (private) and who recorded and confirmed it
    evidence_path: Mapped[str] = mapped_column(String(200), default="")
    evidence_type: Mapped[str] = mapped_column(String(40), default="")
    reference: Mapped[str] = mapped_column(String(120), default="")  # bank reference or cash slip number
    payer_name: Mapped[str] = mapped_column(String(120), default="")  # an offline donor without an account
    received_on: Mapped[date | None] = mapped_column(Date)  # offline: the day the money arrived
    # offline, received in a closed period: booked by a finance user in the open period, received_on kept
    is_late_entry: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    receipt_no: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    fund: Mapped[Fund] = relationship()
    listing: Mapped[Listing | None] = relationship()
    pledge: Mapped[Pledge | None] = relationship()
    donor: Mapped[User | None] = relationship(foreign_keys=[donor_id])
    organisation: Mapped[Organisation | None] = relationship()


class PaymentEvent(db.Model):
    """A provider event, stored once by its id: the same event delivered again changes nothing."""

    __tablename__ = "payment_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    event_id: Mapped[str] = mapped_column(String(120), unique=True)
    type: Mapped[str] = mapped_column(String(80))
    provider: Mapped[str] = mapped_column(String(16))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donation.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(40), default="")
    payload: Mapped[str] = mapped_column(Text, default="")
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # an event we could not match or settle: listed for platform admins until one of them settles it
    needs_attention: Mapped[bool] = mapped_column(default=False, index=True)
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    settled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    settle_note: Mapped[str] = mapped_column(String(300), default="")

    donation: Mapped[Donation | None] = relationship(viewonly=True)  # named on the attention page


class CreditNote(db.Model):
    """A refund's credit note against a gift's receipt: numbered after the receipt (`R-…-C1`)."""

    __tablename__ = "credit_note"
    __table_args__ = (
        CheckConstraint("amount_fen > 0", name="amount_positive"),
        UniqueConstraint("donation_id", "sequence", name="uq_credit_note_sequence"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(48), unique=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donation.id"), index=True)
    sequence: Mapped[int] = mapped_column(Integer)
    receipt_no: Mapped[str] = mapped_column(String(40))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    donation: Mapped[Donation] = relationship()


class ReceiptCounter(db.Model):
    """The last receipt number given by an organisation in a year; taken under a row lock, so no gaps."""

    __tablename__ = "receipt_counter"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True,
                                                 autoincrement=False)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, default=0)
