"""The database itself refuses to edit ledger rows or to store an unbalanced entry."""
import pytest
from sqlalchemy import text

from marketplace.ledger import holds, service
from marketplace.ledger.causes import Cause
from marketplace.platform.extensions import db
from tests.ledger.test_holds import soon

LEDGER_TABLES = ("ledger_entry", "ledger_posting", "ledger_hold", "ledger_hold_settlement")


@pytest.fixture
def filled(savings):
    a, b = savings(100), savings()
    entry = service.post([(a, -10), (b, 10)], cause=Cause.test("filled"), kind="test")
    held = holds.hold(a, 5, cause=Cause.test("filled-hold"), expires_at=soon())
    holds.void_hold(held)
    db.session.commit()
    return entry, a, b


def refused(statement, params=None):
    try:
        with db.engine.begin() as connection:
            connection.execute(text(statement), params or {})
    except Exception as error:  # the driver's own error type
        return str(error)
    return None


@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_update_and_delete_fail_in_the_database(filled, table):
    column = {"ledger_posting": "amount", "ledger_hold": "amount"}.get(table, "id")
    assert "append-only" in refused(f"UPDATE {table} SET {column} = {column} + 1")
    assert "append-only" in refused(f"DELETE FROM {table}")


def _insert_entry(connection, entry_id, key):
    connection.execute(text(
        "INSERT INTO ledger_entry (id, idempotency_key, kind, memo, effective_date, created_at, lane, seq, "
        "prev_hash, hash) VALUES (:id, :key, 'raw', '', '2026-11-01', '2026-11-01 00:00:00', 0, :id, :z, :z)"),
        {"id": entry_id, "key": key, "z": "0" * 64})


def _insert_postings(connection, entry_id, lines):
    for account_id, amount in lines:
        connection.execute(text("INSERT INTO ledger_posting (entry_id, account_id, amount) VALUES (:e, :a, :n)"),
                           {"e": entry_id, "a": account_id, "n": amount})


def _raw_entry(lines, key):
    """Write an entry with raw SQL in the order the database expects; return the error, if any."""
    try:
        with db.engine.begin() as connection:
            if connection.dialect.name == "sqlite":  # postings first, checked when the entry arrives
                _insert_postings(connection, 900, lines)
                _insert_entry(connection, 900, key)
            else:  # checked at commit
                _insert_entry(connection, 900, key)
                _insert_postings(connection, 900, lines)
    except Exception as error:
        return str(error)
    return None


def test_an_unbalanced_entry_written_with_raw_sql_fails(filled):
    _, a, b = filled
    assert "balance" in _raw_entry([(a.id, -10), (b.id, 9)], "raw-unbalanced")
    assert db.session.scalar(text("SELECT count(*) FROM ledger_entry WHERE kind = 'raw'")) == 0


def test_an_entry_without_postings_fails(filled):
    assert refused("INSERT INTO ledger_entry (id, idempotency_key, kind, memo, effective_date, created_at, lane, "
                   "seq, prev_hash, hash) VALUES (901, 'raw-empty', 'raw', '', '2026-11-01', "
                   "'2026-11-01 00:00:00', 0, 901, 'x', 'x')") is not None


def test_a_posting_cannot_join_a_written_entry(filled):
    entry, a, b = filled
    assert refused("INSERT INTO ledger_posting (entry_id, account_id, amount) VALUES (:e, :a, 5)",
                   {"e": entry.id, "a": a.id}) is not None


def test_a_balanced_raw_entry_is_accepted(filled):
    """The triggers refuse what is wrong, not everything."""
    _, a, b = filled
    assert _raw_entry([(a.id, -3), (b.id, 3)], "raw-balanced") is None
