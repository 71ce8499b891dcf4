"""Public figures of donated meals (M餐), read from the day counters (MealDay) in grouped queries: per day,
per store, per firm (only firms that agreed to be named; the others make one line) and the totals.

Nothing here is per person: the counters hold counts only, and blind boxes are counted, never listed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from marketplace.firms.models import FirmPreference
from marketplace.ledger import queries as ledger_queries
from marketplace.meals import days, finder
from marketplace.meals.models import (
    MealDay,
    MealReservation,
    MealStockItem,
    MealStore,
    ReservationStatus,
    StoreKind,
)
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc

DAYS = 30  # the per-day table: the last 30 days, today included


@dataclass
class Counts:
    """Meals offered, taken (reserved or served), served, and the value served, in fen."""

    offered: int = 0
    taken: int = 0
    served: int = 0
    value_fen: int = 0
    unclaimed: int | None = None  # offered but not served, once the day is over; None for today


@dataclass
class DayRow(Counts):
    day: date | None = None


@dataclass
class StoreRow(Counts):
    store: MealStore | None = None
    blind_boxes: int = 0


@dataclass
class FirmRow(Counts):
    firm: Organisation | None = None  # None: the other caring firms, in one line
    firms: int = 0  # how many firms the line covers


@dataclass
class Totals:
    meals_served: int = 0
    value_fen: int = 0
    points_issued: int = 0
    blind_boxes: int = 0


@dataclass
class Figures:
    totals: Totals
    days: list[DayRow] = field(default_factory=list)
    stores: list[StoreRow] = field(default_factory=list)
    firms: list[FirmRow] = field(default_factory=list)


def _sums():
    return (func.coalesce(func.sum(MealDay.offered), 0), func.coalesce(func.sum(MealDay.taken), 0),
            func.coalesce(func.sum(MealDay.served), 0),
            func.coalesce(func.sum(MealDay.served * MealDay.value_fen), 0))


def _unclaimed_sum():
    """Offered minus served, over days already over only (today's meals may still be served)."""
    today = local_today()
    return func.coalesce(func.sum(MealDay.offered - MealDay.served).filter(MealDay.day < today), 0)


def _fill(row: Counts, offered, taken, served, value, unclaimed=None) -> Counts:
    row.offered, row.taken, row.served, row.value_fen = int(offered), int(taken), int(served), int(value)
    row.unclaimed = None if unclaimed is None else int(unclaimed)
    return row


def by_day(days: int = DAYS, today: date | None = None) -> list[DayRow]:
    """Return one row per day of the last `days` days (newest first), days with no meals included as zeros."""
    today = today or local_today()
    since = today - timedelta(days=days - 1)
    found = {row[0]: row[1:] for row in db.session.execute(
        select(MealDay.day, *_sums()).where(MealDay.day >= since, MealDay.day <= today).group_by(MealDay.day))}
    rows = []
    for n in range(days):
        day = today - timedelta(days=n)
        offered, taken, served, value = found.get(day, (0, 0, 0, 0))
        rows.append(_fill(DayRow(day=day), offered, taken, served, value,
                          None if day >= today else int(offered) - int(served)))
    return rows


def blind_boxes_by_store() -> dict[int, int]:
    """Return {store id: blind boxes handed out}, all time."""
    return {store_id: int(n) for store_id, n in db.session.execute(
        select(MealReservation.store_id, func.count()).where(
            MealReservation.stock_item_id.is_not(None),
            MealReservation.status == ReservationStatus.REDEEMED.value).group_by(MealReservation.store_id))}


def by_store() -> list[StoreRow]:
    """Return each store that ever offered meals or handed out a blind box, with its counts, all time."""
    counts = {row[0]: row[1:] for row in db.session.execute(
        select(MealDay.store_id, *_sums(), _unclaimed_sum()).group_by(MealDay.store_id))}
    boxes = blind_boxes_by_store()
    ids = set(counts) | set(boxes)
    if not ids:
        return []
    stores = db.session.scalars(select(MealStore).where(MealStore.id.in_(ids))
                                .options(selectinload(MealStore.district)).order_by(MealStore.name, MealStore.id))
    rows = []
    for store in stores:
        row = _fill(StoreRow(store=store), *counts.get(store.id, (0, 0, 0, 0, 0)))
        row.blind_boxes = boxes.get(store.id, 0)
        rows.append(row)
    return rows


def by_firm() -> list[FirmRow]:
    """Return a line per firm that agreed to be named (most meals served first), then one line for the others."""
    public = (select(FirmPreference.organisation_id).where(FirmPreference.is_meals_public.is_(True))
              .scalar_subquery())
    counts = list(db.session.execute(
        select(MealDay.organisation_id, MealDay.organisation_id.in_(public), *_sums(), _unclaimed_sum())
        .group_by(MealDay.organisation_id)))
    named = {org_id: values for org_id, is_public, *values in counts if is_public}
    firms = {org.id: org for org in db.session.scalars(
        select(Organisation).where(Organisation.id.in_(named)))} if named else {}
    rows = [_fill(FirmRow(firm=firms[org_id], firms=1), *values) for org_id, values in named.items()]
    rows.sort(key=lambda r: (-r.served, r.firm.name_zh))
    others = [values for _org, is_public, *values in counts if not is_public]
    if others:
        rows.append(_fill(FirmRow(firm=None, firms=len(others)), *(sum(int(v[i]) for v in others) for i in range(5))))
    return rows


def totals() -> Totals:
    """Return meals served, their value in fen, the firms' points issued and blind boxes handed out, all time."""
    served, value = db.session.execute(select(func.coalesce(func.sum(MealDay.served), 0),
                                              func.coalesce(func.sum(MealDay.served * MealDay.value_fen), 0))).one()
    boxes = db.session.scalar(select(func.count()).select_from(MealReservation).where(
        MealReservation.stock_item_id.is_not(None), MealReservation.status == ReservationStatus.REDEEMED.value))
    points = abs(ledger_queries.posted_total("platform", "points_issued"))  # issued: debited on the platform
    return Totals(meals_served=int(served), value_fen=int(value), points_issued=points, blind_boxes=int(boxes or 0))


def public_figures(days: int = DAYS) -> Figures:
    """Return everything the public figures page shows."""
    return Figures(totals=totals(), days=by_day(days), stores=by_store(), firms=by_firm())


@dataclass
class OpenStore:
    store: MealStore
    meals_left: int  # today's meals left (a base: blind boxes left)


def open_stores() -> list[OpenStore]:
    """Return the open stores with what is left today, as people's pages show it (none once a store's day is
    over), in a handful of queries whatever their number."""
    result = [OpenStore(offer.store, offer.left_today) for offer in finder.offers()]
    bases = finder.open_stores(StoreKind.BASE)
    boxes = {store_id: int(n) for store_id, n in db.session.execute(
        select(MealStockItem.store_id, func.coalesce(func.sum(MealStockItem.quantity), 0))
        .where(MealStockItem.store_id.in_([b.id for b in bases]), MealStockItem.is_active.is_(True))
        .group_by(MealStockItem.store_id))} if bases else {}
    now = now_utc()
    result += [OpenStore(base, 0 if days.is_over(base, now) else boxes.get(base.id, 0)) for base in bases]
    return sorted(result, key=lambda row: (row.store.name, row.store.id))