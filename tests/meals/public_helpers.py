"""Factories for the public-figures tests: an open store with a quota, and meals reserved, served, cancelled or
expired on its day counters, made directly on the models and through `marketplace.meals.days`."""
from __future__ import annotations

import hashlib
from datetime import date, timedelta

from marketplace.meals import days
from marketplace.meals.models import (
    MealPerson,
    MealQuota,
    MealReservation,
    MealStockItem,
    MealStore,
    MealWindow,
    StoreKind,
    StoreStatus,
)
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc

PHONE = "13800138000"
PHONE_KEY = hashlib.sha256(PHONE.encode()).hexdigest()  # stands in for the keyed hash of the phone


def make_store(firm, *, name="暖心面馆", meals=10, value_fen=1500, kind=StoreKind.RESTAURANT, address="福田区福华路1号",
               since: date | None = None, window=(0, 1440)) -> MealStore:
    """Make an open store of `firm` with a quota of `meals` a day from `since` (30 days ago) for a year."""
    store = MealStore(organisation_id=firm.id, kind=kind.value, name=name, address=address, district_id=1)
    MealStore.machine.start(store, StoreStatus.PENDING)
    db.session.add(store)
    db.session.flush()
    MealStore.machine.move(store, StoreStatus.OPEN)
    if window:
        db.session.add(MealWindow(store_id=store.id, opens_at=window[0], closes_at=window[1]))
    start = since or local_today() - timedelta(days=40)
    db.session.add(MealQuota(store_id=store.id, meals_per_day=meals, contents="一荤两素", value_fen=value_fen,
                             starts_on=start, ends_on=start + timedelta(days=400)))
    db.session.commit()
    db.session.refresh(store)
    return store


def person(key: str = PHONE_KEY, user=None) -> MealPerson:
    found = db.session.scalar(db.select(MealPerson).where(MealPerson.key == key))
    if found is None:
        found = MealPerson(key=key, user_id=user.id if user else None)
        db.session.add(found)
        db.session.flush()
    return found


def reserve(store: MealStore, day: date | None = None, who: MealPerson | None = None) -> MealReservation:
    """Take a meal from the store's counter for `day` (today) and hold it for someone."""
    day = day or local_today()
    counter = days.open_day(store, day)
    assert days.take(counter.id), "no meal left"
    who = who or person()
    who.meals_taken += 1
    found = MealReservation(store_id=store.id, day=day, meal_day_id=counter.id, person_id=who.id)
    MealReservation.machine.start(found, "reserved")
    db.session.commit()
    return found


def redeem(reservation: MealReservation) -> None:
    days.serve(reservation.meal_day_id)
    MealReservation.machine.move(reservation, "redeemed", redeemed_at=now_utc())
    db.session.commit()


def cancel(reservation: MealReservation) -> None:
    days.give_back(reservation.meal_day_id)
    MealReservation.machine.move(reservation, "cancelled")
    db.session.commit()


def expire(reservation: MealReservation) -> None:
    MealReservation.machine.move(reservation, "expired")
    db.session.commit()


def blind_box(base: MealStore, who: MealPerson | None = None) -> MealReservation:
    """Hand out one blind box from the base's stock."""
    item = db.session.scalar(db.select(MealStockItem).where(MealStockItem.store_id == base.id))
    if item is None:
        item = MealStockItem(store_id=base.id, name="米面盲盒", quantity=5, value_fen=3000)
        db.session.add(item)
        db.session.flush()
    item.quantity -= 1
    found = MealReservation(store_id=base.id, day=local_today(), stock_item_id=item.id,
                            person_id=(who or person()).id, channel="online")
    MealReservation.machine.start(found, "reserved")
    db.session.flush()
    MealReservation.machine.move(found, "redeemed", redeemed_at=now_utc())
    db.session.commit()
    return found
