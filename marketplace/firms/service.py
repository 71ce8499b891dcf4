"""Firms' standing: money given on their behalf, hours their members volunteered, the points both
earn ("爱心企业" badge levels), and the opt-in leaderboard of firms by points this month or year.

Points are `FIRMS_POINTS_PER_YUAN` for each yuan given (completed gifts less refunds) plus
`FIRMS_POINTS_PER_HOUR` for each hour of approved service a member saved while in the firm
(hours given or received as gifts do not count), plus the meal points the firm earned serving donated meals
(M餐, `MEALS_POINTS_PER_MEAL` a meal; spending them on ingredients does not lower its standing). All of them,
and the badge thresholds, are settings.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from config import settings
from marketplace.auth.models import User
from marketplace.firms.models import FirmPreference
from marketplace.ledger import queries as ledger_queries
from marketplace.meals.points import points_earned as meal_points_earned
from marketplace.orgs.models import Membership, Organisation, OrgKind
from marketplace.orgs.policy import require
from marketplace.payments.models import Donation, DonationStatus
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_today
from marketplace.timebank.hours.served import is_service

BADGES = ("gold", "silver", "bronze")  # highest first
PERIODS = ("month", "year")
GIVEN = (DonationStatus.COMPLETED.value, DonationStatus.REFUNDED.value)


@dataclass(frozen=True)
class Standing:
    given_fen: int
    minutes: int
    points: int
    badge: str | None
    next_badge: str | None
    points_to_next: int | None
    meal_points: int = 0  # earned serving donated meals, counted in `points`


def badge_points(level: str) -> int:
    """Return the points a badge level needs."""
    return {"gold": settings.FIRMS_BADGE_GOLD_POINTS, "silver": settings.FIRMS_BADGE_SILVER_POINTS,
            "bronze": settings.FIRMS_BADGE_BRONZE_POINTS}[level]


def firms_of(user: User | None) -> list[Organisation]:
    """Return the firms the user belongs to (any role): those a donation may be made on behalf of."""
    if user is None:
        return []
    return sorted((m.organisation for m in user.memberships if m.organisation.kind == OrgKind.FIRM),
                  key=lambda org: org.id)


def get_firm(actor: User | None, org_id) -> Organisation:
    """Return a firm its member may look at; anyone else (and any other kind of organisation): NotFound."""
    firm = db.session.get(Organisation, org_id)
    if firm is None or firm.kind != OrgKind.FIRM:
        raise NotFound()
    require(actor, "org.view_members", firm)
    return firm


def period_start(period: str | None, today: date | None = None) -> date | None:
    """Return the first day of this month or year (site time), or None for all time."""
    today = today or local_today()
    if period == "month":
        return today.replace(day=1)
    if period == "year":
        return today.replace(month=1, day=1)
    return None


def points(given_fen: int, minutes: int, meal_points: int = 0) -> int:
    """Return the points for money given (fen) and minutes of service, rounded down, plus meal points."""
    return ((given_fen * settings.FIRMS_POINTS_PER_YUAN // 100) + (minutes * settings.FIRMS_POINTS_PER_HOUR // 60)
            + meal_points)


def badge(total_points: int) -> str | None:
    """Return the badge level the points earn: gold, silver, bronze, or None."""
    for level in BADGES:
        if total_points >= badge_points(level):
            return level
    return None


def standing(firm: Organisation, period: str | None = None, today: date | None = None) -> Standing:
    """Return the firm's money given, hours, points and badge (all time, or this month or year)."""
    since = period_start(period, today)
    given = given_by([firm.id], since).get(firm.id, 0)
    minutes = minutes_served([firm.id], since).get(firm.id, 0)
    meals = meal_points_earned([firm.id], since).get(firm.id, 0)
    total = points(given, minutes, meals)
    level = badge(total)
    higher = [b for b in reversed(BADGES) if badge_points(b) > total]
    next_level = higher[0] if higher else None
    to_next = badge_points(next_level) - total if next_level else None
    return Standing(given, minutes, total, level, next_level, to_next, meals)


def given_by(firm_ids: list[int], since: date | None = None) -> dict[int, int]:
    """Return fen given on each firm's behalf: completed gifts less what was refunded."""
    if not firm_ids:
        return {}
    stmt = (select(Donation.organisation_id, func.coalesce(func.sum(Donation.amount_fen - Donation.refunded_fen), 0))
            .where(Donation.organisation_id.in_(firm_ids), Donation.status.in_(GIVEN))
            .group_by(Donation.organisation_id))
    if since is not None:
        stmt = stmt.where(Donation.completed_at >= day_start(since))
    return {org_id: int(total) for org_id, total in db.session.execute(stmt)}


def minutes_served(firm_ids: list[int], since: date | None = None) -> dict[int, int]:
    """Return minutes each firm's members served for others while members (less reversals; care they paid
    for is not service)."""
    if not firm_ids:
        return {}
    line = ledger_queries.lines()
    stmt = (select(Membership.organisation_id, func.coalesce(func.sum(line.c.amount), 0)).select_from(line)
            .join(Membership, and_(Membership.user_id == line.c.owner_id, Membership.organisation_id.in_(firm_ids)))
            .where(line.c.owner_type == "user", line.c.purpose == "volunteer_savings", is_service(line),
                   line.c.created_at >= Membership.created_at)
            .group_by(Membership.organisation_id))
    if since is not None:
        stmt = stmt.where(line.c.effective_date >= since)
    return {org_id: max(int(total), 0) for org_id, total in db.session.execute(stmt)}


def _choose(actor: User, firm: Organisation, column: str, on: bool) -> FirmPreference:
    """Set one of the firm's public choices (its admins; each is off until chosen)."""
    if firm.kind != OrgKind.FIRM:
        raise NotFound()
    require(actor, "org.edit", firm)
    preference = db.session.get(FirmPreference, firm.id) or FirmPreference(organisation_id=firm.id)
    setattr(preference, column, bool(on))
    db.session.add(preference)
    db.session.commit()
    return preference


def set_leaderboard(actor: User, firm: Organisation, on: bool) -> FirmPreference:
    """Choose whether the firm appears on the public leaderboard."""
    return _choose(actor, firm, "is_on_leaderboard", on)


def set_meals_public(actor: User, firm: Organisation, on: bool) -> FirmPreference:
    """Choose whether the public meal figures (M餐) name the firm."""
    return _choose(actor, firm, "is_meals_public", on)


def is_meals_public(firm: Organisation) -> bool:
    preference = db.session.get(FirmPreference, firm.id)
    return bool(preference and preference.is_meals_public)


def is_on_leaderboard(firm: Organisation) -> bool:
    preference = db.session.get(FirmPreference, firm.id)
    return bool(preference and preference.is_on_leaderboard)


def leaderboard(period: str = "month", limit: int = 50,
                today: date | None = None) -> list[tuple[Organisation, int, str | None]]:
    """Return (firm, points this period, badge) for verified firms that chose to appear, most points first.

    The badge is the firm's all-time level; firms with no points in the period are left out.
    """
    since = period_start(period if period in PERIODS else "month", today)
    firms = db.session.scalars(
        select(Organisation).join(FirmPreference, FirmPreference.organisation_id == Organisation.id)
        .where(FirmPreference.is_on_leaderboard.is_(True), Organisation.kind == OrgKind.FIRM.value,
               Organisation.is_verified.is_(True))).all()
    ids = [firm.id for firm in firms]
    given, served, meals = given_by(ids, since), minutes_served(ids, since), meal_points_earned(ids, since)
    given_ever, served_ever, meals_ever = given_by(ids), minutes_served(ids), meal_points_earned(ids)
    rows = [(firm, points(given.get(firm.id, 0), served.get(firm.id, 0), meals.get(firm.id, 0)),
             badge(points(given_ever.get(firm.id, 0), served_ever.get(firm.id, 0), meals_ever.get(firm.id, 0))))
            for firm in firms]
    rows = [row for row in rows if row[1] > 0]
    rows.sort(key=lambda row: (-row[1], row[0].id))
    return rows[:limit]


def leaderboard_place(firm: Organisation, period: str = "month") -> int | None:
    """Return the firm's place on the public leaderboard this period (1 is first), or None when it is not on it."""
    for place, (row_firm, _points, _badge) in enumerate(leaderboard(period), start=1):
        if row_firm.id == firm.id:
            return place
    return None
