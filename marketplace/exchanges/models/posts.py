"""Members of a time bank's exchange, and what they offer and request."""
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
from marketplace.exchanges.models.kinds import PS, Category, Place, PostKind, PostStatus
from marketplace.orgs.models import District, Organisation
from marketplace.platform.codes import readable_code
from marketplace.platform.extensions import db
from marketplace.platform.states import Machine
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime, one_of


def new_post_code() -> str:
    return readable_code(8)


class ExchangeMember(db.Model):
    """A user who joined an organisation's exchange: what the exchange needs to know of them.

    `birth_year` decides whether they may offer home visits (not under 18). `exchanges_approved` counts
    their exchanges a coordinator approved or that needed no approval; while it is below the setting
    EXCHANGE_APPROVALS_FOR_NEW_MEMBERS, their exchanges wait for a coordinator. Matching requests are
    sent to them at most once a day, and only when they opt in (`match_digest`).
    """

    __tablename__ = "exchange_member"
    __table_args__ = (
        UniqueConstraint("organisation_id", "user_id", name="uq_exchange_member_org_user"),
        CheckConstraint("birth_year BETWEEN 1900 AND 2100", name="birth_year_plausible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    birth_year: Mapped[int] = mapped_column(Integer)
    district_id: Mapped[int | None] = mapped_column(ForeignKey("district.id"))
    about: Mapped[str] = mapped_column(String(300), default="")  # shown on the public profile
    exchanges_approved: Mapped[int] = mapped_column(Integer, default=0)
    match_digest: Mapped[bool] = mapped_column(Boolean, default=False)  # opted in to the daily digest
    match_categories: Mapped[str] = mapped_column(String(200), default="")  # comma-separated Category values
    last_digest_on: Mapped[date | None] = mapped_column(Date)
    joined_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))  # a coordinator, for them
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    organisation: Mapped[Organisation] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    district: Mapped[District | None] = relationship()


class ExchangePost(db.Model):
    """An offer or a request, active until withdrawn, hidden or past its end date."""

    __tablename__ = "exchange_post"
    __table_args__ = (
        CheckConstraint(one_of("kind", PostKind), name="kind_known"),
        CheckConstraint(one_of("category", Category), name="category_known"),
        CheckConstraint(one_of("place", Place), name="place_known"),
        CheckConstraint(one_of("status", PostStatus), name="status_known"),
        CheckConstraint("minutes BETWEEN 15 AND 600", name="minutes_plausible"),
        Index("ix_exchange_post_search", "organisation_id", "status", "kind", "category", "district_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True, default=new_post_code)  # in addresses
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("exchange_member.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))  # the member, or a coordinator
    kind: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(24))
    district_id: Mapped[int] = mapped_column(ForeignKey("district.id"))
    place: Mapped[str] = mapped_column(String(8))
    when_text: Mapped[str] = mapped_column(String(120), default="")  # "weekends", "Tuesday morning"
    minutes: Mapped[int] = mapped_column(Integer)  # estimated
    photo_path: Mapped[str] = mapped_column(String(200), default="")  # re-encoded, no metadata
    active_until: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), index=True)
    machine = Machine("exchange_post", "A member's offer or request of a service (exchanges).", start={
        PS.ACTIVE: "the member, or a coordinator for them",
    }, moves={
        PS.ACTIVE: {PS.WITHDRAWN: "the member, or a coordinator for them", PS.EXPIRED: "the sweep, its end date past",
                    PS.HIDDEN: "a coordinator, after a report"},
        PS.WITHDRAWN: {}, PS.EXPIRED: {}, PS.HIDDEN: {PS.ACTIVE: "a coordinator, the report unfounded"},
    }, stamp="status_changed_at", labels={"active": _l("Open"), "withdrawn": _l("Withdrawn"),
                                          "expired": _l("Ended"), "hidden": _l("Taken down")})
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    member: Mapped[ExchangeMember] = relationship()
    district: Mapped[District] = relationship()
