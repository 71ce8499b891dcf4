"""Care paid in hours racing hour-pool transfers on PostgreSQL: volunteers are paid out of the pool while
they (and others) give minutes to it, to each other, and coordinators ask for and cancel care from it.
Nothing deadlocks and no retry is needed; the pool never goes below zero and every minute is accounted for.

(This also passed before care and pools ran through `retrying`: each of these verbs posts one entry,
which follows the ledger's lock order by itself. It guards that order for the next change.)
"""
import logging
import random

import pytest

from marketplace.ledger import service as ledger
from marketplace.ledger.verify import verify
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.timebank.activities.service import User, savings_account
from marketplace.timebank.care import service as care
from marketplace.timebank.hours import savings
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together
from tests.timebank.test_care import ask, fund

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]
ROUNDS, THREADS = 10, 8


def test_care_payments_racing_pool_transfers_never_deadlock(app, team, create_user, caplog):
    caplog.set_level(logging.INFO, logger="marketplace.platform.transactions")
    helpers = [create_user() for _ in range(4)]
    for helper in helpers:
        fund(helper, 2000)
    care.donate_to_pool(helpers[0], team.org.id, 1500, key="seed")
    ids = [h.id for h in helpers]
    emails = [h.email for h in helpers]
    failures = []
    for round_ in range(ROUNDS):
        paid = []
        for i in range(THREADS // 2):  # care from the pool, taken by a helper, to be confirmed in the race
            request = ask(team.coordinator, team, minutes=30, key=f"r{round_}-{i}", from_pool=True)
            care.accept(request.id, helpers[i % len(helpers)])
            paid.append(request.id)

        def work(i, round_=round_, paid=paid):
            rng = random.Random(round_ * 100 + i)
            coordinator = db.session.get(User, team.coordinator.id)
            if i < len(paid):
                return care.confirm(paid[i], coordinator).status
            me = db.session.get(User, rng.choice(ids))
            if i % 4 == 0:
                return care.donate_to_pool(me, team.org.id, rng.randint(1, 20), key=f"d{round_}-{i}").id
            if i % 4 == 1:
                target = rng.choice([e for e in emails if e != me.email])
                return savings.give_hours(me, target, rng.randint(1, 20), key=f"g{round_}-{i}").id
            request = ask(coordinator, team, minutes=15, key=f"x{round_}-{i}", from_pool=True)
            return care.cancel(request.id, coordinator).status

        results = run_together(app, THREADS, work)
        failures += [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    assert failures == [], failures[:3]
    assert "Retrying after" not in caplog.text
    db.session.expire_all()
    assert ledger.balance(care.pool_account(team.org)).available >= 0
    assert sum(ledger.balance(savings_account(h)).posted for h in helpers) + \
        ledger.balance(care.pool_account(team.org)).posted == 4 * 2000
    assert verify().ok
