"""Precomputed sums of the funds' ledger lines, so a fund's totals and chart never add up all its lines."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.platform.extensions import db
from marketplace.platform.types import UTCDateTime


class FundMonth(db.Model):
    """What one fund account's lines of one entry kind add up to in one month (effective date), folded so far."""

    __tablename__ = "transparency_fund_month"

    account_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # YYYY-MM
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)  # the entry's kind
    fund_id: Mapped[int] = mapped_column(BigInteger, index=True)
    amount: Mapped[int] = mapped_column(BigInteger, default=0)
    lines: Mapped[int] = mapped_column(Integer, default=0)


class FundMonthMark(db.Model):
    """The one row saying up to which posting id the funds' lines are folded into `FundMonth`."""

    __tablename__ = "transparency_fund_month_mark"

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    posting_id: Mapped[int] = mapped_column(BigInteger, default=0)
    folded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
