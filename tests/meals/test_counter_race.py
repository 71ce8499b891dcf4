"""Races on PostgreSQL with real parallel connections: scans of one code at once serve one meal, post one
ledger entry and count one more served; exchanges at once never overdraw points or stock; the ledger verifies."""
# ruff: noqa: F811  (pytest fixtures imported from counter_fixtures are named as arguments)
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger import verify as ledger_verify
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.meals import days, points, rewards
from marketplace.meals.models import MealExchange, MealReward
from marketplace.meals.redemption import Outcome, redeem
from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from marketplace.platform.timeutil import local_today
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.meals.counter_fixtures import meals, reserve  # noqa: F401

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]


@pytest.mark.parametrize("scans", [2, 10])
def test_parallel_scans_of_one_code_serve_one_meal(app, meals, scans):
    reservation = reserve(meals.store)
    code, store_id, reservation_id = reservation.code, meals.store.id, reservation.id
    people = [meals.worker.id, meals.boss.id]

    def scan(i):
        return redeem(db.session.get(User, people[i % 2]), store_id, code if i % 3 else reservation.token).outcome

    results = run_together(app, scans, scan)
    assert sorted(results) == sorted([Outcome.VALID] + [Outcome.USED] * (scans - 1)), results
    db.session.expire_all()
    assert days.get_day(store_id, local_today()).served == 1
    assert ledger_queries.entry_for(Cause(CauseKind.MEAL, reservation_id)) is not None
    assert points.points_of(meals.firm).earned == 10 and points.meals_of(meals.firm).served == 1
    assert db.session.scalar(select(func.count()).select_from(StateChange).where(
        StateChange.machine == "meal_reservation", StateChange.subject_id == reservation_id,
        StateChange.to_state == "redeemed")) == 1
    assert ledger_verify.verify().ok


def test_parallel_exchanges_never_overdraw_the_points_or_the_stock(app, meals, create_user, create_org):
    for _ in range(3):
        redeem(meals.worker, meals.store.id, reserve(meals.store).code)
    staff = create_user()
    partner = create_org("charity", {staff: "staff"})
    rice = rewards.offer_reward(staff, partner.id, "大米", "", 10, 5)
    boss_id, firm_id, rice_id = meals.boss.id, meals.firm.id, rice.id
    results = run_together(app, 10, lambda i: rewards.exchange(db.session.get(User, boss_id), firm_id, rice_id, 1).id)
    assert len([r for r in results if isinstance(r, int)]) == 3, results
    db.session.expire_all()
    assert points.points_of(meals.firm).available == 0
    assert db.session.get(MealReward, rice_id).stock == 2
    assert db.session.scalar(select(func.count()).select_from(MealExchange)) == 3
    assert ledger_verify.verify().ok
