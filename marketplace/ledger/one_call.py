"""PostgreSQL's path for a plain posting: a read of the accounts, then one call to `ledger_write_entry`
(migrations 0002, 0009, 0018).

It does what `posting.post_once` does statement by statement (and still does on SQLite,
and for hold settlements), but without a client-side savepoint: the function catches its own
failures and answers 'ok', 'overdraft', 'duplicate' or 'closed' (the entry's date is inside a
closed period: read under key-share locks on the accounts, migration 0009).

A transfer is the hot path of a giving day, and on a small server the Python that sends it costs
more CPU than the database's work (docs/performance.md, Ledger). So both statements, the read of the
accounts' facts and the call, go straight to the driver's cursor as prepared statements, without
building ORM objects or compiling SQL; only the entry returned is an ORM object.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import NamedTuple

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import make_transient_to_detached

from marketplace.ledger import chain, locks, periods
from marketplace.ledger.entry_plan import check_balanced, entry_by_key, plan_moves, same_or_conflict
from marketplace.ledger.errors import (
    AlreadyReversed,
    IdempotencyConflict,
    InsufficientBalance,
    PeriodClosed,
    UnknownAccount,
)
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc

FACTS = "SELECT id, unit, is_no_overdraft, shards, closed_through FROM ledger_account WHERE id = ANY(%s::integer[])"
CALL = """
    SELECT status, entry_id, entry_seq, entry_prev, entry_hash, short_account, short_available, closed_day
    FROM ledger_write_entry(%s::text, %s::text, %s::text, %s::date, %s::timestamptz, %s::integer, %s::bigint,
        %s::smallint, %s::text, %s::text, %s::integer[], %s::bigint[], %s::integer[], %s::bigint[],
        %s::smallint[], %s::boolean[], %s::boolean[], %s::smallint, %s::text)"""


_known: dict[int, dict[int, AccountFacts]] = {}  # id of the engine -> account id -> facts (see _facts)


class AccountFacts(NamedTuple):
    """What a posting needs to know of an account (read with the posting, not as an ORM object)."""

    id: int
    unit: str
    is_no_overdraft: bool
    shards: int
    closed_through: date | None


def post_in_one_call(lines, *, key, kind, memo, actor, effective_date=None, reverses_id=None) -> LedgerEntry:
    """Post a checked, balanced entry once per key with one database call."""
    accounts = _facts({a for a, _ in lines})
    check_balanced(lines, accounts)
    effective = effective_date or local_today()
    try:
        periods.refuse_if_closed(accounts.values(), effective)
    except PeriodClosed:
        return _existing_or_raise(key, lines)
    moves = plan_moves(lines, accounts)
    actor_id = getattr(actor, "id", actor)
    entry = LedgerEntry(idempotency_key=key, kind=kind, memo=memo, effective_date=effective,
                        created_at=now_utc(), actor_id=actor_id, reverses_id=reverses_id, lane=locks.lane(),
                        hash_scheme=chain.SCHEME_VERSION, actor_salt=chain.new_salt(actor_id))
    head, tail = chain.canonical_around_seq(entry, [(a, accounts[a].unit, n) for a, n in lines])
    status, entry_id, seq, prev, hash_, short_account, short_available, closed_day = _execute(CALL, (
        key, kind, memo, effective, entry.created_at, actor_id, reverses_id, entry.lane, head, tail,
        _array(a for a, _ in lines), _array(n for _, n in lines), _array(m.account_id for m in moves),
        _array(m.delta for m in moves), _array(m.shard for m in moves), _array(m.guarded for m in moves),
        _array(m.multi for m in moves), entry.hash_scheme, entry.actor_salt))[0]
    if status == "closed":
        return _existing_or_raise(key, lines, closed_day)
    if status == "overdraft":
        raise InsufficientBalance(short_account, short_available)
    if status == "duplicate":
        existing = entry_by_key(key)
        if existing is not None:
            return same_or_conflict(existing, lines)
        raise AlreadyReversed() if reverses_id is not None else IdempotencyConflict()
    entry.id, entry.seq, entry.prev_hash, entry.hash = entry_id, seq, prev, hash_
    make_transient_to_detached(entry)  # written by the function: the session takes it as stored
    db.session.add(entry)
    return entry


def _array(values: Iterable[int]) -> str:
    """Write integers or booleans as a PostgreSQL array literal, which the driver sends as it is
    (adapting Python lists element by element took over a third of the call's client CPU in a profile)."""
    return "{" + ",".join(str(int(v)) if type(v) is not bool else "tf"[not v] for v in values) + "}"


def _facts(ids: set[int]) -> dict[int, AccountFacts]:
    """The accounts' facts, read once per process: an account's unit, overdraft rule and shards never change,
    and a close only moves `closed_through` forwards (a fact read earlier can only under-refuse, and the
    function refuses a closed period itself, under its locks)."""
    known = _known.setdefault(id(db.engine), {})
    missing = [i for i in ids if i not in known]
    if missing:
        for row in _execute(FACTS, (_array(missing),)):
            known[row[0]] = AccountFacts(*row)
        if any(i not in known for i in missing):
            raise UnknownAccount()
    return {i: known[i] for i in ids}


def forget_facts() -> None:
    """Forget the facts read so far (tests, whose databases are emptied under a running process)."""
    _known.clear()


def _execute(sql: str, params: tuple) -> list[tuple]:
    """Run one prepared statement in the session's transaction on the driver's own cursor.

    The session's pending changes are flushed first, as a query through the session would, so
    the domain's rows are written (and locked) before the ledger's, in the one lock order. A
    driver error comes back as SQLAlchemy's (deadlocks and serialization failures as
    `OperationalError`, which `transactions.retrying` retries).
    """
    session = db.session()
    if session.autoflush:
        session.flush()
    connection = session.connection()
    raw = connection.connection.dbapi_connection
    try:
        with raw.cursor() as cursor:
            cursor.execute(sql, params, prepare=True)
            return cursor.fetchall()
    except connection.dialect.loaded_dbapi.Error as error:
        raise DBAPIError.instance(sql, params, error, connection.dialect.loaded_dbapi.Error,
                                  dialect=connection.dialect) from error


def _existing_or_raise(key: str, lines, closed_through=None) -> LedgerEntry:
    """A closed period refuses new entries, but a repeated key still returns its first entry."""
    existing = entry_by_key(key)
    if existing is not None:
        return same_or_conflict(existing, lines)
    raise PeriodClosed(closed_through)
