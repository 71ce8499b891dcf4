"""Donated meal quotas (福田 M餐): firms' stores and bases, their permits, daily quota agreements and pauses;
people's anonymous reservations redeemed with a one-time code; points earned and exchanged for ingredients.

Nothing here links a meal to a person that a firm or store can read: a reservation holds a keyed hash of
the person (`MealPerson.key`), which is cleared after `MEALS_ANONYMISE_DAYS`; stores and firms see counts.
"""
from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
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
from marketplace.platform.codes import readable_code
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime, one_of

CODE_LENGTH = 6


def new_short_code() -> str:
    """Return a short code to type at the counter."""
    return readable_code(CODE_LENGTH)


def new_token() -> str:
    """Return a secret for a QR code or a link (a bearer: whoever holds it holds the reservation)."""
    return secrets.token_urlsafe(24)


class StoreKind(enum.StrEnum):
    RESTAURANT = "restaurant"  # serves donated meals in serving windows
    BASE = "base"  # 爱心基地, 青年驿站: hands out food blind boxes from its stock


class StoreStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for platform staff to verify its permits
    OPEN = "open"
    PAUSED = "paused"  # a permit expired, or the firm or staff paused it
    CLOSED = "closed"


class PermitKind(enum.StrEnum):
    LICENCE = "licence"  # 营业执照
    HYGIENE = "hygiene"  # 食品经营许可证 / food-hygiene permit


class PermitStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Channel(enum.StrEnum):
    ONLINE = "online"  # reserved ahead, shown at the counter as a QR or short code
    WALK_IN = "walk_in"  # the store's poster scanned on the spot


class ReservationStatus(enum.StrEnum):
    RESERVED = "reserved"
    REDEEMED = "redeemed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class EligibilityStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Situation(enum.StrEnum):
    """Who M餐 serves: people looking for work with no income."""

    GRADUATE = "graduate"  # job-seeking graduate
    INTERN = "intern"
    BETWEEN_JOBS = "between_jobs"
    OTHER = "other"


class ExchangeStatus(enum.StrEnum):
    REQUESTED = "requested"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


S, P, R, E, X = StoreStatus, PermitStatus, ReservationStatus, EligibilityStatus, ExchangeStatus


class MealStore(db.Model):
    """A firm's restaurant (meals) or a base handing out blind boxes; its address and windows are public."""

    __tablename__ = "meal_store"
    __table_args__ = (CheckConstraint(one_of("kind", StoreKind), name="kind_known"),
                      CheckConstraint(one_of("status", StoreStatus), name="status_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=StoreKind.RESTAURANT.value)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(300))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    machine = Machine("meal_store", "A store or base donating meals (M餐).", start={
        S.PENDING: "a firm's staff registering it",
    }, moves={
        S.PENDING: {S.OPEN: "platform staff, its licence and hygiene permit verified and in date",
                    S.CLOSED: "the firm, or platform staff"},
        S.OPEN: {S.PAUSED: "the firm or platform staff; or the daily sweep, a permit having expired",
                 S.CLOSED: "the firm, or platform staff"},
        S.PAUSED: {S.OPEN: "the firm or platform staff, its permits verified and in date",
                   S.CLOSED: "the firm, or platform staff"},
        S.CLOSED: {},
    }, stamp="status_changed_at", labels={
        "pending": _l("Waiting for checks"), "open": _l("Open"), "paused": _l("Paused"), "closed": _l("Closed")})
    pause_reason: Mapped[str] = mapped_column(String(300), default="")
    poster_token: Mapped[str] = mapped_column(String(40), unique=True, default=new_token)  # walk-in poster QR
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()
    district: Mapped[District] = relationship()
    windows: Mapped[list[MealWindow]] = relationship(order_by="MealWindow.opens_at", cascade="all, delete-orphan")


class MealWindow(db.Model):
    """A serving window, every day, in the site's time zone (minutes after midnight)."""

    __tablename__ = "meal_window"
    __table_args__ = (CheckConstraint("opens_at >= 0 AND opens_at < closes_at AND closes_at <= 1440",
                                      name="window_in_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("meal_store.id"), index=True)
    opens_at: Mapped[int] = mapped_column(Integer)
    closes_at: Mapped[int] = mapped_column(Integer)


class MealPermit(db.Model):
    """A store's business licence or food-hygiene permit: a private file, its expiry and staff's check."""

    __tablename__ = "meal_permit"
    __table_args__ = (CheckConstraint(one_of("kind", PermitKind), name="kind_known"),
                      CheckConstraint(one_of("status", PermitStatus), name="status_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("meal_store.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(60), default="")
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    attachment_path: Mapped[str] = mapped_column(String(200), default="")  # private, under a generated name
    attachment_type: Mapped[str] = mapped_column(String(40), default="")
    status: Mapped[str] = mapped_column(String(16), index=True)
    machine = Machine("meal_permit", "A store's licence or hygiene permit, checked by platform staff.", start={
        P.SUBMITTED: "the firm's staff uploading it",
    }, moves={
        P.SUBMITTED: {P.VERIFIED: "platform staff, having read it", P.REJECTED: "platform staff, saying why"},
        P.VERIFIED: {}, P.REJECTED: {},
    }, stamp="status_changed_at", labels={
        "submitted": _l("Waiting for checks"), "verified": _l("Verified"), "rejected": _l("Not accepted")})
    reason: Mapped[str] = mapped_column(String(300), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reminded_on: Mapped[date | None] = mapped_column(Date)  # when the firm was told it expires soon
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    store: Mapped[MealStore] = relationship()


class MealQuota(db.Model):
    """A quota agreement: how many meals a store gives each day between two dates, what one holds and is worth."""

    __tablename__ = "meal_quota"
    __table_args__ = (CheckConstraint("meals_per_day > 0", name="meals_positive"),
                      CheckConstraint("value_fen >= 0", name="value_not_negative"),
                      CheckConstraint("starts_on <= ends_on", name="dates_in_order"))

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("meal_store.id"), index=True)
    meals_per_day: Mapped[int] = mapped_column(Integer)
    contents: Mapped[str] = mapped_column(String(300))  # what a meal holds, e.g. 一荤两素一汤
    value_fen: Mapped[int] = mapped_column(BigInteger)  # each meal's value, counted as donated when served
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    store: Mapped[MealStore] = relationship()


class MealPause(db.Model):
    """A day the firm will not serve at a store, chosen ahead of time."""

    __tablename__ = "meal_pause"
    __table_args__ = (UniqueConstraint("store_id", "day", name="uq_meal_pause_store_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("meal_store.id"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class MealDay(db.Model):
    """One store's meals on one day: the counter every reservation takes from under a guarded UPDATE.

    `taken` counts reserved and served meals (a cancelled one is given back); it never passes `offered`.
    """

    __tablename__ = "meal_day"
    __table_args__ = (UniqueConstraint("store_id", "day", name="uq_meal_day_store_day"),
                      CheckConstraint("taken >= 0 AND taken <= offered", name="taken_within_offered"),
                      CheckConstraint("served >= 0 AND served <= taken", name="served_within_taken"))

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("meal_store.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    quota_id: Mapped[int | None] = mapped_column(ForeignKey("meal_quota.id"))
    offered: Mapped[int] = mapped_column(Integer, default=0)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    served: Mapped[int] = mapped_column(Integer, default=0)
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)  # one meal's value that day

    store: Mapped[MealStore] = relationship()


class MealStockItem(db.Model):
    """Something a base hands out as a blind box, and how many are left."""

    __tablename__ = "meal_stock_item"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),
                      CheckConstraint("value_fen >= 0", name="value_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("meal_store.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    quantity: Mapped[int] = mapped_column(Integer, default=0)
    value_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    store: Mapped[MealStore] = relationship()


class MealPerson(db.Model):
    """Someone who takes meals, known only by a keyed hash (of a phone number, or of an account's id)."""

    __tablename__ = "meal_person"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)  # HMAC-SHA256, hex; never the number itself
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    meals_taken: Mapped[int] = mapped_column(Integer, default=0)  # reserved or served, ever (cancelled give back)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class MealPhoneCode(db.Model):
    """A code sent to a phone to confirm it; only hashes are kept."""

    __tablename__ = "meal_phone_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    phone_key: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class MealReservation(db.Model):
    """One meal (or blind box) held for someone at a store on a day, shown as a one-time QR and short code."""

    __tablename__ = "meal_reservation"
    __table_args__ = (
        CheckConstraint(one_of("channel", Channel), name="channel_known"),
        CheckConstraint(one_of("status", ReservationStatus), name="status_known"),
        UniqueConstraint("day", "code", name="uq_meal_reservation_day_code"),
        Index("ix_meal_reservation_person_day", "person_id", "day"),
        Index("ix_meal_reservation_code", "code"),  # the counter looks a typed code up across days
        CheckConstraint("(meal_day_id IS NULL) <> (stock_item_id IS NULL)", name="a_meal_or_a_box"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("meal_store.id"), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    meal_day_id: Mapped[int | None] = mapped_column(ForeignKey("meal_day.id"))  # a meal
    stock_item_id: Mapped[int | None] = mapped_column(ForeignKey("meal_stock_item.id"))  # a blind box
    channel: Mapped[str] = mapped_column(String(16), default=Channel.ONLINE.value)
    code: Mapped[str] = mapped_column(String(8), default=new_short_code)
    token: Mapped[str] = mapped_column(String(40), unique=True, default=new_token)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("meal_person.id"))  # cleared when anonymised
    status: Mapped[str] = mapped_column(String(16), index=True)
    machine = Machine("meal_reservation", "A meal or blind box held for someone (M餐).", start={
        R.RESERVED: "the person, reserving online or scanning a store's walk-in poster in a serving window",
    }, moves={
        R.RESERVED: {R.REDEEMED: "the store's staff, scanning or typing its code in its window",
                     R.CANCELLED: "the person, freeing the meal", R.EXPIRED: "the sweep, its day over"},
        R.REDEEMED: {}, R.CANCELLED: {}, R.EXPIRED: {},
    }, stamp="status_changed_at", labels={"reserved": _l("Reserved"), "redeemed": _l("Collected"),
                                          "cancelled": _l("Cancelled"), "expired": _l("Not collected")})
    is_thanked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    redeemed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    store: Mapped[MealStore] = relationship()
    stock_item: Mapped[MealStockItem | None] = relationship()


class MealEligibility(db.Model):
    """An account's own statement that it needs meals, checked by staff or a social worker (from the 4th meal)."""

    __tablename__ = "meal_eligibility"
    __table_args__ = (CheckConstraint(one_of("situation", Situation), name="situation_known"),
                      CheckConstraint(one_of("status", EligibilityStatus), name="status_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    situation: Mapped[str] = mapped_column(String(16))
    statement: Mapped[str] = mapped_column(Text, default="")
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    machine = Machine("meal_eligibility", "A person's statement that they need donated meals.", start={
        E.SUBMITTED: "the person, in their account",
    }, moves={
        E.SUBMITTED: {E.VERIFIED: "platform staff or a social worker", E.REJECTED: "the same, saying why"},
        E.VERIFIED: {E.REJECTED: "platform staff or a social worker, the situation having changed"},
        E.REJECTED: {},
    }, stamp="status_changed_at", labels={"submitted": _l("Waiting for checks"), "verified": _l("Verified"),
                                          "rejected": _l("Not accepted")})
    reason: Mapped[str] = mapped_column(String(300), default="")
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    valid_until: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    district: Mapped[District] = relationship()


class MealThanks(db.Model):
    """An anonymous thank-you to the firm after a meal: the words and the store, nothing of who wrote them."""

    __tablename__ = "meal_thanks"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("meal_store.id"))
    text: Mapped[str] = mapped_column(String(500))
    created_on: Mapped[date] = mapped_column(Date)  # the day only: a time could point at one meal

    store: Mapped[MealStore] = relationship()


class MealReward(db.Model):
    """Ingredients a partner organisation offers firms in exchange for points (rice, oil, vegetables…)."""

    __tablename__ = "meal_reward"
    __table_args__ = (CheckConstraint("points > 0", name="points_positive"),
                      CheckConstraint("stock >= 0", name="stock_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the partner
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(String(300), default="")
    points: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()


class MealExchange(db.Model):
    """A firm's points exchanged for a reward; delivered by the partner, or cancelled (points given back)."""

    __tablename__ = "meal_exchange"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),
                      CheckConstraint("points > 0", name="points_positive"),
                      CheckConstraint(one_of("status", ExchangeStatus), name="status_known"))

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(ForeignKey("meal_reward.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)  # the firm
    quantity: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), index=True)
    machine = Machine("meal_exchange", "A firm's points exchanged for ingredients.", start={
        X.REQUESTED: "the firm's staff, spending points",
    }, moves={
        X.REQUESTED: {X.DELIVERED: "the partner's staff, having handed it over",
                      X.CANCELLED: "the firm, or the partner (the points are given back)"},
        X.DELIVERED: {}, X.CANCELLED: {},
    }, stamp="status_changed_at", labels={"requested": _l("Requested"), "delivered": _l("Delivered"),
                                          "cancelled": _l("Cancelled")})
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    reward: Mapped[MealReward] = relationship()
    organisation: Mapped[Organisation] = relationship()


class MealPlaque(db.Model):
    """A "爱心企业" plaque certificate for a firm's meals in a year, with a code anyone can verify."""

    __tablename__ = "meal_plaque"
    __table_args__ = (UniqueConstraint("organisation_id", "year", name="uq_meal_plaque_firm_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    year: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    meals: Mapped[int] = mapped_column(Integer)
    value_fen: Mapped[int] = mapped_column(BigInteger)
    points: Mapped[int] = mapped_column(Integer)
    content_sha256: Mapped[str] = mapped_column(String(64))
    pdf_path: Mapped[str] = mapped_column(String(200), default="")  # rendered by the worker, after commit
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()
