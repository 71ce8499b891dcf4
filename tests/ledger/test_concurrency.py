"""Concurrent postings on PostgreSQL: one entry per key, no overdraft, totals never change."""
import random
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from marketplace.ledger import holds, service
from marketplace.ledger.causes import Cause
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from tests.db_setup import is_postgres
from tests.ledger.conftest import next_key
from tests.ledger.test_holds import soon

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]


def run_together(app, count, work):
    """Run work(i) in `count` threads released at once; return their results or exceptions."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(i):
        with app.app_context():
            barrier.wait()
            try:
                results[i] = work(i)
                db.session.commit()
            except Exception as error:  # noqa: BLE001  (collected and asserted by the test)
                db.session.rollback()
                results[i] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_twenty_threads_with_one_key_post_one_entry(app, savings):
    a, b = savings(100), savings()
    results = run_together(app, 20, lambda i: service.post([(a.id, -10), (b.id, 10)], cause=Cause.test("same"),
                                                          kind="t").id)
    assert all(isinstance(r, int) for r in results), results
    assert len(set(results)) == 1
    assert service.balance(b.id).posted == 10
    assert db.session.scalar(text("SELECT count(*) FROM ledger_entry WHERE idempotency_key = 'same'")) == 1


@pytest.mark.parametrize("kind", ["savings", "fund"])  # one balance row, and sixteen
def test_twenty_withdrawals_of_ten_from_a_hundred_give_ten_successes(app, savings, fund, kind):
    source = (savings if kind == "savings" else fund)(100)
    target = savings() if kind == "savings" else fund()
    results = run_together(app, 20, lambda i: service.post(
        [(source.id, -10), (target.id, 10)], cause=Cause.test(f"withdraw-{i}"), kind="t").id)
    successes = [r for r in results if isinstance(r, int)]
    refusals = [r for r in results if isinstance(r, DomainError)]
    assert len(successes) == 10 and len(refusals) == 10, results
    assert all(r.code == "insufficient_balance" for r in refusals)
    assert service.balance(source.id).posted == 0 and service.balance(target.id).posted == 100


def test_a_hold_settles_once_under_a_race(app, savings):
    requester, provider = savings(100), savings()
    held = holds.hold(requester, 60, cause=Cause.test("race-hold"), expires_at=soon())
    db.session.commit()
    results = run_together(app, 10, lambda i: holds.post_hold(held.id, provider.id, cause=Cause.test(f"settle-{i}")).id)
    assert len([r for r in results if isinstance(r, int)]) == 1, results
    assert service.balance(provider.id).posted == 60
    assert service.balance(requester.id) == service.Balance(posted=40, held=0)


def test_random_concurrent_transfers_never_change_the_total(app, savings, fund):
    accounts = [fund(1000) for _ in range(3)] + [fund(1000) for _ in range(3)]
    ids = [a.id for a in accounts]
    total = 6000
    stop = threading.Event()
    seen = []

    def reader():
        with app.app_context():
            while not stop.is_set():
                with db.engine.connect() as conn:
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                    with conn.begin():
                        seen.append(sum(conn.execute(text(
                            "SELECT coalesce(sum(posted), 0) FROM ledger_balance WHERE account_id = :a"),
                            {"a": i}).scalar() for i in ids))

    def transfers(i):
        rng = random.Random(i)
        done = 0
        for n in range(25):
            source, target = rng.sample(ids, 2)
            amount = rng.randint(1, 400)
            try:
                service.post([(source, -amount), (target, amount)], cause=Cause.test(f"bank-{i}-{n}"), kind="t")
                db.session.commit()
                done += 1
            except DomainError:
                db.session.rollback()
        return done

    watcher = threading.Thread(target=reader)
    watcher.start()
    try:
        results = run_together(app, 6, transfers)
    finally:
        stop.set()
        watcher.join(30)
    assert all(isinstance(r, int) for r in results), results
    assert sum(results) > 50
    assert seen and set(seen) == {total}
    assert sum(service.balance(i).posted for i in ids) == total
    assert all(service.balance(i).available >= 0 for i in ids)


def test_a_posting_held_up_by_a_lock_fails_as_a_database_error_and_posts_nothing(app, savings):
    """A database error inside a posting reaches the caller as SQLAlchemy's, which `transactions.retrying`
    understands, and the session goes on after the rollback."""
    a, b = savings(100), savings()
    key = next_key("held-up")
    blocker = db.engine.connect()
    held = blocker.begin()
    blocker.execute(text("SELECT 1 FROM ledger_balance WHERE account_id = :a FOR UPDATE"), {"a": a.id})
    try:
        db.session.execute(text("SET LOCAL lock_timeout = '100ms'"))
        with pytest.raises(OperationalError):
            service.post([(a, -10), (b, 10)], cause=Cause.test(key), kind="test.held")
        db.session.rollback()
    finally:
        held.rollback()
        blocker.close()
    service.post([(a, -10), (b, 10)], cause=Cause.test(key), kind="test.held")
    db.session.commit()
    assert (service.balance(a).available, service.balance(b).available) == (90, 10)
