"""Stream the whole ledger as CSV, JSON or beancount, in constant memory."""
from __future__ import annotations

import csv
import io
import itertools
import json
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Connection, func, select

from marketplace.ledger import chain
from marketplace.ledger.models import GENESIS_HASH as GENESIS_HASH  # the open data states it
from marketplace.ledger.models import LedgerAccount, LedgerBalance, LedgerEntry, LedgerPosting
from marketplace.ledger.purposes import PURPOSES, Unit
from marketplace.ledger.verify import BATCH
from marketplace.platform.spreadsheet import spreadsheet_safe
from marketplace.platform.timeutil import local_today

FORMATS = ("csv", "json", "beancount")
CSV_COLUMNS = ["entry_id", "lane", "seq", "created_at", "effective_date", "kind", "memo", "key", "v", "actor_id",
               "actor_ref", "reverses_id", "account_id", "account", "unit", "amount", "prev_hash", "hash"]
COMMODITY = {Unit.FEN: "CNY", Unit.MINUTES: "MIN", Unit.POINTS: "PTS", Unit.MEALS: "MEAL"}


def export(conn: Connection, fmt: str, since: date | None = None) -> Iterator[str]:
    """Yield the ledger in `fmt`, entry by entry, from entries effective on or after `since`."""
    writer = {"csv": _csv, "json": _json, "beancount": _beancount}[fmt]
    return writer(conn, since)


def account_name(account) -> str:
    """Name an account as beancount would: Root:Purpose:Owner."""
    spec = PURPOSES.get(account.purpose)
    root = spec.root if spec else "Assets"
    purpose = "".join(part.capitalize() for part in account.purpose.split("_"))
    owner = account.owner_type.capitalize() + (str(account.owner_id) if account.owner_id else "")
    return f"{root}:{purpose}:{owner}"


def _entries(conn: Connection, since: date | None):
    return entries(conn, since=since)


def entries(conn: Connection, *, since: date | None = None, until: date | None = None, where=None):
    """Yield (entry row, [posting rows with their account's columns]) in entry order, streaming from the
    database: entries effective from `since` to `until` (inclusive), further narrowed by `where` if given."""
    stmt = (select(*LedgerEntry.__table__.c, LedgerPosting.account_id, LedgerPosting.amount, LedgerAccount.unit,
                   LedgerAccount.purpose, LedgerAccount.owner_type, LedgerAccount.owner_id)
            .join(LedgerPosting, LedgerPosting.entry_id == LedgerEntry.id)
            .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
            .order_by(LedgerEntry.id, LedgerPosting.id)
            .execution_options(yield_per=BATCH))
    if since is not None:
        stmt = stmt.where(LedgerEntry.effective_date >= since)
    if until is not None:
        stmt = stmt.where(LedgerEntry.effective_date <= until)
    if where is not None:
        stmt = stmt.where(where)
    for _entry_id, group in itertools.groupby(conn.execute(stmt), key=lambda r: r.id):
        rows = list(group)
        yield rows[0], rows


def entries_touching(conn: Connection, accounts=None, *, since: date | None = None, until: date | None = None):
    """Yield `entries` that post to any of `accounts` (a SELECT of account ids), or every entry when None."""
    where = None
    if accounts is not None:
        where = LedgerEntry.id.in_(select(LedgerPosting.entry_id).where(LedgerPosting.account_id.in_(accounts)))
    return entries(conn, since=since, until=until, where=where)


def account_rows(conn: Connection, accounts):
    """Return the rows (every column) of the accounts `accounts` (a SELECT of ids) selects, in id order."""
    return conn.execute(select(*LedgerAccount.__table__.c).where(LedgerAccount.id.in_(accounts))
                        .order_by(LedgerAccount.id))


def totals_before(conn: Connection, since: date, *, kinds, unit: str, accounts=None):
    """Return account rows (every column) with `total`: the sum of each account's postings in entries of
    `kinds` effective before `since`, over accounts in `unit` (only those `accounts` selects, if given)."""
    stmt = (select(*LedgerAccount.__table__.c, func.sum(LedgerPosting.amount).label("total"))
            .join(LedgerPosting, LedgerPosting.account_id == LedgerAccount.id)
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .where(LedgerEntry.effective_date < since, LedgerEntry.kind.in_(kinds), LedgerAccount.unit == unit)
            .group_by(*LedgerAccount.__table__.c).order_by(LedgerAccount.id))
    if accounts is not None:
        stmt = stmt.where(LedgerAccount.id.in_(accounts))
    return conn.execute(stmt)


def actor_fields(entry) -> dict:
    """Name an entry's actor as its hash scheme covers it: a user id only in the legacy scheme 1,
    which cannot be re-hashed; otherwise the salted `actor_ref` (the salt is never exported)."""
    if entry.hash_scheme == 1:
        return {"actor_id": entry.actor_id}
    return {"actor_ref": chain.actor_ref(entry.actor_salt, entry.actor_id)}


def entry_json(entry, postings) -> dict:
    return {
        "id": entry.id, "v": entry.hash_scheme, "lane": entry.lane, "seq": entry.seq, "key": entry.idempotency_key,
        "kind": entry.kind, "memo": entry.memo, "effective_date": entry.effective_date.isoformat(),
        "created_at": chain.timestamp(entry.created_at), **actor_fields(entry),
        "reverses_id": entry.reverses_id, "prev_hash": entry.prev_hash, "hash": entry.hash,
        "postings": [{"account_id": p.account_id, "account": account_name(p), "unit": p.unit, "amount": p.amount}
                     for p in postings],
    }


def _json(conn: Connection, since: date | None) -> Iterator[str]:
    header = {"format": "goodhours-ledger", "hash_scheme": chain.PER_ENTRY,
              "since": since.isoformat() if since else None}
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "entries": ['
    for n, (entry, postings) in enumerate(_entries(conn, since)):
        yield ("," if n else "") + "\n" + json.dumps(entry_json(entry, postings), ensure_ascii=False)
    yield "\n]}\n"


def _csv(conn: Connection, since: date | None) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry, postings in _entries(conn, since):
        actor = actor_fields(entry)
        for p in postings:
            row = [entry.id, entry.lane, entry.seq, chain.timestamp(entry.created_at),
                   entry.effective_date.isoformat(), entry.kind, entry.memo, entry.idempotency_key,
                   entry.hash_scheme, actor.get("actor_id"), actor.get("actor_ref"), entry.reverses_id,
                   p.account_id, account_name(p), p.unit, p.amount, entry.prev_hash, entry.hash]
            writer.writerow([spreadsheet_safe(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def _amount(amount: int, unit: str) -> str:
    value = (Decimal(amount) / 100).quantize(Decimal("0.01")) if unit == Unit.FEN else Decimal(amount)
    return f"{value} {COMMODITY[unit]}"


def _text(value: str) -> str:
    return '"' + value.replace("\\", "/").replace('"', "'").replace("\n", " ").replace("\r", " ") + '"'


def _beancount(conn: Connection, since: date | None) -> Iterator[str]:
    first, last = conn.execute(select(func.min(LedgerEntry.effective_date), func.max(LedgerEntry.effective_date))
                               .where(LedgerEntry.effective_date >= (since or date.min))).one()
    opened = min(d for d in (first, since, last, local_today()) if d is not None) - timedelta(days=1)
    closing = max(d for d in (last, since, local_today()) if d is not None) + timedelta(days=1)
    yield (";; Goodhours ledger, exported for beancount. Amounts: CNY in yuan, MIN in minutes, PTS in points,"
           " MEAL in meals.\n")
    yield 'option "title" "Goodhours ledger"\noption "operating_currency" "CNY"\n\n'
    yield "".join(f"{opened} commodity {name}\n" for name in COMMODITY.values())
    yield f"{opened} open Equity:OpeningBalances\n"
    accounts = select(*LedgerAccount.__table__.c).order_by(LedgerAccount.id).execution_options(yield_per=BATCH)
    for account in conn.execute(accounts):
        yield f"{opened} open {account_name(account)} {COMMODITY[account.unit]}\n"
    if since is not None:
        yield from _opening_balances(conn, since)
    for entry, postings in _entries(conn, since):
        yield (f"\n{entry.effective_date} * {_text(entry.kind)} {_text(entry.memo)}\n"
               f'  entry-id: "{entry.id}"\n  hash: "{entry.hash}"\n')
        for p in postings:
            yield f"  {account_name(p)}  {_amount(p.amount, p.unit)}\n"
    yield "\n"
    totals = (select(*LedgerAccount.__table__.c, func.sum(LedgerBalance.posted).label("posted"))
              .join(LedgerBalance, LedgerBalance.account_id == LedgerAccount.id)
              .group_by(LedgerAccount.id).order_by(LedgerAccount.id).execution_options(yield_per=BATCH))
    for row in conn.execute(totals):
        yield f"{closing} balance {account_name(row)}  {_amount(int(row.posted), row.unit)}\n"


def _opening_balances(conn: Connection, since: date) -> Iterator[str]:
    """Carry each account's total before `since` in from Equity:OpeningBalances."""
    stmt = (select(*LedgerAccount.__table__.c, func.sum(LedgerPosting.amount).label("total"))
            .join(LedgerPosting, LedgerPosting.account_id == LedgerAccount.id)
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .where(LedgerEntry.effective_date < since)
            .group_by(LedgerAccount.id).order_by(LedgerAccount.id).execution_options(yield_per=BATCH))
    day = since - timedelta(days=1)
    for row in conn.execute(stmt):
        if row.total:
            yield (f'\n{day} * "opening" "Balance before {since}"\n'
                   f"  {account_name(row)}  {_amount(int(row.total), row.unit)}\n"
                   f"  Equity:OpeningBalances  {_amount(-int(row.total), row.unit)}\n")
