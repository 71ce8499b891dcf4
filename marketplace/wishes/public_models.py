"""What a listing tells donors beyond its own row: the costs a household need's money buys, and the
progress updates its organisation's staff post (public text and a re-encoded photo, newest first)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime
from marketplace.wishes.models import Listing


class CostItem(db.Model):
    """One line of what a household need's budget buys; a need's items add up to its budget."""

    __tablename__ = "listing_cost_item"
    __table_args__ = (CheckConstraint("amount_fen > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(120))
    amount_fen: Mapped[int] = mapped_column(BigInteger)

    listing: Mapped[Listing] = relationship()


class ListingUpdate(db.Model):
    """A progress update on a listing, posted by its organisation's staff and shown on its public page."""

    __tablename__ = "listing_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    listing_id: Mapped[int] = mapped_column(ForeignKey("listing.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)
    photo_path: Mapped[str] = mapped_column(String(200), default="")  # private original
    public_photo_path: Mapped[str] = mapped_column(String(200), default="")  # re-encoded, no metadata
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)

    listing: Mapped[Listing] = relationship()
    author: Mapped[User] = relationship()
