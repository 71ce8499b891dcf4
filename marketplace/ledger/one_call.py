"""PostgreSQL's fast path: a whole posting in one call to `ledger_write_entry` (migrations 0002, 0009, 0018).

It does what `posting.post_once` does statement by statement (and still does on SQLite,
and for hold settlements), but in one round trip and without a client-side savepoint: the
function catches its own failures and answers 'ok', 'overdraft', 'duplicate' or 'closed' (the
entry's date is inside a closed period: read under key-share locks on the accounts, migration 0009).
"""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import make_transient_to_detached

from marketplace.ledger import chain, locks, periods
from marketplace.ledger.entry_plan import (
    check_balanced,
    entry_by_key,
    load_accounts,
    plan_moves,
    same_or_conflict,
)
from marketplace.ledger.errors import AlreadyReversed, IdempotencyConflict, InsufficientBalance, PeriodClosed
from marketplace.ledger.models import LedgerEntry
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc

CALL = text("""
    SELECT * FROM ledger_write_entry(
        CAST(:key AS text), CAST(:kind AS text), CAST(:memo AS text), CAST(:effective AS date),
        CAST(:created AS timestamptz), CAST(:actor AS integer), CAST(:reverses AS bigint), CAST(:lane AS smallint),
        CAST(:head AS text), CAST(:tail AS text), CAST(:accounts AS integer[]), CAST(:amounts AS bigint[]),
        CAST(:move_accounts AS integer[]), CAST(:move_amounts AS bigint[]), CAST(:move_shards AS smallint[]),
        CAST(:move_guarded AS boolean[]), CAST(:move_multi AS boolean[]), CAST(:scheme AS smallint),
        CAST(:salt AS text))""")


def post_in_one_call(lines, *, key, kind, memo, actor, effective_date=None, reverses_id=None) -> LedgerEntry:
    """Post a checked, balanced entry once per key with one database call."""
    accounts = load_accounts({a for a, _ in lines})
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
    result = db.session.connection().execute(CALL, {
        "key": key, "kind": kind, "memo": memo, "effective": entry.effective_date, "created": entry.created_at,
        "actor": entry.actor_id, "reverses": reverses_id, "lane": entry.lane, "head": head, "tail": tail,
        "accounts": [a for a, _ in lines], "amounts": [n for _, n in lines],
        "move_accounts": [m.account_id for m in moves], "move_amounts": [m.delta for m in moves],
        "move_shards": [m.shard for m in moves], "move_guarded": [m.guarded for m in moves],
        "move_multi": [m.multi for m in moves], "scheme": entry.hash_scheme, "salt": entry.actor_salt,
    }).one()
    if result.status == "closed":
        return _existing_or_raise(key, lines, result.closed_day)
    if result.status == "overdraft":
        raise InsufficientBalance(result.short_account, result.short_available)
    if result.status == "duplicate":
        existing = entry_by_key(key)
        if existing is not None:
            return same_or_conflict(existing, lines)
        raise AlreadyReversed() if reverses_id is not None else IdempotencyConflict()
    entry.id, entry.seq, entry.prev_hash, entry.hash = (
        result.entry_id, result.entry_seq, result.entry_prev, result.entry_hash)
    make_transient_to_detached(entry)  # written by the function: the session takes it as stored
    db.session.add(entry)
    return entry


def _existing_or_raise(key: str, lines, closed_through=None) -> LedgerEntry:
    """A closed period refuses new entries, but a repeated key still returns its first entry."""
    existing = entry_by_key(key)
    if existing is not None:
        return same_or_conflict(existing, lines)
    raise PeriodClosed(closed_through)
