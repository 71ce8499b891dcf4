"""The daily sweep on PostgreSQL with real parallel connections: runs at once pause each store and remind of
each permit exactly once (one notification per person), and running it again changes nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.meals import sweeps
from marketplace.meals.models import MealStore
from marketplace.notifications.models import Notification
from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from marketplace.platform.timeutil import local_today
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.meals.stores_helpers import firm_with_staff
from tests.meals.world_stores import open_store

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]


def _count(kind: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == kind))


def test_sweeps_run_at_once_pause_and_remind_each_store_once(app, create_user, create_org):
    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    expiring = [open_store(firm, boss, checker, name=f"快到期{i}", expires_in=10)[0] for i in range(3)]
    expired = [open_store(firm, boss, checker, name=f"已过期{i}", expires_in=1)[0] for i in range(3)]
    day_after = local_today() + timedelta(days=2)  # the second group's permits expired yesterday

    results = run_together(app, 6, lambda i: sweeps.sweep(day_after))
    assert all(isinstance(r, int) for r in results), results
    db.session.expire_all()
    # every permit of the first group (2 each) is reminded of; the second group's stores are paused
    assert sum(results) == 2 * len(expiring) + len(expired)
    assert _count("meals_permit_expiring") == 2 * len(expiring)
    assert _count("meals_store_paused") == len(expired)
    assert {db.session.get(MealStore, s.id).status for s in expired} == {"paused"}
    assert {db.session.get(MealStore, s.id).status for s in expiring} == {"open"}
    assert db.session.scalar(select(func.count()).select_from(StateChange).where(
        StateChange.machine == "meal_store", StateChange.to_state == "paused")) == len(expired)

    again = run_together(app, 3, lambda i: sweeps.sweep(day_after))
    assert again == [0, 0, 0]
    assert _count("meals_permit_expiring") == 2 * len(expiring) and _count("meals_store_paused") == len(expired)
