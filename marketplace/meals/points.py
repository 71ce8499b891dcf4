"""A firm's meals served and points earned and spent (M餐), all kept in the ledger.

A served meal (or blind box) is one entry caused by its reservation: one meal moves from the firm's
`meals_donated` to the platform's `meals_served`, and points are issued from the platform's `points_issued` to the
firm's `meal_points`. Totals are read back through the ledger's own questions, never its tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_, select

from config import settings
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.meals.models import MealDay, MealReservation, MealStockItem, MealStore, ReservationStatus
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db

FIRM = "organisation"
MEAL_KIND, EXCHANGE_KIND = "meal.served", "points.exchange"


@dataclass(frozen=True)
class Points:
    earned: int
    spent: int
    available: int


@dataclass(frozen=True)
class Meals:
    served: int
    value_fen: int


def firm_account(firm_id: int, purpose: str) -> ledger.Account:
    """Return the firm's account for `purpose` (meals_donated or meal_points), opening it if needed."""
    return ledger.open_account(FIRM, firm_id, purpose)


def points_for(reservation: MealReservation) -> int:
    """Return the points a served reservation earns: a blind box or a meal."""
    return settings.MEALS_POINTS_PER_BOX if reservation.stock_item_id else settings.MEALS_POINTS_PER_MEAL


def post_meal(reservation: MealReservation) -> ledger.Entry:
    """Post the served meal and the firm's points, once per reservation (flushed, not committed)."""
    firm_id = reservation.store.organisation_id
    earned = points_for(reservation)
    lines = [(firm_account(firm_id, "meals_donated"), -1), (ledger.platform_account("meals_served"), 1),
             (ledger.platform_account("points_issued"), -earned), (firm_account(firm_id, "meal_points"), earned)]
    return ledger.post(lines, cause=Cause(CauseKind.MEAL, reservation.id), kind=MEAL_KIND)


def _by_firm(purpose: str, kind: str, firm_ids: list[int], since: date | None, until: date | None,
             sign: int) -> dict[int, int]:
    """Sum the firms' postings to `purpose` in entries of `kind` and their reversals, by firm."""
    if not firm_ids:
        return {}
    line = ledger_queries.lines("meal_line")
    stmt = (select(line.c.owner_id, func.coalesce(func.sum(line.c.amount), 0))
            .where(line.c.owner_type == FIRM, line.c.purpose == purpose, line.c.owner_id.in_(firm_ids),
                   or_(line.c.kind == kind, line.c.original_kind == kind))
            .group_by(line.c.owner_id))
    if since is not None:
        stmt = stmt.where(line.c.effective_date >= since)
    if until is not None:
        stmt = stmt.where(line.c.effective_date <= until)
    return {int(owner): sign * int(total) for owner, total in db.session.execute(stmt)}


def points_earned(firm_ids: list[int], since: date | None = None, until: date | None = None) -> dict[int, int]:
    """Return the points each firm earned by serving meals (less corrections), between two days."""
    return _by_firm("meal_points", MEAL_KIND, firm_ids, since, until, 1)


def meals_served(firm_ids: list[int], since: date | None = None, until: date | None = None) -> dict[int, int]:
    """Return how many meals and blind boxes each firm served (less corrections), between two days."""
    return _by_firm("meals_donated", MEAL_KIND, firm_ids, since, until, -1)


def points_of(firm: Organisation) -> Points:
    """Return the firm's points: earned by meals, spent on ingredients (less given back), available."""
    earned = points_earned([firm.id]).get(firm.id, 0)
    account_id = ledger_queries.account_ids(FIRM, "meal_points", [firm.id]).get(firm.id)
    available = ledger.balance(account_id).available if account_id else 0
    return Points(earned, earned - available, available)


def meals_of(firm: Organisation, since: date | None = None, until: date | None = None) -> Meals:
    """Return the meals the firm served between two days and their value (each day's or box's own)."""
    value = func.coalesce(MealDay.value_fen, MealStockItem.value_fen, 0)
    stmt = (select(func.coalesce(func.sum(value), 0)).select_from(MealReservation)
            .join(MealStore, MealStore.id == MealReservation.store_id)
            .outerjoin(MealDay, MealDay.id == MealReservation.meal_day_id)
            .outerjoin(MealStockItem, MealStockItem.id == MealReservation.stock_item_id)
            .where(MealStore.organisation_id == firm.id,
                   MealReservation.status == ReservationStatus.REDEEMED.value))
    if since is not None:
        stmt = stmt.where(MealReservation.day >= since)
    if until is not None:
        stmt = stmt.where(MealReservation.day <= until)
    return Meals(meals_served([firm.id], since, until).get(firm.id, 0), int(db.session.scalar(stmt) or 0))
