"""Walk-ins from a store's poster, blind boxes at a base, and the thank-you after a meal."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.meals import days, redemption, reservations
from marketplace.meals.models import MealStockItem, MealThanks, StoreKind
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.people_fixtures import add_box, confirmed, firm, open_store, person, store  # noqa: F401


def test_a_walk_in_holds_one_of_todays_meals_and_the_counter_serves_it(store, person):  # noqa: F811
    from config import settings
    from marketplace.meals import points

    r = reservations.walk_in(person, store.poster_token)
    assert (r.status, r.channel, r.day) == ("reserved", "walk_in", local_today())
    counter = days.get_day(store.id, local_today())
    db.session.refresh(counter)
    assert (counter.taken, counter.served) == (1, 0)  # nothing is served, nor earned, until the counter sees it
    assert points.points_of(store.organisation).earned == 0
    with pytest.raises(Conflict, match="already have a meal"):
        reservations.walk_in(person, store.poster_token)
    staff = store.organisation.memberships[0].user
    assert redemption.redeem(staff, store.id, r.code).outcome is redemption.Outcome.VALID
    db.session.refresh(counter)
    assert counter.served == 1
    assert points.points_of(store.organisation).earned == settings.MEALS_POINTS_PER_MEAL
    assert points.meals_of(store.organisation).served == 1


def test_a_walk_in_outside_the_serving_windows_is_refused(firm, person):  # noqa: F811
    from marketplace.meals.days import minute_of_day
    from marketplace.platform.timeutil import now_utc

    minute = minute_of_day(now_utc())
    window = (minute + 2, minute + 3) if minute < 1430 else (0, 1)
    shut = open_store(firm, windows=[window])
    with pytest.raises(Conflict, match="not serving"):
        reservations.walk_in(person, shut.poster_token)
    with pytest.raises(NotFound):
        reservations.walk_in(person, "x" * 30)


def test_a_blind_box_comes_from_the_stock_until_none_is_left(firm):  # noqa: F811
    base = open_store(firm, kind=StoreKind.BASE, name="青年驿站")
    item = add_box(base, quantity=1)
    first = reservations.reserve_box(confirmed("13600000001"), base.id, item.id)
    assert first.status == "reserved" and first.stock_item_id == item.id
    with pytest.raises(Conflict, match="No boxes"):
        reservations.reserve_box(confirmed("13600000002"), base.id, item.id)
    reservations.cancel(first.token)
    assert db.session.scalar(select(MealStockItem.quantity).where(MealStockItem.id == item.id)) == 1


def test_a_thank_you_reaches_the_firm_without_who_wrote_it(firm, store, person):  # noqa: F811
    r = reservations.reserve(person, store.id, local_today())
    with pytest.raises(Conflict, match="once the meal is collected"):
        reservations.thank(r.token, "谢谢")
    r = reservations.walk_in(confirmed("13500000000"), store.poster_token)
    staff = store.organisation.memberships[0].user
    assert redemption.redeem(staff, store.id, r.code).outcome is redemption.Outcome.VALID
    thanks = reservations.thank(r.token, "谢谢你们的饭菜")
    assert (thanks.store_id, thanks.created_on) == (store.id, local_today())
    assert set(MealThanks.__table__.columns.keys()) == {"id", "organisation_id", "store_id", "text", "created_on"}
    assert db.session.scalar(select(Notification).where(Notification.kind == "meals_thanks")) is not None
    with pytest.raises(Conflict, match="already"):
        reservations.thank(r.token, "再次感谢")


def test_a_blind_box_cannot_be_reserved_once_the_base_has_closed_for_the_day(firm):  # noqa: F811
    from marketplace.meals.days import minute_of_day
    from marketplace.platform.timeutil import now_utc

    minute = minute_of_day(now_utc())
    if minute < 2:
        pytest.skip("no window can have closed yet today")
    base = open_store(firm, kind=StoreKind.BASE, name="青年驿站", windows=[(0, minute - 1)])
    item = add_box(base, quantity=3)
    with pytest.raises(Conflict, match="closed for today"):
        reservations.reserve_box(confirmed("13600000003"), base.id, item.id)
    assert db.session.get(MealStockItem, item.id).quantity == 3
