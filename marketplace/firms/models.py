"""A firm's choices about its public standing: whether it appears on the leaderboard of firms."""
from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.platform.extensions import db


class FirmPreference(db.Model):
    __tablename__ = "firm_preference"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), primary_key=True,
                                                 autoincrement=False)
    is_on_leaderboard: Mapped[bool] = mapped_column(default=False)
    # whether the public meal figures (M餐) name the firm; off until chosen
    is_meals_public: Mapped[bool] = mapped_column(default=False)
