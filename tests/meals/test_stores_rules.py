"""Serving windows are read as people type them, with clear errors; quota agreements never overlap and
belong to restaurants; days are paused ahead of time; a base's stock is counted and stopped."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.meals import days, quotas, stores
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.stores_helpers import firm_with_staff, register
from tests.meals.world_stores import open_store


@pytest.mark.parametrize("text,expected", [
    ("11:00-13:30, 17:00-19:00", [(660, 810), (1020, 1140)]),
    ("11:00－13:30，17:00～19:00", [(660, 810), (1020, 1140)]),  # typed with a Chinese keyboard
    ("7:30-9:00；11：00至13:30", [(450, 540), (660, 810)]),
    ("00:00-24:00", [(0, 1440)]),
])
def test_windows_are_read_as_typed(text, expected):
    if expected is None:
        with pytest.raises(InvalidInput):
            stores.parse_windows(text)
    else:
        assert stores.parse_windows(text) == expected


@pytest.mark.parametrize("text,words", [
    ("", "at least one"),
    ("lunch", "is not a serving time"),
    ("11:00-25:00", "not a time of the day"),
    ("11:70-12:00", "not a time of the day"),
    ("13:30-11:00", "ends before it starts"),
    ("11:00-11:00", "ends before it starts"),
    ("17:00-19:00, 11:00-13:30", "in order"),
    ("11:00-13:30, 13:00-14:00", "overlaps"),
    ("1:00-2:00, 3:00-4:00, 5:00-6:00, 7:00-8:00, 9:00-10:00, 11:00-12:00, 13:00-14:00", "at most 6"),
    ("a\x00b", "like 11:00-13:30"),
])
def test_wrong_windows_are_refused_saying_what_is_wrong(text, words):
    with pytest.raises(InvalidInput) as refused:
        stores.parse_windows(text)
    assert words in str(refused.value.fields["windows"][0])


def test_registering_with_wrong_fields_names_each_and_writes_nothing(create_user, create_org):
    firm, boss, _server, _checker = firm_with_staff(create_user, create_org)
    with pytest.raises(InvalidInput) as refused:
        stores.register_store(boss, firm.id, kind="cafe", name="", address="x" * 301, district_id=999,
                              windows="13:00-12:00")
    assert set(refused.value.fields) == {"kind", "name", "address", "district_id", "windows"}
    assert stores.stores_of_firm(firm) == []


def test_quota_agreements_never_overlap_and_belong_to_restaurants(create_user, create_org):
    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    store, _ = open_store(firm, boss, checker)
    today = local_today()
    first = quotas.add_quota(boss, store.id, meals_per_day=30, contents="一荤两素一汤", value_fen=1500,
                             starts_on=today, ends_on=today + timedelta(days=30))
    for start, end in ((today + timedelta(days=30), today + timedelta(days=60)),
                       (today + timedelta(days=5), today + timedelta(days=6))):
        with pytest.raises(InvalidInput) as refused:
            quotas.add_quota(boss, store.id, meals_per_day=10, contents="盒饭", value_fen=1200, starts_on=start,
                             ends_on=end)
        assert "overlap" in str(refused.value.fields["starts_on"][0])
    later = quotas.add_quota(boss, store.id, meals_per_day=20, contents="盒饭", value_fen=1200,
                             starts_on=today + timedelta(days=31), ends_on=today + timedelta(days=60))
    with pytest.raises(InvalidInput) as refused:
        quotas.add_quota(boss, store.id, meals_per_day=0, contents="", value_fen=-1,
                         starts_on=today - timedelta(days=1), ends_on=today - timedelta(days=2))
    assert set(refused.value.fields) == {"meals_per_day", "contents", "value", "starts_on", "ends_on"}
    base, _ = open_store(firm, boss, checker, kind="base", name="青年驿站")
    with pytest.raises(Conflict):
        quotas.add_quota(boss, base.id, meals_per_day=5, contents="盒饭", value_fen=0, starts_on=today, ends_on=today)
    assert quotas.end_quota(boss, later.id) is None  # not started: removed
    quotas.end_quota(boss, first.id)  # running: ends after tomorrow
    assert db.session.get(type(first), first.id).ends_on == today + timedelta(days=1)


def test_days_are_paused_ahead_and_never_below_what_is_taken(create_user, create_org):
    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    store, _ = open_store(firm, boss, checker)
    today, tomorrow = local_today(), local_today() + timedelta(days=1)
    quotas.add_quota(boss, store.id, meals_per_day=3, contents="盒饭", value_fen=1200, starts_on=today,
                     ends_on=today + timedelta(days=30))
    with pytest.raises(InvalidInput) as refused:
        quotas.pause_day(boss, store.id, day=today)
    assert "ahead of time" in str(refused.value.fields["day"][0])
    counter = days.open_day(store, tomorrow)
    assert days.take(counter.id) and days.take(counter.id)
    db.session.commit()
    pause = quotas.pause_day(boss, store.id, day=tomorrow, reason="店休")
    db.session.refresh(counter)
    assert counter.offered == 2  # the two meals already reserved stay promised
    with pytest.raises(Conflict):
        quotas.pause_day(boss, store.id, day=tomorrow)
    quotas.unpause_day(boss, pause.id)
    db.session.refresh(counter)
    assert counter.offered == 3


def test_a_base_counts_and_stops_its_stock(create_user, create_org):
    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    base, _ = open_store(firm, boss, checker, kind="base", name="青年驿站")
    item = stores.add_stock_item(boss, base.id, name="米面油盲盒", quantity=10, value_fen=3000)
    assert stores.counts_today(base)["boxes_left"] == 10
    stores.set_stock_quantity(boss, item.id, 4)
    with pytest.raises(InvalidInput):
        stores.set_stock_quantity(boss, item.id, -1)
    stores.deactivate_stock_item(boss, item.id)
    assert stores.counts_today(base)["boxes_left"] == 0
    with pytest.raises(Conflict):
        stores.set_stock_quantity(boss, item.id, 5)
    restaurant = register(firm, boss)
    with pytest.raises(Conflict):
        stores.add_stock_item(boss, restaurant.id, name="盲盒", quantity=1)
