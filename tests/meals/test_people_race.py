"""Races on PostgreSQL with real parallel connections: fifty people for the last three meals get exactly three,
and one person reserving twice at once gets one."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from marketplace.meals import reservations
from marketplace.meals.models import MealPerson, MealReservation
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.meals.people_fixtures import confirmed, firm, open_store  # noqa: F401

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]


def _held(store_id) -> int:
    return db.session.scalar(select(func.count()).select_from(MealReservation).where(
        MealReservation.store_id == store_id, MealReservation.status == "reserved"))


def test_fifty_people_racing_for_the_last_three_meals_get_exactly_three(app, firm):  # noqa: F811
    store = open_store(firm, meals=3)
    ids = [confirmed(f"1380000{i:04d}").id for i in range(50)]
    results = run_together(app, 50, lambda i: reservations.reserve(
        db.session.get(MealPerson, ids[i]), store.id, local_today()).id)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 3, results
    assert all(isinstance(r, Conflict) and "No meals are left" in str(r.message)
               for r in results if not isinstance(r, int)), results
    db.session.expire_all()
    assert _held(store.id) == 3


@pytest.mark.parametrize("round_", range(3))
def test_one_person_reserving_twice_at_once_gets_one(app, firm, round_, monkeypatch):  # noqa: F811
    counted = reservations.held_on

    def slow_count(*args):  # widen the gap between counting and taking, where only the row lock keeps order
        found = counted(*args)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(reservations, "held_on", slow_count)
    stores = [open_store(firm, meals=5, name=f"店{i}") for i in range(2)]
    person_id = confirmed(f"1390000000{round_}").id
    results = run_together(app, 2, lambda i: reservations.reserve(
        db.session.get(MealPerson, person_id), stores[i].id, local_today()).id)
    assert len([r for r in results if isinstance(r, int)]) == 1, results
    assert any(isinstance(r, Conflict) and "already have a meal" in str(r.message) for r in results), results
    db.session.expire_all()
    assert db.session.get(MealPerson, person_id).meals_taken == 1
