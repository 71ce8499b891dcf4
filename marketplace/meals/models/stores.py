"""Firms' stores and bases: serving windows, permits, quota agreements, paused days, day counters, stock."""
from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.meals.models.kinds import P, PermitKind, PermitStatus, S, StoreKind, StoreStatus, new_token
from marketplace.orgs.models import District, Organisation
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime, one_of


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
