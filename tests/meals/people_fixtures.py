"""Fixtures of the people part's tests: an open store with a quota, a base with boxes, a confirmed phone person."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from marketplace.meals import phones
from marketplace.meals.models import (
    MealQuota,
    MealReservation,
    MealStockItem,
    MealStore,
    MealWindow,
    StoreKind,
    StoreStatus,
)
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today


def open_store(firm, *, meals=5, kind=StoreKind.RESTAURANT, windows=(), name="爱心餐厅") -> MealStore:
    """Make an open store of the firm with `meals` a day for a month (committed)."""
    store = MealStore(organisation_id=firm.id, kind=kind.value, name=name, address="福田区福华路1号", district_id=1)
    MealStore.machine.start(store, StoreStatus.PENDING)
    db.session.add(store)
    db.session.flush()
    MealStore.machine.move(store, StoreStatus.OPEN)
    for opens, closes in windows:
        db.session.add(MealWindow(store_id=store.id, opens_at=opens, closes_at=closes))
    if kind == StoreKind.RESTAURANT:
        today = local_today()
        db.session.add(MealQuota(store_id=store.id, meals_per_day=meals, contents="一荤两素一汤", value_fen=1500,
                                 starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=30)))
    db.session.commit()
    return store


def add_box(base, quantity=2, name="米面粮油盲盒") -> MealStockItem:
    item = MealStockItem(store_id=base.id, name=name, quantity=quantity, value_fen=3000)
    db.session.add(item)
    db.session.commit()
    return item


def confirmed(number: str):
    """Return the person known by `number`, as confirmed by a code (committed)."""
    code = phones.ask_code(number, f"10.{int(number[-6:-4])}.{int(number[-4:-2])}.{int(number[-2:])}")
    return phones.confirm_code(number, code)


def move_to_past(reservation, days_ago: int) -> None:
    """Put a reservation `days_ago` days back, as if it were an earlier meal."""
    db.session.execute(update(MealReservation).where(MealReservation.id == reservation.id)
                       .values(day=local_today() - timedelta(days=days_ago)))
    db.session.commit()


@pytest.fixture
def firm(create_user, create_org):
    return create_org("firm", {create_user(): "admin"}, name_zh="爱心饭店", name_en="Caring Diner")


@pytest.fixture
def store(firm):
    return open_store(firm)


@pytest.fixture
def person(app):
    return confirmed("13800138000")
