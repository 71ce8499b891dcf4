"""Savepoints that nest inside the action's transaction on SQLite too.

Python's sqlite3 driver opens a transaction only before a write, so a SAVEPOINT taken before
any write starts a transaction of its own, and releasing it commits for good: a ledger posting
made in a savepoint would survive the caller's rollback. `savepoint()` first begins the outer
transaction explicitly when none is open, so the savepoint nests and a rollback undoes all.
(Reads stay outside transactions, as the driver has them, so readers do not lock out writers.)
"""
from __future__ import annotations

from sqlalchemy.orm import SessionTransaction

from marketplace.platform.extensions import db


def savepoint() -> SessionTransaction:
    """Return `db.session.begin_nested()`, with SQLite's outer transaction really begun."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.dbapi_connection
        if not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")
    return db.session.begin_nested()
