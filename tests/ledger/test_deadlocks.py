"""Several multi-entry transactions racing on PostgreSQL, single entries alongside: none deadlocks.

This is the test behind the "deadlock-free" claim in docs/ledger.md: every transaction that posts
several entries locks its accounts first (`lock_accounts`), single entries lock in the same order.
Nothing here retries, so a single deadlock fails the test.
"""
import random

import pytest
from sqlalchemy import text

from marketplace.ledger import service
from marketplace.ledger.causes import Cause
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]

ROUNDS, THREADS, ENTRIES = 15, 6, 12


def test_multi_entry_transactions_racing_never_deadlock(app, savings, fund):
    minutes = [savings(500).id for _ in range(8)]
    fen = [fund(5000).id for _ in range(3)]
    issued = service.platform_account("hours_issued").id
    db.session.commit()

    def totals():
        return (sum(service.balance(i).posted for i in minutes) + service.balance(issued).posted,
                sum(service.balance(i).posted for i in fen))

    before = totals()

    def many(rng, tag):
        """An import-like transaction: issue hours, move hours and money between random accounts."""
        plan = []
        for n in range(ENTRIES):
            source, target = ((issued, rng.choice(minutes)), rng.sample(minutes, 2), rng.sample(fen, 2))[n % 3]
            plan.append([(source, -rng.randint(1, 5)), (target, 0)])
        plan = [[(s, n), (t, -n)] for (s, n), (t, _) in plan]
        service.lock_accounts({a for lines in plan for a, _ in lines})
        for k, lines in enumerate(plan):
            service.post(lines, cause=Cause.test(f"{tag}-{k}"), kind="test.many")
        return len(plan)

    def one(rng, tag):
        source, target = rng.choice(((issued, rng.choice(minutes)), rng.sample(minutes, 2), rng.sample(fen, 2)))
        service.post([(source, -1), (target, 1)], cause=Cause.test(f"{tag}-0"), kind="test.one")
        return 1

    failures = []
    for round_ in range(ROUNDS):
        def work(i, round_=round_):
            rng = random.Random(round_ * 100 + i)
            return (many if i % 3 else one)(rng, f"r{round_}t{i}")

        results = run_together(app, THREADS, work)
        failures += [r for r in results if isinstance(r, Exception) and not isinstance(r, DomainError)]
    assert failures == [], failures[:3]
    db.session.expire_all()
    assert totals() == before
    assert db.session.scalar(text("SELECT count(*) FROM ledger_entry WHERE kind = 'test.many'")) > ROUNDS * ENTRIES
