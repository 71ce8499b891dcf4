"""Automatic matching of statement lines to ledger postings on the same account.

First by Stripe ids, on Stripe's clearing account: a charge's source (charge or payment intent)
finds the Donation and so its `donation:<id>` entry, its fee the `fee:<id>` entry, a refund one of
the `refund:<id>:<total>` entries, a payout the `payout:<po id>` entry; the amounts must agree.
Then by amount, for what is left: a posting of the opposite amount whose day (the gift's
`received_on` for offline gifts, else the entry's effective date) lies within
`RECONCILIATION_MATCH_DAYS` (default 3) of the line's; a posting whose gift carries the line's
reference is preferred, then the nearest day, then the oldest.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func, insert, or_, select
from sqlalchemy.exc import IntegrityError

from config import settings
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger.causes import CauseKind
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.platform.sqlite import savepoint
from marketplace.reconciliation.models import ReconciliationMatch, StatementLine

log = logging.getLogger(__name__)
CHUNK = 5000


def auto_match(account_id: int, import_id: int | None = None, actor=None, progress=None) -> int:
    """Match what can be matched among the account's unmatched lines (of one import, if given); flushed.

    `progress()` is called after each chunk (a job's heartbeat, which may commit). Returns how many
    lines were matched.
    """
    account = ledger_queries.account(account_id)
    matched = 0
    if account is not None and account.purpose == "stripe_clearing":
        for lines in _unmatched_lines(account_id, import_id):
            matched += _save(account_id, _by_id(account_id, lines), "id", actor)
            if progress:
                progress()
    for lines in _unmatched_lines(account_id, import_id):
        matched += _save(account_id, _by_amount(account_id, lines), "amount", actor)
        if progress:
            progress()
    return matched


def _unmatched_lines(account_id: int, import_id: int | None):
    """Yield the unmatched lines (as plain rows) in chunks, oldest first, each after the last one saved."""
    after = 0
    while True:
        stmt = (select(StatementLine.id, StatementLine.kind, StatementLine.value_date, StatementLine.amount_fen,
                       StatementLine.source_ref, StatementLine.charge_ref, StatementLine.payout_ref,
                       StatementLine.reference)
                .outerjoin(ReconciliationMatch, ReconciliationMatch.line_id == StatementLine.id)
                .where(StatementLine.account_id == account_id, ReconciliationMatch.id.is_(None),
                       StatementLine.id > after).order_by(StatementLine.id).limit(CHUNK))
        if import_id is not None:
            stmt = stmt.where(StatementLine.import_id == import_id)
        lines = db.session.execute(stmt).all()
        if not lines:
            return
        after = lines[-1].id
        yield lines


def _save(account_id: int, pairs: list[tuple[int, int]], method: str, actor) -> int:
    if not pairs:
        return 0
    rows = [{"account_id": account_id, "line_id": line, "posting_id": posting, "method": method, "reason": "",
             "actor_id": actor.id if actor else None} for line, posting in pairs]
    try:
        with savepoint():
            db.session.execute(insert(ReconciliationMatch), rows)
    except IntegrityError:  # someone matched some of these meanwhile: keep what still fits, one by one
        saved = 0
        for row in rows:
            try:
                with savepoint():
                    db.session.execute(insert(ReconciliationMatch), [row])
                saved += 1
            except IntegrityError:
                continue
        return saved
    return len(rows)


# --- by Stripe ids --------------------------------------------------------------------------------

def _by_id(account_id: int, lines: list[StatementLine]) -> list[tuple[int, int]]:
    refs = {r for line in lines for r in (line.source_ref, line.charge_ref) if r[:3] in ("ch_", "pi_", "py_")}
    donations: dict[str, int] = {}
    if refs:
        for donation_id, charge, intent in db.session.execute(
                select(Donation.id, Donation.charge_id, Donation.payment_intent_id)
                .where(or_(Donation.charge_id.in_(refs), Donation.payment_intent_id.in_(refs)))):
            donations.update({ref: donation_id for ref in (charge, intent) if ref})
    wanted: dict[int, tuple[CauseKind, object]] = {}  # line id -> the cause of its entry (any refund of a gift)
    for line in lines:
        donation = donations.get(line.source_ref) or donations.get(line.charge_ref)
        if line.kind == "payout" and (line.source_ref or line.payout_ref).startswith("po_"):
            wanted[line.id] = (CauseKind.PAYOUT, line.source_ref or line.payout_ref)
        elif donation and line.kind == "charge":
            wanted[line.id] = (CauseKind.DONATION, donation)
        elif donation and line.kind == "fee":
            wanted[line.id] = (CauseKind.FEE, donation)
        elif donation and line.kind == "refund":
            wanted[line.id] = (CauseKind.REFUND, donation)
    if not wanted:
        return []
    by_cause = ledger_queries.postings_by_cause(account_id, wanted.values(), unless=ReconciliationMatch.posting_id)
    pairs, used = [], set()
    for line in lines:
        cause = wanted.get(line.id)
        for posting_id, amount in by_cause.get((cause[0], str(cause[1])), []) if cause else []:
            if posting_id not in used and amount == -line.amount_fen:
                pairs.append((line.id, posting_id))
                used.add(posting_id)
                break
    return pairs


# --- by amount within a window ------------------------------------------------------------------------

def _by_amount(account_id: int, lines: list[StatementLine]) -> list[tuple[int, int]]:
    days = timedelta(days=settings.RECONCILIATION_MATCH_DAYS)
    first, last = min(line.value_date for line in lines) - days, max(line.value_date for line in lines) + days
    posting = ledger_queries.lines()
    day = func.coalesce(Donation.received_on, posting.c.effective_date)
    stmt = (select(posting.c.posting_id, posting.c.amount, day, Donation.reference).select_from(posting)
            .outerjoin(ReconciliationMatch, ReconciliationMatch.posting_id == posting.c.posting_id)
            .outerjoin(Donation, Donation.entry_id == posting.c.entry_id)
            .where(posting.c.account_id == account_id, ReconciliationMatch.id.is_(None), day >= first, day <= last,
                   posting.c.amount.in_({-line.amount_fen for line in lines}))
            .order_by(posting.c.posting_id))
    candidates: dict[int, list] = defaultdict(list)
    for posting_id, amount, on, reference in db.session.execute(stmt):
        candidates[-amount].append((posting_id, on, reference or ""))
    pairs, used = [], set()
    for line in lines:
        best = None
        for posting_id, on, reference in candidates.get(line.amount_fen, []):
            distance = abs((on - line.value_date).days)
            if posting_id in used or distance > days.days:
                continue
            rank = (not (line.reference and reference == line.reference), distance, posting_id)
            if best is None or rank < best[0]:
                best = (rank, posting_id)
        if best is not None:
            pairs.append((line.id, best[1]))
            used.add(best[1])
    return pairs
