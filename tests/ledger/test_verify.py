"""`flask ledger verify`: every hash, balance and running total is recomputed from the rows."""
import pytest
from sqlalchemy import text

from marketplace.ledger import holds, service
from marketplace.ledger.causes import Cause
from marketplace.platform.extensions import db
from tests.ledger.conftest import next_key
from tests.ledger.test_holds import soon


@pytest.fixture
def busy_ledger(savings, fund):
    accounts = [savings(500) for _ in range(3)] + [fund(10_000)]
    for n in range(12):
        source, target = accounts[n % 3], accounts[(n + 1) % 3]
        service.post([(source, -(n + 1)), (target, n + 1)], cause=Cause.test(next_key()), kind="hours.gift",
                     memo=f"第{n}次")
    entry = service.post([(accounts[0], -7), (accounts[1], 7)], cause=Cause.test(next_key()), kind="test")
    service.reverse(entry, reason="typo")
    holds.hold(accounts[2], 50, cause=Cause.test(next_key()), expires_at=soon())
    db.session.commit()
    return accounts


def tamper(statement, **params):
    """Change a ledger row as someone with direct database access could, past the triggers."""
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET session_replication_role = replica"))  # triggers off
            connection.execute(text(statement), params)
            connection.execute(text("SET session_replication_role = DEFAULT"))
        else:
            triggers = connection.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name LIKE 'ledger_%'")).all()
            for name, _ in triggers:
                connection.execute(text(f"DROP TRIGGER {name}"))
            connection.execute(text(statement), params)
            for _, sql in triggers:
                connection.execute(text(sql))


def test_verify_passes_with_a_one_line_summary(busy_ledger, runner):
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Ledger verified: 18 entries, 36 postings")


def _middle_entry_id():
    return db.session.scalar(text("SELECT id FROM ledger_entry ORDER BY id LIMIT 1 OFFSET 6"))


@pytest.mark.parametrize("change", [
    "UPDATE ledger_entry SET memo = 'changed' WHERE id = :id",
    "UPDATE ledger_entry SET effective_date = '2020-01-01' WHERE id = :id",
    "UPDATE ledger_posting SET amount = amount * 2 WHERE entry_id = :id",
    "UPDATE ledger_posting SET account_id = (SELECT min(id) FROM ledger_account) WHERE id = "
    "(SELECT min(id) FROM ledger_posting WHERE entry_id = :id)",
    "UPDATE ledger_entry SET hash = :forged WHERE id = :id",
])
def test_altering_an_entry_or_posting_is_caught_and_named(busy_ledger, runner, change):
    bad = _middle_entry_id()
    tamper(change, id=bad, forged="f" * 64)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0
    assert result.output.startswith(f"Ledger check FAILED at entry {bad}:")


def test_deleting_an_entry_is_caught(busy_ledger, runner):
    bad = _middle_entry_id()
    tamper("DELETE FROM ledger_posting WHERE entry_id = :id", id=bad)
    tamper("DELETE FROM ledger_entry WHERE id = :id", id=bad)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0 and "FAILED" in result.output


def test_a_running_total_that_disagrees_with_postings_is_caught(busy_ledger, runner):
    tamper("UPDATE ledger_balance SET posted = posted + 1 WHERE account_id = :id AND shard = 0",
           id=busy_ledger[0].id)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0 and f"account {busy_ledger[0].id}: balance" in result.output


def test_a_held_total_that_disagrees_with_open_holds_is_caught(busy_ledger, runner):
    tamper("UPDATE ledger_balance SET held = 0 WHERE account_id = :id", id=busy_ledger[2].id)
    result = runner.invoke(args=["ledger", "verify"])
    assert result.exit_code != 0 and "held" in result.output
