"""What people see before reserving: open restaurants and bases (by district), each with the meals left today
and tomorrow, its serving windows, address and what a meal holds. Counts only; nothing of who reserved."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.meals import days
from marketplace.meals.models import (
    MealDay,
    MealPause,
    MealQuota,
    MealStockItem,
    MealStore,
    StoreKind,
    StoreStatus,
)
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today, now_utc


@dataclass
class Offer:
    store: MealStore
    today: date
    tomorrow: date
    left_today: int
    left_tomorrow: int
    contents: str
    today_over: bool


def left_on(store: MealStore, day: date) -> int:
    """Return the meals still free at the store on `day`."""
    found = days.get_day(store.id, day)
    if found is not None:
        return max(found.offered - found.taken, 0)
    return days.offered_on(store, day)[1]


def offer_of(store: MealStore) -> Offer:
    today = local_today()
    tomorrow = today + timedelta(days=1)
    over = days.is_over(store)
    quota = days.quota_on(store, today) or days.quota_on(store, tomorrow)
    return Offer(store, today, tomorrow, 0 if over else left_on(store, today), left_on(store, tomorrow),
                 quota.contents if quota else "", over)


def open_stores(kind: StoreKind, district_id=None) -> list[MealStore]:
    query = select(MealStore).where(MealStore.kind == kind.value, MealStore.status == StoreStatus.OPEN.value)
    if as_id(district_id):
        query = query.where(MealStore.district_id == as_id(district_id))
    query = query.options(selectinload(MealStore.windows), selectinload(MealStore.district))
    return list(db.session.scalars(query.order_by(MealStore.district_id, MealStore.name, MealStore.id).limit(200)))


def offers(district_id=None) -> list[Offer]:
    """Return the open restaurants (in the district, if one is given) with what they offer, most meals first.

    Counters, agreements and pauses of all the stores are read in three queries, not three per store.
    """
    stores = open_stores(StoreKind.RESTAURANT, district_id)
    ids = [s.id for s in stores]
    today = local_today()
    tomorrow = today + timedelta(days=1)
    counters = {(d.store_id, d.day): d for d in db.session.scalars(select(MealDay).where(
        MealDay.store_id.in_(ids), MealDay.day.in_((today, tomorrow))))} if ids else {}
    paused = {(store_id, day) for store_id, day in db.session.execute(select(MealPause.store_id, MealPause.day).where(
        MealPause.store_id.in_(ids), MealPause.day.in_((today, tomorrow))))} if ids else set()
    quotas: dict[tuple[int, date], MealQuota] = {}
    for quota in db.session.scalars(select(MealQuota).where(
            MealQuota.store_id.in_(ids), MealQuota.starts_on <= tomorrow, MealQuota.ends_on >= today)
            .order_by(MealQuota.id.desc())) if ids else ():
        for day in (today, tomorrow):
            if quota.starts_on <= day <= quota.ends_on:
                quotas.setdefault((quota.store_id, day), quota)

    def left(store: MealStore, day: date) -> int:
        counter = counters.get((store.id, day))
        if counter is not None:
            return max(counter.offered - counter.taken, 0)
        quota = quotas.get((store.id, day))
        return quota.meals_per_day if quota and (store.id, day) not in paused else 0

    found = []
    now = now_utc()
    for store in stores:
        over = days.is_over(store, now)
        quota = quotas.get((store.id, today)) or quotas.get((store.id, tomorrow))
        found.append(Offer(store, today, tomorrow, 0 if over else left(store, today), left(store, tomorrow),
                           quota.contents if quota else "", over))
    return sorted(found, key=lambda o: (-(o.left_today + o.left_tomorrow), o.store.name))


def boxes_at(base: MealStore) -> list[MealStockItem]:
    return list(db.session.scalars(select(MealStockItem).where(
        MealStockItem.store_id == base.id, MealStockItem.is_active.is_(True)).order_by(MealStockItem.name)))


window_text = days.hm  # the templates' `hm`


def public_store(store_id, kind: StoreKind) -> MealStore:
    """Return a checked store or base people may see (open, paused or closed). :raise NotFound: none."""
    store = db.session.get(MealStore, as_id(store_id)) if as_id(store_id) else None
    if store is None or store.kind != kind.value or store.status == StoreStatus.PENDING.value:
        raise NotFound()
    return store


def store_by_poster(token) -> MealStore:
    """Return the restaurant whose walk-in poster this is. :raise NotFound: none."""
    if not isinstance(token, str) or not 16 <= len(token) <= 40:
        raise NotFound()
    store = db.session.scalar(select(MealStore).where(MealStore.poster_token == token))
    if store is None or store.kind != StoreKind.RESTAURANT.value or store.status == StoreStatus.PENDING.value:
        raise NotFound()
    return store
