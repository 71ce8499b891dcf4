"""Closed periods: nothing can be posted effective inside one; corrections land in the open period."""
import itertools
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text

from marketplace.ledger import holds, periods, posting, service
from marketplace.ledger.causes import Cause
from marketplace.ledger.errors import IdempotencyConflict, PeriodClosed
from marketplace.ledger.models import LedgerAccount, LedgerEntry, LedgerPeriodClose
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.db_setup import is_postgres
from tests.ledger.conftest import next_key
from tests.ledger.test_database_rules import refused
from tests.ledger.test_holds import soon

_orgs = itertools.count(5000)


@pytest.fixture
def books(open_account):
    """An organisation's bank account (funded) and disbursed account, with a helper to close them."""

    class Books:
        org_id = next(_orgs)
        bank = service.open_account("organisation", org_id, "bank")
        spent = service.open_account("organisation", org_id, "disbursed")
        income = open_account("test_fen")

        def close(self, through, start=None):
            close = periods.close_books("organisation", self.org_id, [self.bank.id, self.spent.id],
                                        through=through, period_start=start or through - timedelta(days=30))
            db.session.commit()
            return close

    b = Books()
    service.post([(b.income, -10_000), (b.bank, 10_000)], cause=Cause.test(next_key()), kind="test",
                 effective_date=local_today() - timedelta(days=60))
    db.session.commit()
    return b


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(LedgerEntry))


def pay(b, day, key=None, amount=500, **kwargs):
    return service.post([(b.bank, -amount), (b.spent, amount)], cause=Cause.test(key or next_key()), kind="test",
                        effective_date=day, **kwargs)


def test_a_posting_dated_inside_a_closed_period_is_refused_whole(books):
    through = local_today() - timedelta(days=10)
    books.close(through)
    before, count = service.balance(books.bank), entries()
    for day in (through, through - timedelta(days=3)):
        with pytest.raises(PeriodClosed) as refusal:
            pay(books, day, key=f"late:{day}")
        assert str(refusal.value.message) == "That period is closed; post the correction in the open period."
        assert refusal.value.status == 409
    db.session.commit()
    assert service.balance(books.bank) == before and entries() == count
    assert db.session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key.like("late:%"))) is None


def test_the_day_after_the_close_and_today_are_open(books):
    through = local_today() - timedelta(days=10)
    books.close(through)
    assert pay(books, through + timedelta(days=1)).effective_date == through + timedelta(days=1)
    assert pay(books, None).effective_date == local_today()
    db.session.commit()
    assert service.balance(books.spent).posted == 1_000


def test_one_closed_account_refuses_the_whole_entry(books, open_account):
    books.close(local_today() - timedelta(days=10))
    other = open_account("test_fen")
    with pytest.raises(PeriodClosed):
        service.post([(other, -5), (books.spent, 5)], cause=Cause.test(next_key()), kind="test",
                     effective_date=local_today() - timedelta(days=20))
    assert service.balance(other).posted == 0


def test_a_correction_of_a_closed_entry_is_a_reversal_dated_today(books):
    old = pay(books, local_today() - timedelta(days=20))
    db.session.commit()
    books.close(local_today() - timedelta(days=10))
    correction = service.reverse(old, reason="paid twice")
    db.session.commit()
    assert correction.effective_date == local_today() and correction.reverses_id == old.id
    assert service.balance(books.spent).posted == 0


def test_a_repeated_key_still_returns_the_entry_posted_before_the_close(books):
    day = local_today() - timedelta(days=20)
    first = pay(books, day, key="gift:early")
    db.session.commit()
    books.close(local_today() - timedelta(days=10))
    assert pay(books, day, key="gift:early").id == first.id
    with pytest.raises(IdempotencyConflict):
        pay(books, day, key="gift:early", amount=501)


def test_a_close_made_elsewhere_is_seen_by_a_posting_holding_stale_accounts(books):
    """Another process closed the books after this session loaded the accounts: still refused."""
    assert db.session.get(LedgerAccount, books.bank.id).closed_through is None  # loaded in this session
    with db.engine.begin() as elsewhere:
        elsewhere.execute(text("UPDATE ledger_account SET closed_through = :d WHERE id IN (:a, :b)"),
                          {"d": local_today() - timedelta(days=1), "a": books.bank.id, "b": books.spent.id})
    assert books.bank.closed_through is None  # the session still holds the account as it was
    count = entries()
    with pytest.raises(PeriodClosed):
        pay(books, local_today() - timedelta(days=2))
    with pytest.raises(PeriodClosed):  # the statement-by-statement path, which holds settle through
        posting.post_once([(books.bank.id, -5), (books.spent.id, 5)], key=next_key(), kind="t", memo="",
                          actor=None, effective_date=local_today() - timedelta(days=2), within=lambda a: {})
    assert entries() == count


def test_a_hold_settles_into_the_open_period(books, fund):
    source, target = fund(1_000), fund()
    periods.close_books("organisation", books.org_id, [source.id, target.id],
                        through=local_today() - timedelta(days=1), period_start=local_today() - timedelta(days=31))
    held = holds.hold(source, 300, cause=Cause.test(next_key()), expires_at=soon())
    entry = holds.post_hold(held, target)
    db.session.commit()
    assert entry.effective_date == local_today() and service.balance(target).posted == 300


def test_closing_checks_the_day_and_the_order_of_periods(books):
    today = local_today()
    for bad in (today, today + timedelta(days=3)):
        with pytest.raises(InvalidInput) as refusal:
            books.close(bad)
        assert "only after it has ended" in str(refusal.value.fields["through"][0])
    with pytest.raises(InvalidInput):  # the first close needs the period's first day
        periods.close_books("organisation", books.org_id, [books.bank.id], through=today - timedelta(days=40))
    first = books.close(today - timedelta(days=40), start=today - timedelta(days=70))
    assert first.period_start == today - timedelta(days=70)
    for again in (today - timedelta(days=40), today - timedelta(days=50)):
        with pytest.raises(Conflict) as refusal:
            books.close(again)
        assert "already closed through" in str(refusal.value.message)
    with pytest.raises(InvalidInput):  # a later period starts the day after the last close
        books.close(today - timedelta(days=10), start=today - timedelta(days=20))
    second = periods.close_books("organisation", books.org_id, [books.bank.id, books.spent.id],
                                 through=today - timedelta(days=10))
    db.session.commit()
    assert second.period_start == today - timedelta(days=39)
    assert periods.closed_through_of("organisation", books.org_id) == today - timedelta(days=10)
    assert [c.id for c in periods.closes_of("organisation", books.org_id)] == [second.id, first.id]
    assert db.session.get(LedgerAccount, books.bank.id).closed_through == today - timedelta(days=10)


def test_an_account_opened_after_a_close_starts_closed(books):
    through = local_today() - timedelta(days=5)
    books.close(through)
    cash = service.open_account("organisation", books.org_id, "cash")
    hours = service.open_account("organisation", books.org_id, "hour_pool")  # only money books close
    assert cash.closed_through == through and hours.closed_through is None


def test_closes_are_append_only_and_never_move_back_in_the_database(books):
    books.close(local_today() - timedelta(days=5))
    assert refused("DELETE FROM ledger_period_close")
    assert refused("UPDATE ledger_period_close SET note = 'x'")
    assert refused("UPDATE ledger_account SET closed_through = NULL WHERE id = :id", {"id": books.bank.id})
    assert refused("UPDATE ledger_account SET closed_through = :d WHERE id = :id",
                   {"d": local_today() - timedelta(days=50), "id": books.bank.id})
    assert db.session.scalar(select(func.count()).select_from(LedgerPeriodClose)) == 1


# --- races, on PostgreSQL ---------------------------------------------------------------------

postgres_only = pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")


@postgres_only
@pytest.mark.postgres
@pytest.mark.parametrize("path", ["one call", "statements"])
def test_a_posting_racing_a_close_in_flight_waits_and_is_refused(app, books, path):
    """The close holds the account rows; the posting waits for its commit and then sees the new date."""
    through, day = local_today() - timedelta(days=10), local_today() - timedelta(days=12)
    ids, org_id = (books.bank.id, books.spent.id), books.org_id
    closed, outcome = threading.Event(), {}

    def close():
        with app.app_context():
            periods.close_books("organisation", org_id, ids, through=through, period_start=through - timedelta(30))
            closed.set()
            time.sleep(0.6)  # the posting starts meanwhile, and must wait
            db.session.commit()
            db.session.remove()

    def post():
        with app.app_context():
            closed.wait(10)
            started = time.monotonic()
            within = (lambda accounts: {}) if path == "statements" else None
            try:
                posting.post_once([(ids[0], -7), (ids[1], 7)], key="racing", kind="t", memo="", actor=None,
                                  effective_date=day, within=within)
                db.session.commit()
                outcome["result"] = "posted"
            except Exception as error:  # noqa: BLE001  (asserted below)
                db.session.rollback()
                outcome["result"] = error
            outcome["waited"] = time.monotonic() - started
            db.session.remove()

    threads = [threading.Thread(target=close), threading.Thread(target=post)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert isinstance(outcome["result"], PeriodClosed), outcome
    assert outcome["waited"] > 0.3
    db.session.expire_all()
    assert db.session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == "racing")) is None


@postgres_only
@pytest.mark.postgres
def test_a_close_waits_for_a_posting_in_flight(app, books):
    """A posting not yet committed holds the close back; once it commits, it belongs to the closed period."""
    through, day = local_today() - timedelta(days=10), local_today() - timedelta(days=12)
    ids, org_id = (books.bank.id, books.spent.id), books.org_id
    posted, outcome = threading.Event(), {}

    def post():
        with app.app_context():
            service.post([(ids[0], -7), (ids[1], 7)], cause=Cause.test("in-flight"), kind="t", effective_date=day)
            posted.set()
            time.sleep(0.6)
            db.session.commit()
            outcome["committed"] = time.monotonic()
            db.session.remove()

    def close():
        with app.app_context():
            posted.wait(10)
            periods.close_books("organisation", org_id, ids, through=through, period_start=through - timedelta(30))
            outcome["locked"] = time.monotonic()
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=post), threading.Thread(target=close)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert outcome["locked"] >= outcome["committed"]
    db.session.expire_all()
    assert db.session.scalar(select(LedgerEntry.effective_date).where(LedgerEntry.idempotency_key == "in-flight")) \
        == day
    with pytest.raises(PeriodClosed):
        service.post([(ids[0], -7), (ids[1], 7)], cause=Cause.test("after"), kind="t", effective_date=day)


@postgres_only
@pytest.mark.postgres
def test_many_postings_racing_a_close_leave_nothing_inside_it_afterwards(app, books):
    """Twenty postings dated inside the period race one close: each either landed before it or was refused."""
    from tests.ledger.test_concurrency import run_together

    through, day = local_today() - timedelta(days=10), local_today() - timedelta(days=12)
    ids, org_id = (books.bank.id, books.spent.id), books.org_id

    def work(i):
        if i == 0:
            periods.close_books("organisation", org_id, ids, through=through, period_start=through - timedelta(30))
            return "closed"
        return service.post([(ids[0], -1), (ids[1], 1)], cause=Cause.test(f"race-{i}"), kind="t", effective_date=day).id

    results = run_together(app, 21, work)
    assert results[0] == "closed", results
    assert all(isinstance(r, int | PeriodClosed) for r in results[1:]), results
    db.session.expire_all()
    landed = db.session.scalar(select(func.count()).select_from(LedgerEntry)
                               .where(LedgerEntry.idempotency_key.like("race-%")))
    assert landed == sum(isinstance(r, int) for r in results)
    assert service.balance(ids[1]).posted == landed
    with pytest.raises(PeriodClosed):
        service.post([(ids[0], -1), (ids[1], 1)], cause=Cause.test("late"), kind="t", effective_date=day)
