"""Meal points count in a firm's standing and on the leaderboard, like money given and hours served."""
# ruff: noqa: F811  (pytest fixtures imported from counter_fixtures are named as arguments)
from __future__ import annotations

from marketplace.firms import service as firms
from marketplace.meals.redemption import redeem
from tests.meals.counter_fixtures import meals, reserve  # noqa: F401


def _serve(person, store, count):
    for _ in range(count):
        redeem(person, store.id, reserve(store).code)


def test_a_firm_serving_meals_climbs_the_leaderboard(meals):
    firms.set_leaderboard(meals.boss, meals.firm, True)
    firms.set_leaderboard(meals.outsider, meals.other, True)
    _serve(meals.outsider, meals.other_store, 2)
    assert [(firm.id, pts) for firm, pts, _badge in firms.leaderboard("month")] == [(meals.other.id, 20)]
    _serve(meals.worker, meals.store, 3)
    board = [(firm.id, pts) for firm, pts, _badge in firms.leaderboard("month")]
    assert board == [(meals.firm.id, 30), (meals.other.id, 20)]
    assert firms.leaderboard_place(meals.firm) == 1


def test_meal_points_count_in_the_standing(auth, meals):
    _serve(meals.worker, meals.store, 2)
    standing = firms.standing(meals.firm, "year")
    assert standing.meal_points == 20 and standing.points == 20
    auth.login(meals.boss.email)
    page = auth.client.get(f"/firms/{meals.firm.id}").get_data(as_text=True)
    assert "data-meal-points>20<" in page and "/meals/rewards" in page
