"""Public ledger lines as open data: CSV or JSON for the platform, an organisation or a fund, streamed.

What is public: money entries (unit fen) of the kinds in PUBLIC_KINDS, and donated-meal entries (units
meal and pt) of the kinds in MEAL_KINDS. Their keys, kinds and memos carry only internal ids and public codes
(see marketplace/payments/postings.py; a meal's key names the reservation's id, never who took it), their
accounts belong to funds, organisations and the platform, and their actors are staff recording a gift, a
payout or a disbursement, or serving a meal (an online gift has no actor). Everything else
(hours, whose accounts and memos name volunteers; reversals and other corrections, whose memos are
free-text reasons) is private: the platform JSON shows it as a sealed stub carrying only its lane,
seq and hashes, so every lane still links end to end. See docs/transparency.md.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Connection, select

from marketplace.funds.models import Fund
from marketplace.ledger import chain
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger.export import (
    GENESIS_HASH,
    account_name,
    account_rows,
    actor_fields,
    entries_touching,
    entry_json,
    totals_before,
)
from marketplace.ledger.purposes import Unit
from marketplace.ledger.verify import snapshot
from marketplace.platform.spreadsheet import spreadsheet_safe
from marketplace.platform.timeutil import now_utc

FORMAT_NAME = "goodhours-open-ledger"
FORMAT_VERSION = 2  # 2: each entry says its hash scheme ("v"); scheme 2 entries carry actor_ref
# Entry kinds whose content is public: their memos are written by the code, never typed by a person.
# marketplace/payments/postings.py posts the first five (a gift's or a disbursement's public code, a Stripe
# payout id); marketplace/reconciliation/resolve.py posts corrections ("statement line <n>"; the reason a
# member of staff gives stays in the reconciliation records). Reversals carry a typed reason: sealed.
PUBLIC_KINDS = ("donation", "stripe.fee", "refund", "stripe.payout", "disbursement", "reconciliation.correction")
# Donated meals (M餐): a meal served (the firm's meal counted as served, the firm's points issued) and a firm's
# points exchanged for ingredients. Their accounts are firms' and the platform's, their keys the reservation's
# or the exchange's id; nothing in them names who ate (marketplace/meals/). Anyone can re-check points and meals.
MEAL_KINDS = ("meal.served", "points.exchange")
MEAL_UNITS = (Unit.MEALS, Unit.POINTS)
# No actor_id: the user who posted an entry (staff approving a disbursement, booking a correction) is nobody's
# business. Entries of hash scheme 2 carry only the salted `actor_ref`; the JSON keeps the id of legacy scheme 1
# entries, which cannot be re-hashed (see docs/transparency.md).
CSV_COLUMNS = ["entry_id", "lane", "seq", "effective_date", "created_at", "kind", "memo", "key", "actor_ref",
               "reverses_id", "account_id", "account", "unit", "amount", "amount_fen", "amount_yuan", "prev_hash",
               "hash"]  # amount: in the row's unit; amount_fen and amount_yuan: money rows only


@dataclass
class Scope:
    """Which entries an export holds: the whole platform, one organisation's or one fund's."""

    kind: str  # platform, organisation or fund
    name: str = ""
    organisation_id: int | None = None
    fund_code: str | None = None
    accounts: object = None  # a SELECT of the scope's account ids (None for the platform)

    def header(self) -> dict:
        return {"type": self.kind, "name": self.name, "organisation_id": self.organisation_id,
                "fund": self.fund_code}


@dataclass
class Totals:
    opening: int = 0
    inflow: int = 0
    outflow: int = 0
    account: object = None

    def json(self, account_id: int) -> dict:
        return {"account_id": account_id, "account": account_name(self.account) if self.account else "",
                "unit": self.account.unit if self.account else Unit.FEN, "opening": self.opening,
                "inflow": self.inflow, "outflow": self.outflow,
                "closing": self.opening + self.inflow - self.outflow}


@dataclass
class _Tally:
    accounts: dict[int, Totals] = field(default_factory=dict)
    entries: int = 0
    sealed: int = 0


def scope_of(org=None, fund: Fund | None = None) -> Scope:
    """Return the scope of an export: a fund's account, an organisation's fund and own money accounts, or all."""
    if fund is not None:
        accounts = ledger_queries.accounts_owned_select(None, {"fund": [fund.id]}, purpose="fund")
        return Scope("fund", fund.name_zh, fund.organisation_id, fund.public_code, accounts)
    if org is not None:
        funds = select(Fund.id).where(Fund.organisation_id == org.id)
        accounts = ledger_queries.accounts_owned_select(Unit.FEN, {"fund": funds, "organisation": [org.id]}).union(
            *(ledger_queries.accounts_owned_select(unit, {"organisation": [org.id]}) for unit in MEAL_UNITS))
        return Scope("organisation", org.name_zh, org.id, None, accounts)
    return Scope("platform", "Goodhours")


def stream_lines(fmt: str, *, org=None, fund: Fund | None = None, since: date | None = None,
                 until: date | None = None) -> Iterator[str]:
    """Yield the public ledger lines in scope as CSV or JSON, entry by entry, in constant memory."""
    writer = {"csv": _csv, "json": _json}[fmt]
    scope = scope_of(org, fund)
    generated_at = now_utc()
    with snapshot() as conn:
        yield from writer(conn, scope, since, until, generated_at)


def is_public(entry, postings) -> bool:
    if entry.kind in MEAL_KINDS:
        return all(p.unit in MEAL_UNITS for p in postings)
    return entry.kind in PUBLIC_KINDS and all(p.unit == Unit.FEN for p in postings)


def _entries(conn: Connection, scope: Scope, since: date | None, until: date | None):
    """Yield (entry row, [posting rows with account columns]) in entry order, from a server-side cursor."""
    return entries_touching(conn, scope.accounts, since=since, until=until)


def _opening(conn: Connection, scope: Scope, since: date | None) -> _Tally:
    """Start the tally: each scope account (or, for the platform, each account) with its public total before `since`."""
    tally = _Tally()
    if scope.accounts is not None:
        for account in account_rows(conn, scope.accounts):
            tally.accounts[account.id] = Totals(account=account)
    if since is None:
        return tally
    before = [(PUBLIC_KINDS, Unit.FEN)] + [(MEAL_KINDS, unit) for unit in MEAL_UNITS]
    for kinds, unit in before:
        for row in totals_before(conn, since, kinds=kinds, unit=unit, accounts=scope.accounts):
            tally.accounts.setdefault(row.id, Totals(account=row)).opening = int(row.total or 0)
    return tally


def _count(tally: _Tally, scope: Scope, postings) -> None:
    tally.entries += 1
    for p in postings:
        totals = tally.accounts.get(p.account_id)
        if totals is None:
            if scope.accounts is not None:
                continue  # the other side of a movement, outside the scope
            totals = tally.accounts[p.account_id] = Totals(account=p)
        if p.amount > 0:
            totals.inflow += p.amount
        else:
            totals.outflow -= p.amount


def _json(conn, scope: Scope, since, until, generated_at) -> Iterator[str]:
    tally = _opening(conn, scope, since)
    header = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "hash_scheme": chain.PER_ENTRY,
              "genesis_hash": GENESIS_HASH, "scope": scope.header(),
              "from": since.isoformat() if since else None, "until": until.isoformat() if until else None,
              # whole lanes from seq 1: a missing seq means a missing entry
              "complete_lanes": scope.kind == "platform" and since is None and until is None,
              "generated_at": chain.timestamp(generated_at)}
    yield json.dumps(header, ensure_ascii=False)[:-1] + ', "entries": ['
    n = 0
    for entry, postings in _entries(conn, scope, since, until):
        if is_public(entry, postings):
            _count(tally, scope, postings)
            item = entry_json(entry, postings)
        elif scope.kind == "platform":
            tally.sealed += 1
            item = {"lane": entry.lane, "seq": entry.seq, "prev_hash": entry.prev_hash, "hash": entry.hash,
                    "sealed": True}
        else:
            continue
        yield ("," if n else "") + "\n" + json.dumps(item, ensure_ascii=False)
        n += 1
    footer = {"entries": tally.entries, "sealed": tally.sealed,
              "accounts": [t.json(account_id) for account_id, t in sorted(tally.accounts.items())]}
    yield '\n], "totals": ' + json.dumps(footer, ensure_ascii=False) + "}\n"


def yuan(amount_fen: int) -> str:
    """Write fen as yuan with two decimals, exactly (no float)."""
    return str((Decimal(amount_fen) / 100).quantize(Decimal("0.01")))


def _csv(conn, scope: Scope, since, until, generated_at) -> Iterator[str]:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # utf-8-sig: spreadsheet programs then read the Chinese text right
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry, postings in _entries(conn, scope, since, until):
        if not is_public(entry, postings):
            continue
        for p in postings:
            row = [entry.id, entry.lane, entry.seq, entry.effective_date.isoformat(),
                   chain.timestamp(entry.created_at), entry.kind, entry.memo, entry.idempotency_key,
                   actor_fields(entry).get("actor_ref"), entry.reverses_id, p.account_id, account_name(p), p.unit]
            money = p.unit == Unit.FEN
            # amounts are numbers written here, so they need no formula escaping (a leading "-" is a sign)
            writer.writerow([spreadsheet_safe(v) for v in row] + [
                p.amount, p.amount if money else "", yuan(p.amount) if money else "", entry.prev_hash, entry.hash])
        if buffer.tell() > 64_000:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
