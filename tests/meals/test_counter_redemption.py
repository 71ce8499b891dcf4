"""Redeem at the counter: each outcome, the meal served once, its points, and nothing of the person."""
# ruff: noqa: F811  (pytest fixtures imported from counter_fixtures are named as arguments)
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.ledger import queries as ledger_queries
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.meals import days, points
from marketplace.meals.models import MealReservation, MealWindow
from marketplace.meals.redemption import Outcome, read_code, redeem
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from tests.meals.counter_fixtures import make_store, meals, reserve, reserve_box  # noqa: F401


def test_a_reserved_meal_is_served_once_with_its_points(meals):
    reservation = reserve(meals.store)
    answer = redeem(meals.worker, meals.store.id, reservation.code.lower())
    assert answer.outcome is Outcome.VALID and answer.contents == "一荤两素一汤"
    db.session.expire_all()
    assert reservation.status == "redeemed" and reservation.redeemed_at is not None
    assert days.get_day(meals.store.id, local_today()).served == 1
    assert points.points_of(meals.firm).available == 10
    assert points.meals_of(meals.firm) == points.Meals(1, 1500)
    assert ledger_queries.entry_for(Cause(CauseKind.MEAL, reservation.id)).kind == "meal.served"
    assert redeem(meals.worker, meals.store.id, reservation.code).outcome is Outcome.USED
    assert points.points_of(meals.firm).available == 10


def test_the_qr_text_redeems_by_token(meals):
    reservation = reserve(meals.store)
    link = f"https://goodhours.example/meals/r/{reservation.token}?x=1"
    assert redeem(meals.boss, meals.store.id, link).outcome is Outcome.VALID


def test_a_code_typed_with_spaces_and_dashes_is_read():
    assert read_code(" ab3 - 4cd ") == ("code", "AB34CD")
    assert read_code("") is None and read_code("<script>") is None


def test_a_blind_box_earns_box_points_and_names_its_item(meals):
    reservation = reserve_box(meals.store)
    answer = redeem(meals.worker, meals.store.id, reservation.code)
    assert answer.outcome is Outcome.VALID and answer.item == "大米礼包"
    assert points.points_of(meals.firm).earned == 5
    assert points.meals_of(meals.firm).value_fen == 3000


def test_another_stores_code_is_refused(meals):
    reservation = reserve(meals.other_store)
    assert redeem(meals.worker, meals.store.id, reservation.code).outcome is Outcome.WRONG_STORE
    db.session.expire_all()
    assert reservation.status == "reserved"


def test_yesterdays_code_is_expired_and_tomorrows_not_yet(meals):
    old = reserve(meals.store, local_today() - timedelta(days=1))
    later = reserve(meals.store, local_today() + timedelta(days=1))
    assert redeem(meals.worker, meals.store.id, old.code).outcome is Outcome.EXPIRED
    assert redeem(meals.worker, meals.store.id, later.code).outcome is Outcome.NOT_YET
    swept = reserve(meals.store)
    MealReservation.machine.move(swept, "expired")
    db.session.commit()
    assert redeem(meals.worker, meals.store.id, swept.token).outcome is Outcome.EXPIRED
    assert days.get_day(meals.store.id, local_today()).served == 0


@pytest.mark.parametrize(("window", "outcome"), [("later", Outcome.NOT_YET), ("earlier", Outcome.EXPIRED)])
def test_outside_the_serving_window(meals, window, outcome):
    minute = days.minute_of_day(now_utc())
    if not 60 < minute < 1378:
        pytest.skip("too near midnight to place a window before or after now")
    reservation = reserve(meals.store)
    opens, closes = (minute + 30, minute + 60) if window == "later" else (minute - 60, minute - 30)
    meals.store.windows.append(MealWindow(opens_at=opens, closes_at=closes))
    db.session.commit()
    assert redeem(meals.worker, meals.store.id, reservation.code).outcome is outcome


def test_an_unknown_or_cancelled_code_is_unknown(meals):
    reservation = reserve(meals.store)
    MealReservation.machine.move(reservation, "cancelled")
    db.session.commit()
    assert redeem(meals.worker, meals.store.id, reservation.code).outcome is Outcome.UNKNOWN
    assert redeem(meals.worker, meals.store.id, "ZZZZZZ").outcome is Outcome.UNKNOWN


def test_only_the_firms_people_may_redeem(meals):
    reservation = reserve(meals.store)
    with pytest.raises(NotFound):
        redeem(meals.outsider, meals.store.id, reservation.code)
    db.session.expire_all()
    assert reservation.status == "reserved"


def test_a_meal_is_posted_once(meals):
    store = make_store(meals.firm, name="第二家")
    meal_day = days.open_day(store, local_today())
    days.take(meal_day.id)
    meal = MealReservation(store_id=store.id, day=local_today(), meal_day_id=meal_day.id, channel="walk_in")
    MealReservation.machine.start(meal, "reserved")
    db.session.flush()
    first, again = points.post_meal(meal), points.post_meal(meal)
    db.session.commit()
    assert first.id == again.id and points.points_of(meals.firm).earned == 10
