"""Read statement CSVs line by line (never the whole file in memory): Stripe's balance-transaction
and payout reconciliation reports, and bank statements laid out as a saved `BankProfile` says.

Each reader yields, per CSV line, either the statement lines it gives (dicts ready to insert) or
the errors found on it: {line, column, code, value}. Amounts are read with Decimal to whole fen;
a third decimal is an error, never rounded.
"""
from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

MAX_FEN = 10**13  # ¥100 billion: anything larger is a typo
AMOUNT = re.compile(r"^[+-]?\d+(?:\.\d+)?$")
STRIPE_ID = re.compile(r"^[A-Za-z0-9_]{3,120}$")
# Stripe names the same column differently in the Dashboard export and the report API's CSVs.
STRIPE_ALIASES = {
    "id": ("id", "balance_transaction_id"),
    "type": ("type", "reporting_category"),
    "source": ("source", "source_id"),
    "amount": ("amount", "gross"),
    "fee": ("fee",),
    "net": ("net",),
    "currency": ("currency",),
    "created": ("created_utc", "created", "created_(utc)"),
    "available_on": ("available_on_utc", "available_on", "available_on_(utc)"),
    "payout": ("automatic_payout_id", "payout", "payout_id", "transfer"),
    "description": ("description",),
    "charge": ("charge_id", "payment_intent_id"),
}
STRIPE_REQUIRED = ("id", "type", "amount", "currency", "created")
STRIPE_KINDS = {"charge": "charge", "payment": "charge", "refund": "refund", "payment_refund": "refund",
                "payout": "payout", "stripe_fee": "fee", "fee": "fee"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日",
                "%d/%m/%Y", "%m/%d/%Y")
PROBLEMS = {
    "encoding": _l("The file is not in the chosen encoding."),
    "missing_column": _l("This column is missing from the header line."),
    "empty_file": _l("The file has no lines after its header."),
    "required": _l("A value is required here."),
    "not_amount": _l("This is not an amount such as 12.34 or -3.50."),
    "too_precise": _l("An amount may have at most 2 decimals (fen)."),
    "too_large": _l("This amount is too large."),
    "not_date": _l("This is not a date in the expected format."),
    "currency": _l("Only statements in CNY can be reconciled."),
    "bad_id": _l("This is not a Stripe id."),
    "net_mismatch": _l("Amount minus fee does not equal net."),
    "debit_and_credit": _l("Give either a debit or a credit on a line, not both."),
    "too_many_columns": _l("This line has more cells than the header."),
    "bad_csv": _l("This line is not valid CSV."),
}


def problem(code: str) -> str:
    """Return the translated wording of an error code."""
    return str(PROBLEMS.get(code, code))


def error(line: int, column: str, code: str, value: str = "") -> dict:
    return {"line": line, "column": column[:80], "code": code, "value": str(value)[:40]}


def parse_fen(text: str | None) -> tuple[int | None, str | None]:
    """Read "12.34", "-3.50", "1,234.5" or "¥12" as fen; return (fen, None) or (None, error code)."""
    value = (text or "").strip().replace(",", "").replace("¥", "").replace("￥", "").replace(" ", "")
    if not AMOUNT.match(value):
        return None, "not_amount"
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None, "not_amount"
    if number.as_tuple().exponent < -2:
        return None, "too_precise"
    fen = int(number * 100)
    if abs(fen) > MAX_FEN:
        return None, "too_large"
    return fen, None


def rows(handle, required: tuple[str, ...], aliases: dict[str, tuple[str, ...]]) -> Iterator[tuple[int, dict | list]]:
    """Yield (line number, {field: cell}) for each data line, or (line, [errors]) for a bad header/line.

    `aliases` maps our field names to the header names that may hold them (compared loosely).
    """
    reader = csv.reader(handle)
    try:
        header = next(reader, None)
        if header is None:
            yield 1, [error(1, "", "empty_file")]
            return
        names = [_loose(h) for h in header]
        where = {}
        for field, options in aliases.items():
            for option in options:
                if _loose(option) in names:
                    where[field] = names.index(_loose(option))
                    break
        missing = [aliases[f][0] for f in required if f not in where]
        if missing:
            yield 1, [error(1, name, "missing_column") for name in missing]
            return
        seen = False
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            seen = True
            if len(cells) > len(header):
                yield reader.line_num, [error(reader.line_num, "", "too_many_columns")]
                continue
            yield reader.line_num, {f: (cells[i].strip() if i < len(cells) else "") for f, i in where.items()}
        if not seen:
            yield 2, [error(2, "", "empty_file")]
    except UnicodeDecodeError:
        yield reader.line_num + 1, [error(reader.line_num + 1, "", "encoding")]
    except csv.Error:
        yield reader.line_num, [error(reader.line_num, "", "bad_csv")]


def _loose(name: str) -> str:
    return re.sub(r"[\s_]+", "_", (name or "").strip().lstrip("\ufeff").lower())


# --- Stripe ---------------------------------------------------------------------------------------

def stripe_lines(number: int, cells: dict) -> tuple[list[dict], list[dict]]:
    """Turn one Stripe report line into statement lines (gross, and fee when there is one), or errors."""
    errors = []
    txn = cells.get("id", "")
    if not STRIPE_ID.match(txn):
        errors.append(error(number, "id", "bad_id" if txn else "required", txn))
    if cells.get("currency", "").lower() != "cny":
        errors.append(error(number, "currency", "currency", cells.get("currency", "")))
    amount, bad = parse_fen(cells.get("amount"))
    if bad:
        errors.append(error(number, "amount", bad, cells.get("amount", "")))
    fee = 0
    if cells.get("fee"):
        fee, bad = parse_fen(cells["fee"])
        if bad:
            errors.append(error(number, "fee", bad, cells["fee"]))
    if cells.get("net") and not errors:
        net, bad = parse_fen(cells["net"])
        if bad or net != amount - fee:
            errors.append(error(number, "net", bad or "net_mismatch", cells["net"]))
    day = stripe_day(cells.get("created", ""))
    if day is None:
        errors.append(error(number, "created", "not_date", cells.get("created", "")))
    if not cells.get("type"):
        errors.append(error(number, "type", "required"))
    if errors:
        return [], errors
    kind = STRIPE_KINDS.get(cells["type"].lower(), "other")
    source = cells.get("source", "")[:120]
    payout = source if kind == "payout" and source.startswith("po_") else cells.get("payout", "")[:120]
    base = dict(value_date=day, source_ref=source, charge_ref=cells.get("charge", "")[:120], payout_ref=payout,
                description=cells.get("description", "")[:300], reference="")
    found = []
    if amount:
        found.append(dict(base, uid=txn, kind=kind, amount_fen=amount))
    if fee:
        found.append(dict(base, uid=f"{txn}:fee", kind="fee", amount_fen=-fee))
    return found, []


def stripe_day(text: str) -> date | None:
    """Read Stripe's created time: "2026-11-30 05:12:33", ISO with a zone, or a Unix timestamp (UTC)."""
    text = text.strip()
    if text.isdigit() and len(text) <= 12:
        return datetime.fromtimestamp(int(text), UTC).date()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


# --- banks ----------------------------------------------------------------------------------------

def bank_aliases(profile) -> tuple[tuple[str, ...], dict]:
    """Return the required fields and the header names of a bank profile's layout."""
    aliases = {"date": (profile.date_column,)}
    required = ["date"]
    if profile.amount_column:
        aliases["amount"] = (profile.amount_column,)
        required.append("amount")
    else:
        aliases["debit"], aliases["credit"] = (profile.debit_column,), (profile.credit_column,)
        required += ["debit", "credit"]
    for field, column in (("description", profile.description_column), ("reference", profile.reference_column)):
        if column:
            aliases[field] = (column,)
    return tuple(required), aliases


def bank_line(profile, number: int, cells: dict, occurrences: dict) -> tuple[list[dict], list[dict]]:
    """Turn one bank statement line into a statement line (money in positive), or errors."""
    errors = []
    try:
        day = datetime.strptime(cells.get("date", ""), profile.date_format).date()
    except ValueError:
        day = None
        errors.append(error(number, profile.date_column, "not_date", cells.get("date", "")))
    if profile.amount_column:
        amount, bad = parse_fen(cells.get("amount"))
        if bad:
            errors.append(error(number, profile.amount_column, bad, cells.get("amount", "")))
    else:
        amount = _debit_credit(profile, number, cells, errors)
    if errors:
        return [], errors
    if not amount:
        return [], []
    reference, description = cells.get("reference", "")[:120], cells.get("description", "")[:300]
    base = f"{profile.id}|{day.isoformat()}|{amount}|{reference}|{description}"
    occurrences[base] = occurrences.get(base, 0) + 1  # the same line twice in one file is two lines
    uid = hashlib.sha256(f"{base}|{occurrences[base]}".encode()).hexdigest()
    return [dict(uid=f"bank:{uid}", kind="bank", value_date=day, amount_fen=amount, source_ref="", charge_ref="",
                 payout_ref="", description=description, reference=reference)], []


def _debit_credit(profile, number: int, cells: dict, errors: list) -> int | None:
    values = {}
    for field, column in (("debit", profile.debit_column), ("credit", profile.credit_column)):
        text = cells.get(field, "")
        if not text.strip() or text.strip() in ("-", "--"):
            values[field] = 0
            continue
        fen, bad = parse_fen(text)
        if bad:
            errors.append(error(number, column, bad, text))
        values[field] = abs(fen or 0)
    if errors:
        return None
    if values["debit"] and values["credit"]:
        errors.append(error(number, profile.debit_column, "debit_and_credit"))
        return None
    return values["credit"] - values["debit"]
