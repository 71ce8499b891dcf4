"""Fixtures of the counter's tests: a firm with a store serving meals today, and reservations made directly with
the models and `days` (the reserve service is another part's)."""
from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from marketplace.meals import days
from marketplace.meals.models import (
    MealQuota,
    MealReservation,
    MealStockItem,
    MealStore,
    MealWindow,
    ReservationStatus,
    StoreKind,
    StoreStatus,
)
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today


def make_store(firm, *, kind=StoreKind.RESTAURANT, windows=(), meals=20, value_fen=1500,
               contents="一荤两素一汤", name="爱心餐厅") -> MealStore:
    """Open a store of the firm with a quota agreement around today (and serving windows, in minutes)."""
    store = MealStore(organisation_id=firm.id, kind=kind.value, name=name, address="福田区福华路1号", district_id=1)
    MealStore.machine.start(store, StoreStatus.PENDING)
    db.session.flush()
    MealStore.machine.move(store, StoreStatus.OPEN)
    for opens, closes in windows:
        store.windows.append(MealWindow(opens_at=opens, closes_at=closes))
    today = local_today()
    db.session.add(MealQuota(store_id=store.id, meals_per_day=meals, contents=contents, value_fen=value_fen,
                             starts_on=today - timedelta(days=800), ends_on=today + timedelta(days=400)))
    db.session.commit()
    return store


def reserve(store: MealStore, day: date | None = None) -> MealReservation:
    """Hold one meal at the store on `day` (today), as the reserve service would."""
    day = day or local_today()
    meal_day = days.open_day(store, day)
    assert days.take(meal_day.id)
    reservation = MealReservation(store_id=store.id, day=day, meal_day_id=meal_day.id)
    MealReservation.machine.start(reservation, ReservationStatus.RESERVED)
    db.session.commit()
    return reservation


def reserve_box(store: MealStore, item_name="大米礼包", value_fen=3000) -> MealReservation:
    """Hold a blind box of a base's stock today."""
    item = MealStockItem(store_id=store.id, name=item_name, quantity=10, value_fen=value_fen)
    db.session.add(item)
    db.session.flush()
    reservation = MealReservation(store_id=store.id, day=local_today(), stock_item_id=item.id)
    MealReservation.machine.start(reservation, ReservationStatus.RESERVED)
    db.session.commit()
    return reservation


@pytest.fixture
def meals(create_user, create_org):
    """A firm (its admin `boss`, its member `worker` at the counter), its store, and someone from elsewhere."""
    boss, worker, outsider = create_user(display_name="老板"), create_user(display_name="店员"), create_user()
    firm = create_org("firm", {boss: "admin", worker: "member"}, name_zh="爱心餐饮", name_en="Caring Meals")
    other = create_org("firm", {outsider: "admin"}, name_zh="别家", name_en="Other Firm")
    return SimpleNamespace(boss=boss, worker=worker, outsider=outsider, firm=firm, other=other,
                           store=make_store(firm), other_store=make_store(other, name="别家餐厅"))
