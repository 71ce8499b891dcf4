"""Firms' points spent on partners' rewards, and their "爱心企业" plaques."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.meals.models.kinds import ExchangeStatus, X
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime, one_of


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
