"""Public figures of member exchanges: exchanges done and hours traded by category and by district, with no
names; a count below REFERRALS_KEEP_PUBLIC_MIN shows as "<5" and its hours are hidden with it, so no single
exchange can be picked out."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from config import settings
from marketplace.exchanges.models import AgreementStatus, ExchangeAgreement, ExchangePost
from marketplace.platform.extensions import db


@dataclass(frozen=True)
class Row:
    key: str | int  # a category, or a district id
    exchanges: int | None  # None: fewer than the least shown
    minutes: int | None

    @property
    def hidden(self) -> bool:
        return self.exchanges is None


def _grouped(column) -> list[Row]:
    least = settings.REFERRALS_KEEP_PUBLIC_MIN
    rows = db.session.execute(
        select(column, func.count(ExchangeAgreement.id), func.coalesce(func.sum(ExchangeAgreement.minutes), 0))
        .join(ExchangePost, ExchangePost.id == ExchangeAgreement.post_id)
        .where(ExchangeAgreement.status == AgreementStatus.CONFIRMED.value).group_by(column).order_by(column))
    return [Row(key, int(n), int(m)) if n >= least else Row(key, None, None) for key, n, m in rows]


def by_category() -> list[Row]:
    """Exchanges done and minutes traded per category (small counts hidden)."""
    return _grouped(ExchangePost.category)


def by_district() -> list[Row]:
    """Exchanges done and minutes traded per district (small counts hidden)."""
    return _grouped(ExchangePost.district_id)


def totals() -> Row:
    """All exchanges done and minutes traded (hidden too while fewer than the least shown)."""
    n, m = db.session.execute(select(func.count(ExchangeAgreement.id), func.coalesce(func.sum(
        ExchangeAgreement.minutes), 0)).where(ExchangeAgreement.status == AgreementStatus.CONFIRMED.value)).one()
    return Row("all", int(n), int(m)) if n >= settings.REFERRALS_KEEP_PUBLIC_MIN else Row("all", None, None)


def as_json() -> dict:
    """The figures as plain data (the API's answer and the page's data)."""
    def plain(rows):
        return [{"key": r.key, "exchanges": r.exchanges, "minutes": r.minutes} for r in rows]
    total = totals()
    return {"least_shown": settings.REFERRALS_KEEP_PUBLIC_MIN, "exchanges": total.exchanges, "minutes": total.minutes,
            "by_category": plain(by_category()), "by_district": plain(by_district())}
