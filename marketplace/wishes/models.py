"""Beneficiary households and their listings (micro-wishes, household needs, service needs),
with the record of every status change, the claims on wishes and the pledges to needs.

Private fields of a household (name, phone, ID number, address, notes, the original photos)
live only here and are shown only to the staff of the responsible organisation and the
verifying social worker; public pages use the pseudonym, age band, district and category.
"""
from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User
from marketplace.orgs.models import District, Organisation
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.platform.types import UTCDateTime, one_of


def new_public_code() -> str:
    """Return a random, non-sequential public id for URLs and open data; never digits only (one code in
    about 280 would be), so that no code reads as a row's number."""
    while True:
        code = secrets.token_hex(6)
        if not code.isdigit():
            return code


class HouseholdCategory(enum.StrEnum):
    MINIMUM_LIVING = "minimum_living"  # 低保
    EXTREME_POVERTY = "extreme_poverty"  # 特困
    NEAR_POVERTY = "near_poverty"  # 低边
    EXPENDITURE_HARDSHIP = "expenditure_hardship"  # 支出型困难
    CHILD_IN_DIFFICULTY = "child_in_difficulty"  # 困境儿童
    ELDERLY_ALONE = "elderly_alone"  # 独居老人
    DISABILITY = "disability"  # 残疾


class AgeBand(enum.StrEnum):
    CHILD = "0-17"
    ADULT = "18-59"
    OLDER = "60-79"
    ELDERLY = "80+"


class ListingKind(enum.StrEnum):
    WISH = "wish"
    HOUSEHOLD_NEED = "household_need"
    SERVICE_NEED = "service_need"


class ListingStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    PUBLISHED = "published"
    CLAIMED = "claimed"
    FULFILLED = "fulfilled"
    CONFIRMED = "confirmed"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


PUBLIC_STATUSES = (ListingStatus.PUBLISHED, ListingStatus.CLAIMED, ListingStatus.FULFILLED,
                   ListingStatus.CONFIRMED, ListingStatus.CLOSED)


class FundingSource(enum.StrEnum):
    GOVERNMENT = "government"
    FIRM = "firm"
    CHARITY = "charity"
    FAMILY = "family"
    DONOR = "donor"


class ClaimMethod(enum.StrEnum):
    IN_KIND = "in_kind"
    MONEY = "money"


class ClaimStatus(enum.StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    EXPIRED = "expired"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"  # the listing was withdrawn under it


class PledgeStatus(enum.StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    PAID = "paid"
    CANCELLED = "cancelled"


class Beneficiary(db.Model):
    """A household registered by a social worker, with consent; public only by pseudonym."""

    __tablename__ = "beneficiary"
    __table_args__ = (
        CheckConstraint(one_of("category", HouseholdCategory), name="category_known"),
        CheckConstraint(one_of("age_band", AgeBand), name="age_band_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_code)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    category: Mapped[str] = mapped_column(String(32), index=True)
    age_band: Mapped[str] = mapped_column(String(8))
    pseudonym: Mapped[str] = mapped_column(String(40))
    # private: the organisation's staff and the verifying social worker only
    full_name: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(32), default="")
    id_number: Mapped[str] = mapped_column(String(32), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    consent_on: Mapped[date] = mapped_column(Date)
    consent_scope: Mapped[str] = mapped_column(String(300))
    registered_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reverify_due_on: Mapped[date | None] = mapped_column(Date, index=True)
    last_helped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    # verification has no column of its own: it is read from verified_at and reverify_due_on
    machine = Machine("household_verification", "A household's verification by a visit; it turns `overdue` by itself "
                      "when its yearly re-verification falls due.", start={
        "unverified": "staff registering the household with its consent",
    }, moves={
        "unverified": {"verified": "staff other than who registered it, after a visit"},
        "verified": {"verified": "staff other than who registered it, re-verifying before it falls due"},
        "overdue": {"verified": "staff other than who registered it, re-verifying after a visit"},
    }, column=None, state_of=lambda household: household.verification,
        labels={"unverified": _l("Not verified yet"), "verified": _l("Verified"),
                "overdue": _l("Re-verification overdue")})

    organisation: Mapped[Organisation] = relationship()
    district: Mapped[District] = relationship()
    registered_by: Mapped[User] = relationship(foreign_keys=[registered_by_id])
    verified_by: Mapped[User | None] = relationship(foreign_keys=[verified_by_id])

    @property
    def verification(self) -> str:
        """`unverified`, `verified`, or `overdue` once its re-verification falls due."""
        if self.verified_at is None:
            return "unverified"
        return "verified" if self.reverify_due_on is not None and self.reverify_due_on >= local_today() else "overdue"


class Listing(db.Model):
    """A micro-wish, household need or service need of one household, moved only by `lifecycle.move`."""

    __tablename__ = "listing"
    __table_args__ = (
        CheckConstraint(one_of("kind", ListingKind), name="kind_known"),
        CheckConstraint(one_of("status", ListingStatus), name="status_known"),
        CheckConstraint(one_of("category", HouseholdCategory), name="category_known"),
        CheckConstraint("value_fen >= 0", name="value_not_negative"),
        CheckConstraint("pledged_fen >= 0 AND pledged_fen <= value_fen", name="pledges_within_budget"),
        CheckConstraint("received_fen >= 0 AND received_fen <= pledged_fen", name="received_within_taken"),
        CheckConstraint("quantity BETWEEN 1 AND 1000", name="quantity_range"),
        Index("ix_listing_status_changed", "status", "status_changed_at"),
        Index("ix_listing_org_status", "organisation_id", "status"),
        # Chinese search: a trigram index serves LIKE '%…%' on PostgreSQL (SQLite scans)
        Index("ix_listing_search_trgm", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_code: Mapped[str] = mapped_column(String(16), unique=True, default=new_public_code)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)  # the household's
    category: Mapped[str] = mapped_column(String(32), index=True)  # the household's
    title: Mapped[str] = mapped_column(String(120))
    story: Mapped[str] = mapped_column(Text, default="")
    quantity: Mapped[int] = mapped_column(Integer, default=1)
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # a wish's estimated value, a need's budget
    # the part of the value or budget taken: active and paid pledges plus money received without a
    # pledge (offline gifts, co-funding shares, direct gifts); never more than value_fen
    pledged_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    received_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # money kept in its fund, net of refunds
    over_cap_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    over_cap_note: Mapped[str] = mapped_column(String(300), default="")
    photo_path: Mapped[str] = mapped_column(String(200), default="")  # private original
    public_photo_path: Mapped[str] = mapped_column(String(200), default="")  # re-encoded, no metadata
    search_text: Mapped[str] = mapped_column(Text, default="")  # lower-cased public words, for LIKE / trigram
    status: Mapped[str] = mapped_column(String(16), default=ListingStatus.DRAFT.value)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    machine = Machine("listing", "A micro-wish, household need or service need.", start={
        ListingStatus.DRAFT: "staff writing it with the household's consent",
    }, moves={
        ListingStatus.DRAFT: {
            ListingStatus.SUBMITTED: "staff (a need's co-funding plan adding up to its budget)",
            ListingStatus.WITHDRAWN: "staff"},
        ListingStatus.SUBMITTED: {
            ListingStatus.VERIFIED: "staff other than the author; the household verified, the budget within the cap",
            ListingStatus.DRAFT: "staff sending it back, with a note",
            ListingStatus.WITHDRAWN: "staff"},
        ListingStatus.VERIFIED: {
            ListingStatus.PUBLISHED: "staff of a verified organisation; the household verified",
            ListingStatus.WITHDRAWN: "staff"},
        ListingStatus.PUBLISHED: {
            ListingStatus.CLAIMED: "a donor claiming it (one wins); pledges or gifts covering the need; an activity",
            ListingStatus.EXPIRED: "the scheduler, when nobody took it in time",
            ListingStatus.WITHDRAWN: "staff, when it holds no money"},
        ListingStatus.CLAIMED: {
            ListingStatus.PUBLISHED: "its claim released or expired; a pledge withdrawn or money refunded",
            ListingStatus.FULFILLED: "staff confirming delivery",
            ListingStatus.WITHDRAWN: "staff, when it holds no money; a confirmed cancellation"},
        ListingStatus.FULFILLED: {ListingStatus.CONFIRMED: "staff, for the household"},
        ListingStatus.CONFIRMED: {ListingStatus.CLOSED: "staff"},
        ListingStatus.EXPIRED: {ListingStatus.PUBLISHED: "staff republishing it", ListingStatus.WITHDRAWN: "staff"},
        ListingStatus.CLOSED: {},
        ListingStatus.WITHDRAWN: {},
    }, labels={
        ListingStatus.DRAFT: _l("Draft"), ListingStatus.SUBMITTED: _l("Waiting for verification"),
        ListingStatus.VERIFIED: _l("Verified"), ListingStatus.PUBLISHED: _l("Looking for help"),
        ListingStatus.CLAIMED: _l("Claimed"), ListingStatus.FULFILLED: _l("Delivered"),
        ListingStatus.CONFIRMED: _l("Confirmed by the household"), ListingStatus.CLOSED: _l("Closed"),
        ListingStatus.WITHDRAWN: _l("Withdrawn"), ListingStatus.EXPIRED: _l("Expired"),
    }, refused=_l("This listing cannot go from “%(old)s” to “%(new)s”."), stamp="status_changed_at",
        record=lambda *move: _listing_event(*move))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claim_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # of the active claim
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    delivery_note: Mapped[str] = mapped_column(String(300), default="")
    delivery_photo_path: Mapped[str] = mapped_column(String(200), default="")  # private
    thanks_note: Mapped[str] = mapped_column(Text, default="")
    thanks_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()
    beneficiary: Mapped[Beneficiary] = relationship()
    district: Mapped[District] = relationship()
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    funding_lines: Mapped[list[FundingLine]] = relationship(
        back_populates="listing", cascade="all, delete-orphan", order_by="FundingLine.id")

    @property
    def status_enum(self) -> ListingStatus:
        return ListingStatus(self.status)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def left_fen(self) -> int:
        """What is still needed: the value or budget less what is pledged or received."""
        return max(0, self.value_fen - self.pledged_fen)

    @property
    def is_funded(self) -> bool:
        """A wish paid or a need whose budget is all pledged or received: it takes no more money."""
        return self.kind != ListingKind.SERVICE_NEED and self.value_fen > 0 and self.pledged_fen >= self.value_fen


class FundingLine(db.Model):
    """One source in a household need's co-funding plan: who is expected to give how much."""

    __tablename__ = "funding_line"
    __table_args__ = (
        CheckConstraint(one_of("source", FundingSource), name="source_known"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str] = mapped_column(String(200), default="")

    listing: Mapped[Listing] = relationship(back_populates="funding_lines")


class ListingEvent(db.Model):
    """One change of a listing's status: who, when, from, to, and why. Appended, never edited."""

    __tablename__ = "listing_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # None: the scheduler
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    actor: Mapped[User | None] = relationship()


def _listing_event(machine, listing_id, old, new, actor_id, why, at) -> ListingEvent:
    """A listing's moves are recorded in its own history, `listing_event`, which its pages show."""
    event = ListingEvent(listing_id=listing_id, actor_id=actor_id, from_status=old, to_status=new,
                         note=why or "", created_at=at)
    db.session.add(event)
    return event


class WishClaim(db.Model):
    """A donor's (or a firm member's) promise to fulfil a wish by a deadline; one active per wish."""

    __tablename__ = "wish_claim"
    __table_args__ = (
        CheckConstraint(one_of("method", ClaimMethod), name="method_known"),
        CheckConstraint(one_of("status", ClaimStatus), name="status_known"),
        Index("uq_wish_claim_active", "listing_id", unique=True,
              postgresql_where=text("status = 'active'"), sqlite_where=text("status = 'active'")),
        Index("ix_wish_claim_status_deadline", "status", "deadline_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    claimant_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))  # the firm, if any
    method: Mapped[str] = mapped_column(String(16), default=ClaimMethod.IN_KIND.value)
    status: Mapped[str] = mapped_column(String(16), default=ClaimStatus.ACTIVE.value)
    machine = Machine("wish_claim", "A donor's promise to fulfil a wish by a deadline.", start={
        ClaimStatus.ACTIVE: "a donor or firm member claiming a published wish (one wins)",
    }, moves={
        ClaimStatus.ACTIVE: {ClaimStatus.RELEASED: "the claimant or the listing's staff",
                     ClaimStatus.EXPIRED: "the scheduler, at its deadline",
                     ClaimStatus.FULFILLED: "staff confirming delivery",
                     ClaimStatus.CANCELLED: "the listing being withdrawn or cancelled under it"},
        ClaimStatus.RELEASED: {},
        ClaimStatus.EXPIRED: {},
        ClaimStatus.FULFILLED: {},
        ClaimStatus.CANCELLED: {},
    }, labels={"active": _l("Claimed, being fulfilled"), "released": _l("The claim was released"),
               "expired": _l("The claim ran out of time"), "fulfilled": _l("Delivered"), "cancelled": _l("Cancelled")})
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing: Mapped[Listing] = relationship()
    claimant: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Pledge(db.Model):
    """A promise of part of a household need's budget; paid later through donations."""

    __tablename__ = "pledge"
    __table_args__ = (
        CheckConstraint(one_of("source", FundingSource), name="source_known"),
        CheckConstraint(one_of("status", PledgeStatus), name="status_known"),
        CheckConstraint("amount_fen > 0", name="amount_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    pledger_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    source: Mapped[str] = mapped_column(String(16))
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), default=PledgeStatus.ACTIVE.value)
    machine = Machine("pledge", "A promise to pay part of a household need's budget.", start={
        PledgeStatus.ACTIVE: "a donor or firm pledging within the budget",
    }, moves={
        PledgeStatus.ACTIVE: {PledgeStatus.WITHDRAWN: "the pledger, before the work is done",
                     PledgeStatus.PAID: "its gift completing",
                     PledgeStatus.CANCELLED: "the need being withdrawn or cancelled"},
        PledgeStatus.PAID: {PledgeStatus.CANCELLED: "its gift refunded in full"},
        PledgeStatus.WITHDRAWN: {},
        PledgeStatus.CANCELLED: {},
    }, labels={"active": _l("Promised"), "paid": _l("Paid"), "withdrawn": _l("Withdrawn"),
               "cancelled": _l("Cancelled")})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing: Mapped[Listing] = relationship()
    pledger: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class CancellationAction(enum.StrEnum):
    REFUND = "refund"  # every gift goes back to its donor
    REALLOCATE = "reallocate"  # the money moves to the organisation's community fund


class CancellationStatus(enum.StrEnum):
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    REJECTED = "rejected"


class Cancellation(db.Model):
    """A staff cancellation of a wish or need that holds money: one proposes, another confirms."""

    __tablename__ = "listing_cancellation"
    __table_args__ = (
        CheckConstraint(one_of("action", CancellationAction), name="action_known"),
        CheckConstraint(one_of("status", CancellationStatus), name="status_known"),
        Index("uq_listing_cancellation_open", "listing_id", unique=True,
              postgresql_where=text("status = 'proposed'"), sqlite_where=text("status = 'proposed'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default=CancellationStatus.PROPOSED.value)
    machine = Machine("cancellation", "A staff cancellation of a wish or need that holds money.", start={
        CancellationStatus.PROPOSED: "finance staff proposing it",
    }, moves={
        CancellationStatus.PROPOSED: {
            CancellationStatus.CONFIRMED: "another finance staff member (money refunded or moved)",
                       CancellationStatus.REJECTED: "finance staff"},
        CancellationStatus.CONFIRMED: {},
        CancellationStatus.REJECTED: {},
    }, labels={"proposed": _l("Proposed, waiting for a second person"), "confirmed": _l("Confirmed"),
               "rejected": _l("Rejected")})
    amount_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # refunded or moved, once confirmed
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    listing: Mapped[Listing] = relationship()
    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
