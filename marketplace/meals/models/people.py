"""People who take meals (known by a keyed hash), their codes, reservations, statements of need, thanks."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
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
from marketplace.meals.models.kinds import (
    Channel,
    E,
    EligibilityStatus,
    R,
    ReservationStatus,
    Situation,
    new_short_code,
    new_token,
)
from marketplace.meals.models.stores import MealStockItem, MealStore
from marketplace.orgs.models import District
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime, one_of


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
