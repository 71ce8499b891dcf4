"""Posting, reversing and reading balances: the rules each verb enforces."""
import pytest
from sqlalchemy import func, select, text

from marketplace.ledger import posting, service
from marketplace.ledger.causes import Cause
from marketplace.ledger.errors import (
    AlreadyReversed,
    CannotReverseReversal,
    IdempotencyConflict,
    InsufficientBalance,
    InvalidLines,
    UnbalancedEntry,
    UnknownAccount,
    UnknownPurpose,
)
from marketplace.ledger.models import LedgerChain, LedgerEntry, LedgerPosting
from marketplace.platform.extensions import db
from tests.ledger.conftest import next_key


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_transfer_moves_minutes_and_balances_read_from_running_totals(savings):
    alice, bob = savings(600), savings()
    entry = service.post([(alice, -90), (bob, 90)], cause=Cause.test("give:1"), kind="hours.gift", memo="给妈妈")
    db.session.commit()
    assert service.balance(alice).posted == 510 and service.balance(bob).available == 90
    assert service.entry_lines(entry) == [(alice.id, -90), (bob.id, 90)]
    assert entry.memo == "给妈妈" and len(entry.hash) == 64


def test_issuance_account_may_go_below_zero_but_savings_may_not(savings):
    issued = service.platform_account("hours_issued")
    volunteer = savings(120)
    assert service.balance(issued).posted == -120
    with pytest.raises(InsufficientBalance) as refused:
        service.post([(volunteer, -121), (issued, 121)], cause=Cause.test(next_key()), kind="hours.spend")
    assert refused.value.available == 120
    db.session.commit()
    assert service.balance(volunteer).posted == 120


@pytest.mark.parametrize("lines", [
    [(1, 10)],
    [(1, 10), (2, 0)],
    [(1, 10.0), (2, -10.0)],
    [(1, True), (2, -1)],
    [(1, "10"), (2, -10)],
    [(1, 10**16), (2, -10**16)],
    [("x", 10), (2, -10)],
    [(1,), (2, -10)],
])
def test_malformed_lines_are_refused(savings, lines):
    savings(10), savings(10)
    with pytest.raises(InvalidLines):
        service.post(lines, cause=Cause.test(next_key()), kind="test")


def test_unbalanced_entry_is_refused_and_leaves_nothing(open_account, savings):
    a, b = savings(100), savings()
    money = open_account("test_fen")
    entries = count(LedgerEntry)
    with pytest.raises(UnbalancedEntry):
        service.post([(a, -10), (b, 9)], cause=Cause.test(next_key()), kind="test")
    with pytest.raises(UnbalancedEntry):  # each unit balances on its own
        service.post([(a, -10), (money, 10)], cause=Cause.test(next_key()), kind="test")
    db.session.commit()
    assert count(LedgerEntry) == entries and service.balance(a).posted == 100


def test_entries_may_move_both_units_when_each_balances(open_account):
    m1, m2, f1, f2 = (open_account("test_minutes"), open_account("test_minutes"),
                      open_account("test_fen"), open_account("test_fen"))
    service.post([(m1, -5), (m2, 5), (f1, -700), (f2, 700)], cause=Cause.test(next_key()), kind="test")
    db.session.commit()
    assert service.balance(m2).posted == 5 and service.balance(f2).posted == 700


def test_unknown_accounts_and_purposes_are_refused(savings):
    a = savings(10)
    with pytest.raises(UnknownAccount):
        service.post([(a, -1), (999_999, 1)], cause=Cause.test(next_key()), kind="test")
    with pytest.raises(UnknownPurpose):
        service.open_account("user", 1, "no_such_purpose")


def test_open_account_returns_the_same_account_again(app):
    first = service.open_account("user", 7, "volunteer_savings")
    assert service.open_account("user", 7, "volunteer_savings").id == first.id
    assert service.balance(first).posted == 0


def test_same_key_returns_the_first_entry_and_other_lines_are_a_conflict(savings):
    a, b = savings(100), savings()
    first = service.post([(a, -10), (b, 10)], cause=Cause.test("once"), kind="test")
    db.session.commit()
    again = service.post([(b, 10), (a, -10)], cause=Cause.test("once"), kind="test")
    assert again.id == first.id
    with pytest.raises(IdempotencyConflict):
        service.post([(a, -11), (b, 11)], cause=Cause.test("once"), kind="test")
    db.session.commit()
    assert service.balance(b).posted == 10


def test_reverse_mirrors_the_entry_once(savings):
    a, b = savings(100), savings()
    entry = service.post([(a, -30), (b, 30)], cause=Cause.test(next_key()), kind="test")
    reversal = service.reverse(entry, reason="wrong volunteer")
    db.session.commit()
    assert reversal.reverses_id == entry.id and reversal.memo == "wrong volunteer"
    assert sorted(service.entry_lines(reversal)) == sorted([(a.id, 30), (b.id, -30)])
    assert service.balance(a).posted == 100 and service.balance(b).posted == 0
    assert service.reverse(entry, reason="again").id == reversal.id  # the same request, repeated
    with pytest.raises(AlreadyReversed):
        service.reverse(entry, reason="again", cause=Cause.test("another-key"))
    with pytest.raises(CannotReverseReversal):
        service.reverse(reversal, reason="undo the undo")


def test_reverse_needs_a_reason_and_cannot_overdraw(savings):
    a, b, c = savings(100), savings(), savings()
    entry = service.post([(a, -40), (b, 40)], cause=Cause.test(next_key()), kind="test")
    service.post([(b, -40), (c, 40)], cause=Cause.test(next_key()), kind="test")  # b spent it
    with pytest.raises(Exception) as missing:
        service.reverse(entry, reason="  ")
    assert "reason" in missing.value.fields
    with pytest.raises(InsufficientBalance):
        service.reverse(entry, reason="mistake")


def test_refused_posting_keeps_the_callers_transaction_usable(savings):
    a, b = savings(50), savings()
    service.post([(a, -10), (b, 10)], cause=Cause.test(next_key()), kind="test")
    with pytest.raises(InsufficientBalance):
        service.post([(a, -100), (b, 100)], cause=Cause.test(next_key()), kind="test")
    db.session.commit()  # the first posting still lands
    assert service.balance(b).posted == 10


@pytest.fixture
def fail_after_first_posting_row(monkeypatch):
    """Make the next posting fail just after its first posting row is written."""
    if db.engine.dialect.name == "postgresql":  # the posting is written inside one database call
        with db.engine.begin() as connection:
            connection.execute(text("""
                CREATE FUNCTION test_fail_posting() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'the disk is full'; END $$"""))
            connection.execute(text("CREATE TRIGGER test_fail_posting AFTER INSERT ON ledger_posting "
                                    "FOR EACH ROW EXECUTE FUNCTION test_fail_posting()"))
        yield
        db.session.rollback()  # let go of the test's locks before the trigger is dropped
        with db.engine.begin() as connection:
            connection.execute(text("SET LOCAL lock_timeout = '20s'"))  # fail loudly rather than hang
            connection.execute(text("DROP TRIGGER test_fail_posting ON ledger_posting"))
            connection.execute(text("DROP FUNCTION test_fail_posting()"))
        return
    original = posting.write_postings

    def first_row_then_fail(entry_id, lines):
        original(entry_id, lines[:1])
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(posting, "write_postings", first_row_then_fail)
    yield
    monkeypatch.undo()


def test_failure_after_the_first_posting_row_leaves_nothing_behind(savings, request):
    a, b = savings(100), savings()
    entries, postings = count(LedgerEntry), count(LedgerPosting)
    heads = db.session.execute(select(LedgerChain.lane, LedgerChain.seq, LedgerChain.head_hash)).all()
    db.session.commit()
    request.getfixturevalue("fail_after_first_posting_row")  # armed only now that the accounts are funded
    with pytest.raises(Exception, match="the disk is full"):
        service.post([(a, -10), (b, 10)], cause=Cause.test("interrupted"), kind="test")
    db.session.rollback()
    assert (count(LedgerEntry), count(LedgerPosting)) == (entries, postings)
    assert service.balance(a).posted == 100 and service.balance(b).posted == 0
    assert db.session.execute(select(LedgerChain.lane, LedgerChain.seq, LedgerChain.head_hash)).all() == heads


def test_each_entry_chains_onto_the_previous_hash_of_its_lane(savings):
    a, b = savings(1000), savings()
    entries = []
    for _ in range(40):  # one transaction each: each picks its lane
        entries.append(service.post([(a, -1), (b, 1)], cause=Cause.test(next_key()), kind="test"))
        db.session.commit()
    together = [service.post([(a, -1), (b, 1)], cause=Cause.test(next_key()), kind="test") for _ in range(5)]
    db.session.commit()
    assert len({e.lane for e in together}) == 1  # one transaction keeps one lane
    by_lane = {}
    for entry in sorted(db.session.scalars(select(LedgerEntry)), key=lambda e: (e.lane, e.seq)):
        previous = by_lane.get(entry.lane)
        assert entry.seq == (previous.seq + 1 if previous else 1)
        assert entry.prev_hash == (previous.hash if previous else "0" * 64)
        by_lane[entry.lane] = entry
    assert len({e.lane for e in entries}) > 1


@pytest.mark.parametrize("field,value", [
    ("key", ""), ("key", "k" * 129), ("kind", " "), ("memo", "m" * 501), ("memo", "nul\x00byte"),
])
def test_bad_keys_kinds_and_memos_are_refused_by_name(savings, field, value):
    a, b = savings(10), savings()
    fields = {"key": next_key(), "kind": "test", "memo": "", field: value}
    with pytest.raises(Exception) as refused:
        service.post([(a, -1), (b, 1)], cause=Cause.test(fields.pop("key")), **fields)
    assert refused.value.status == 422 and field in refused.value.fields


def test_a_posting_rolls_back_with_the_callers_transaction(savings):
    """A verb's savepoint nests in the caller's transaction on every database, SQLite included."""
    a, b = savings(100), savings()
    entries = count(LedgerEntry)
    service.post([(a, -10), (b, 10)], cause=Cause.test("rolled-back"), kind="test")
    db.session.rollback()
    assert count(LedgerEntry) == entries
    assert service.balance(a).posted == 100 and service.balance(b).posted == 0
