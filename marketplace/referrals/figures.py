"""The referral domain's figures for a period and a district: visits, households visited, referrals received
and closed, the share closed on time, satisfaction, charity cash (paid disbursements for referrals, read from
the funds' Disbursement rows, never the ledger's tables) and in-kind value. Staff read them for the
households their board shows; the public reads them by district only, small counts hidden."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, true

from config import settings
from marketplace.auth.models import User
from marketplace.funds.models import Disbursement, DisbursementStatus
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_today
from marketplace.referrals.lights import require_board, scope
from marketplace.referrals.models import ActionKind, HouseholdCare, Referral, ReferralAction, ReferralStatus, Visit

LONGEST_PERIOD_DAYS = 3660  # ten years: a longer period is refused as a typing mistake


@dataclass
class Figures:
    visits: int = 0
    households_visited: int = 0
    referrals_received: int = 0
    referrals_closed: int = 0
    closed_on_time: int = 0
    satisfaction_total: int = 0  # the sum of the 1–5 marks given, and how many
    satisfaction_count: int = 0
    cash_fen: int = 0
    in_kind_fen: int = 0
    cash_referrals: int = 0  # referrals the cash and goods went to (public pages hide sums over few)
    in_kind_referrals: int = 0

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.closed_on_time / self.referrals_closed) if self.referrals_closed else None

    @property
    def satisfaction(self) -> float | None:
        return round(self.satisfaction_total / self.satisfaction_count, 1) if self.satisfaction_count else None

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def default_period(today: date | None = None) -> tuple[date, date]:
    """The period a dashboard opens on: the last 30 days, today included."""
    today = today or local_today()
    return today - timedelta(days=29), today


def by_district(start: date, end: date, where=None) -> dict[int, Figures]:
    """Return {district id: Figures} for the days start..end (both included, the site's days), over the
    households `where` (SQL on HouseholdCare) selects; districts with nothing are absent."""
    where = true() if where is None else where
    since, until = day_start(start), day_start(end, 1)
    result: dict[int, Figures] = {}

    def put(rows, *names):
        for district_id, *values in rows:
            figures = result.setdefault(district_id, Figures())
            for name, value in zip(names, values, strict=True):
                setattr(figures, name, int(value or 0))

    care = HouseholdCare
    put(db.session.execute(
        select(care.district_id, func.count(Visit.id), func.count(Visit.beneficiary_id.distinct()))
        .join(care, care.beneficiary_id == Visit.beneficiary_id)
        .where(Visit.visited_on >= start, Visit.visited_on <= end, where).group_by(care.district_id)),
        "visits", "households_visited")
    referrals = select(Referral.district_id).join(care, care.beneficiary_id == Referral.beneficiary_id).where(where)
    put(db.session.execute(referrals.add_columns(func.count()).where(
        Referral.created_at >= since, Referral.created_at < until).group_by(Referral.district_id)),
        "referrals_received")
    put(db.session.execute(referrals.add_columns(
        func.count(), func.count().filter(Referral.closed_on_time.is_(True)), func.sum(Referral.satisfaction),
        func.count(Referral.satisfaction)).where(
        Referral.status == ReferralStatus.CLOSED.value, Referral.closed_at >= since, Referral.closed_at < until)
        .group_by(Referral.district_id)),
        "referrals_closed", "closed_on_time", "satisfaction_total", "satisfaction_count")
    put(db.session.execute(referrals.add_columns(func.sum(Disbursement.amount_fen), func.count(Referral.id.distinct()))
                           .join(Disbursement, Disbursement.referral_id == Referral.id).where(
        Disbursement.status == DisbursementStatus.PAID.value, Disbursement.decided_at >= since,
        Disbursement.decided_at < until).group_by(Referral.district_id)),
        "cash_fen", "cash_referrals")
    put(db.session.execute(referrals.add_columns(func.sum(ReferralAction.value_fen),
                                                 func.count(Referral.id.distinct()))
                           .join(ReferralAction, ReferralAction.referral_id == Referral.id).where(
        ReferralAction.kind == ActionKind.IN_KIND.value, ReferralAction.created_at >= since,
        ReferralAction.created_at < until).group_by(Referral.district_id)),
        "in_kind_fen", "in_kind_referrals")
    return result


def dashboard(user: User, start: date, end: date, district_id: int | None = None) -> tuple[Figures, dict]:
    """Return (totals, {district id: Figures}) over the households the user's board shows.

    :raise Forbidden: the user reads no board.
    """
    require_board(user)
    where = scope(user)
    if district_id:
        where = where & (HouseholdCare.district_id == district_id)
    per = by_district(start, end, where)
    total = Figures()
    for figures in per.values():
        total.add(figures)
    return total, per


@dataclass(frozen=True)
class Shown:
    """A figure as a public page shows it: the value, or hidden (fewer than the public minimum)."""

    value: object
    hidden: bool = False


def public(start: date, end: date) -> dict[int, dict[str, Shown]]:
    """Return {district id: {figure: Shown}} for the public page: counts from 1 to REFERRALS_KEEP_PUBLIC_MIN - 1
    are hidden, and so are sums and averages read from fewer referrals or marks than that."""
    least = settings.REFERRALS_KEEP_PUBLIC_MIN

    def count(n: int) -> Shown:
        return Shown(None, True) if 0 < n < least else Shown(n)

    def over(value, n: int) -> Shown:
        return Shown(None, True) if 0 < n < least else Shown(value if n else None)

    shown = {}
    for district_id, f in by_district(start, end).items():
        shown[district_id] = {
            "visits": count(f.visits), "households_visited": count(f.households_visited),
            "referrals_received": count(f.referrals_received), "referrals_closed": count(f.referrals_closed),
            "on_time_percent": over(f.on_time_percent, f.referrals_closed),
            "satisfaction": over(f.satisfaction, f.satisfaction_count),
            "cash_fen": over(f.cash_fen, f.cash_referrals), "in_kind_fen": over(f.in_kind_fen, f.in_kind_referrals)}
    return shown


def check_period(start: date | None, end: date | None) -> dict[str, list]:
    """Return the errors of a period typed on a page ({} when it reads)."""
    errors: dict[str, list] = {}
    if start is None:
        errors["start"] = [_l("Enter a day, like 2026-03-01.")]
    if end is None:
        errors["end"] = [_l("Enter a day, like 2026-03-31.")]
    if not errors and end < start:
        errors["end"] = [_l("The last day must not come before the first.")]
    elif not errors and (end - start).days > LONGEST_PERIOD_DAYS:
        errors["end"] = [_l("Choose a period of at most ten years.")]
    return errors
