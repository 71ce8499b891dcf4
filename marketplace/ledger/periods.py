"""Closed periods: once a set of books is closed through a day, no entry may be effective on or before it.

A close sets `closed_through` on each of the books' accounts (never backwards) and appends a
`LedgerPeriodClose` row. Every posting path refuses an entry dated on or before the latest
`closed_through` of any account it touches (`PeriodClosed`); a repeated idempotency key still
returns its first entry, and reversals are dated today, so corrections land in the open period.

What is guaranteed when a close races a posting:
- PostgreSQL: a posting reads `closed_through` under FOR KEY SHARE locks on its account rows
  (taken in id order; the foreign keys of its postings take the same locks anyway), and a close
  takes FOR UPDATE on the same rows (in id order) before it writes, so one waits for the other.
  A posting that commits first is simply part of the closed period; one that reads after the
  close committed sees the new date and is refused. Once a close has committed, no entry dated
  inside it can ever commit. Two closes of the same books are serialised by an advisory lock.
- SQLite (one writer at a time): the posting re-reads `closed_through` after its first write,
  when no other writer can commit before it does, and a close re-checks its books after writing.
- An account opened after its books were closed starts closed through the same day
  (`inherited_close`); one opened in the very moment of a close may start open.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from marketplace.ledger.errors import PeriodClosed
from marketplace.ledger.models import LedgerAccount, LedgerPeriodClose
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.i18n import lazy_day
from marketplace.platform.sqlite import savepoint
from marketplace.platform.timeutil import local_today

BOOKS = ("platform", "organisation")
LOCK_TIMEOUT = "10s"  # a close waits at most this long for postings in flight on its accounts


# --- the lock, as the posting paths check it -----------------------------------------------

PeriodClose = LedgerPeriodClose  # what closing a period returns


def refuse_if_closed(accounts: Iterable[LedgerAccount], effective: date) -> None:
    """Refuse an entry dated inside a closed period of any of these (already loaded) accounts."""
    latest = max((a.closed_through for a in accounts if a.closed_through is not None), default=None)
    if latest is not None and effective <= latest:
        raise PeriodClosed(latest)


def refuse_if_closed_now(account_ids: Iterable[int], effective: date) -> None:
    """Re-read the accounts' `closed_through` under a key-share lock and refuse a date inside it.

    Called inside the posting's savepoint after its first write, so on SQLite no close can commit
    in between, and on PostgreSQL a close holding the rows makes this wait and then see its date.
    """
    rows = db.session.execute(
        select(LedgerAccount.closed_through).where(LedgerAccount.id.in_(sorted(set(account_ids))))
        .order_by(LedgerAccount.id).with_for_update(read=True, key_share=True)).scalars().all()
    latest = max((d for d in rows if d is not None), default=None)
    if latest is not None and effective <= latest:
        raise PeriodClosed(latest)


def inherited_close(owner_type: str, owner_id: int, unit: str) -> date | None:
    """Return the day a new account of this owner starts closed through: its books' latest close.

    Only money books are closed; a fund's books are its organisation's.
    """
    if unit != "fen":
        return None
    if owner_type == "fund":
        from marketplace.funds.models import Fund  # the ledger knows funds only for this lookup

        organisation_id = db.session.scalar(select(Fund.organisation_id).where(Fund.id == owner_id))
        if organisation_id is None:
            return None
        owner_type, owner_id = "organisation", organisation_id
    if owner_type not in BOOKS:
        return None
    return closed_through_of(owner_type, owner_id)


# --- closing ------------------------------------------------------------------------------------

def close_books(owner_type: str, owner_id: int, account_ids: Iterable[int], *, through: date,
                period_start: date | None = None, actor=None, note: str = "") -> LedgerPeriodClose:
    """Close a set of books through `through` (a past day): lock their accounts and record the close.

    The period starts the day after the previous close (`period_start` is needed only for the first).
    Flushes, never commits.

    :raise InvalidInput: the day is not over yet, or the period start is missing or wrong.
    :raise Conflict: the books are already closed through that day or later, or are busy.
    """
    if owner_type not in BOOKS or not isinstance(owner_id, int):
        raise InvalidInput(fields={"owner": [_l("Unknown books.")]})
    if not isinstance(through, date) or through >= local_today():
        raise InvalidInput(fields={"through": [_l("A period can be closed only after it has ended.")]})
    note = (note or "").strip()
    if len(note) > 500 or "\x00" in note:
        raise InvalidInput(fields={"note": [_l("Use at most %(n)d characters.", n=500)]})
    ids = sorted(set(account_ids))
    try:
        with savepoint():
            _lock(owner_type, owner_id, ids)
            start = _period_start(owner_type, owner_id, through, period_start)
            if ids:
                db.session.execute(
                    update(LedgerAccount).where(LedgerAccount.id.in_(ids), or_(
                        LedgerAccount.closed_through.is_(None), LedgerAccount.closed_through < through))
                    .values(closed_through=through).execution_options(synchronize_session=False))
            close = LedgerPeriodClose.machine.start(LedgerPeriodClose(
                owner_type=owner_type, owner_id=owner_id, period_start=start, closed_through=through, note=note,
                actor_id=getattr(actor, "id", actor)), "closed", actor, note)
            db.session.flush()
            _check_alone(close)
    except IntegrityError:  # the same day closed at the same moment (SQLite reads before it writes)
        raise Conflict(_l("These books were closed by someone else just now; reload and check.")) from None
    except OperationalError:  # a lock wait timed out or was chosen to break a deadlock
        raise Conflict(_l("The books are busy with postings right now; try again in a moment.")) from None
    for account in db.session.identity_map.values():
        if isinstance(account, LedgerAccount) and account.id in ids:
            db.session.expire(account, ["closed_through"])
    return close


def closed_through_of(owner_type: str, owner_id: int) -> date | None:
    """Return the last day the books are closed through, or None if never closed."""
    return db.session.scalar(select(func.max(LedgerPeriodClose.closed_through)).where(
        LedgerPeriodClose.owner_type == owner_type, LedgerPeriodClose.owner_id == owner_id))


def close_holding(owner_type: str, owner_id: int, day: date) -> LedgerPeriodClose | None:
    """Return the first recorded close of the books whose period holds `day`, or None."""
    return db.session.scalar(select(LedgerPeriodClose).where(
        LedgerPeriodClose.owner_type == owner_type, LedgerPeriodClose.owner_id == owner_id,
        LedgerPeriodClose.period_start <= day, LedgerPeriodClose.closed_through >= day)
        .order_by(LedgerPeriodClose.id).limit(1))


def closes_of(owner_type: str, owner_id: int, limit: int = 120) -> list[LedgerPeriodClose]:
    """Return the books' closes, latest first (ten years of monthly closes by default)."""
    return list(db.session.scalars(
        select(LedgerPeriodClose).where(LedgerPeriodClose.owner_type == owner_type,
                                        LedgerPeriodClose.owner_id == owner_id)
        .order_by(LedgerPeriodClose.closed_through.desc()).limit(limit)))


def _lock(owner_type: str, owner_id: int, ids: list[int]) -> None:
    """PostgreSQL: one close of these books at a time, and wait out postings in flight on the accounts."""
    conn = db.session.connection()
    if conn.dialect.name != "postgresql":
        return
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                 {"key": zlib.crc32(f"ledger-close:{owner_type}:{owner_id}".encode())})
    if ids:
        previous = conn.scalar(text("SELECT current_setting('lock_timeout')"))
        conn.execute(text("SELECT set_config('lock_timeout', :t, true)"), {"t": LOCK_TIMEOUT})
        conn.execute(select(LedgerAccount.id).where(LedgerAccount.id.in_(ids)).order_by(LedgerAccount.id)
                     .with_for_update())
        conn.execute(text("SELECT set_config('lock_timeout', :t, true)"), {"t": previous or "0"})


def _period_start(owner_type: str, owner_id: int, through: date, given: date | None) -> date:
    previous = closed_through_of(owner_type, owner_id)
    if previous is not None:
        if through <= previous:
            raise Conflict(_l("These books are already closed through %(day)s.", day=lazy_day(previous)))
        start = previous + timedelta(days=1)
        if given is not None and given != start:
            raise InvalidInput(fields={"period_start": [
                _l("The period must start on %(day)s, the day after the last close.", day=lazy_day(start))]})
        return start
    if not isinstance(given, date) or given > through:
        raise InvalidInput(fields={"period_start": [_l("Give the first day of the period, on or before its end.")]})
    return given


def _check_alone(close: LedgerPeriodClose) -> None:
    """After writing: no other close of these books overlaps this period (a backstop for SQLite)."""
    others = db.session.scalar(select(func.count()).select_from(LedgerPeriodClose).where(
        LedgerPeriodClose.owner_type == close.owner_type, LedgerPeriodClose.owner_id == close.owner_id,
        LedgerPeriodClose.id != close.id, LedgerPeriodClose.closed_through >= close.period_start))
    if others:
        raise Conflict(_l("These books were closed by someone else just now; reload and check."))
