"""What is reconciled for one account and period: totals on both sides, matched and unmatched,
the unmatched items (keyset-paginated on screen, streamed into the XLSX), and for Stripe's
clearing account whether it nets to zero (inflows − fees − refunds − payouts = 0).

Amounts are shown as the statement shows them (money in positive), so a posting counts as −amount.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select

from marketplace.ledger import queries as ledger_queries
from marketplace.ledger.kinds import ENTRY_KINDS
from marketplace.ledger.service import Account
from marketplace.platform.extensions import db
from marketplace.platform.spreadsheet import XlsxCells, spreadsheet_safe, yuan
from marketplace.reconciliation.labels import ACCOUNTS, LINE_KINDS
from marketplace.reconciliation.models import ReconciliationMatch, StatementLine

PAGE = 50
CLEARING_KINDS = {"donation": "inflows", "stripe.fee": "fees", "refund": "refunds", "stripe.payout": "payouts"}


@dataclass
class Side:
    count: int = 0
    total: int = 0
    matched_count: int = 0
    matched_total: int = 0

    @property
    def unmatched_count(self) -> int:
        return self.count - self.matched_count

    @property
    def unmatched_total(self) -> int:
        return self.total - self.matched_total


@dataclass
class Figures:
    account: Account
    start: date
    end: date
    statement: Side
    ledger: Side
    clearing: dict = field(default_factory=dict)  # inflows, fees, refunds, payouts, other, difference

    @property
    def difference(self) -> int:
        return self.statement.total - self.ledger.total


def figures(account: Account, start: date, end: date) -> Figures:
    """Return the period's totals for both sides (one query per side)."""
    line_matched = ReconciliationMatch.id.is_not(None)
    row = db.session.execute(
        select(func.count(StatementLine.id), func.coalesce(func.sum(StatementLine.amount_fen), 0),
               func.count(ReconciliationMatch.id),
               func.coalesce(func.sum(case((line_matched, StatementLine.amount_fen), else_=0)), 0))
        .outerjoin(ReconciliationMatch, ReconciliationMatch.line_id == StatementLine.id)
        .where(StatementLine.account_id == account.id, StatementLine.value_date.between(start, end))).one()
    statement = Side(*(int(v) for v in row))
    line = ledger_queries.lines()
    row = db.session.execute(
        select(func.count(line.c.posting_id), func.coalesce(-func.sum(line.c.amount), 0),
               func.count(ReconciliationMatch.id),
               func.coalesce(-func.sum(case((line_matched, line.c.amount), else_=0)), 0))
        .select_from(line).outerjoin(ReconciliationMatch, ReconciliationMatch.posting_id == line.c.posting_id)
        .where(line.c.account_id == account.id, line.c.effective_date.between(start, end))).one()
    ledger = Side(*(int(v) for v in row))
    result = Figures(account, start, end, statement, ledger)
    if account.purpose == "stripe_clearing":
        result.clearing = clearing(account, start, end)
    return result


def clearing(account: Account, start: date, end: date) -> dict:
    """Split the clearing account's movements in the period by cause; the difference should be zero."""
    sums = dict.fromkeys(("inflows", "fees", "refunds", "payouts", "other"), 0)
    line = ledger_queries.lines()
    for kind, total in db.session.execute(
            select(line.c.kind, func.sum(line.c.amount))
            .where(line.c.account_id == account.id, line.c.effective_date.between(start, end))
            .group_by(line.c.kind)):
        name = CLEARING_KINDS.get(kind, "other")
        # inflows are debits (negative); fees, refunds and payouts credits (positive)
        sums[name] += -int(total) if name in ("inflows", "other") else int(total)
    sums["difference"] = sums["inflows"] + sums["other"] - sums["fees"] - sums["refunds"] - sums["payouts"]
    return sums


def unmatched_lines(account: Account, start: date, end: date, after: int = 0, limit: int = PAGE):
    """Return a page of unmatched statement lines (by id, after `after`) and whether more follow."""
    stmt = (select(StatementLine).outerjoin(ReconciliationMatch, ReconciliationMatch.line_id == StatementLine.id)
            .where(StatementLine.account_id == account.id, StatementLine.value_date.between(start, end),
                   ReconciliationMatch.id.is_(None), StatementLine.id > after)
            .order_by(StatementLine.id).limit(limit + 1))
    found = list(db.session.scalars(stmt))
    return found[:limit], len(found) > limit


def unmatched_postings(account: Account, start: date, end: date, after: int = 0, limit: int = PAGE):
    """Return a page of unmatched postings (id, -amount, effective date, kind, memo) and whether more follow."""
    line = ledger_queries.lines()
    stmt = (select(line.c.posting_id.label("id"), (-line.c.amount).label("amount"), line.c.effective_date,
                   line.c.kind, line.c.memo)
            .select_from(line).outerjoin(ReconciliationMatch, ReconciliationMatch.posting_id == line.c.posting_id)
            .where(line.c.account_id == account.id, line.c.effective_date.between(start, end),
                   ReconciliationMatch.id.is_(None), line.c.posting_id > after)
            .order_by(line.c.posting_id).limit(limit + 1))
    found = db.session.execute(stmt).all()
    return found[:limit], len(found) > limit


def xlsx(found: Figures, labels: dict) -> bytes:
    """Write the report as a workbook (XlsxWriter in constant-memory mode, rows streamed page by page):
    days as dates, yuan as ¥ numbers, kinds in words."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    cells = XlsxCells(book)
    summary = book.add_worksheet(labels["summary"][:31])
    rows = [(labels["account"], ACCOUNTS(found.account.purpose)), (labels["start"], found.start),
            (labels["end"], found.end)]
    for name, side in ((labels["statement"], found.statement), (labels["ledger"], found.ledger)):
        rows += [(f"{name}: {labels['count']}", side.count), (f"{name}: {labels['total']}", yuan(side.total)),
                 (f"{name}: {labels['matched']}", side.matched_count),
                 (f"{name}: {labels['matched_total']}", yuan(side.matched_total)),
                 (f"{name}: {labels['unmatched']}", side.unmatched_count),
                 (f"{name}: {labels['unmatched_total']}", yuan(side.unmatched_total))]
    rows.append((labels["difference"], yuan(found.difference)))
    for key, value in found.clearing.items():
        rows.append((labels["difference_clearing" if key == "difference" else key], yuan(value)))
    for r, (name, value) in enumerate(rows):
        summary.write_string(r, 0, spreadsheet_safe(str(name)), cells.bold)
        cells.write(summary, r, 1, value)
    summary.set_column(0, 0, 40)
    summary.set_column(1, 1, 16)
    _unmatched_sheet(book.add_worksheet(labels["unmatched_lines"][:31]), labels["line_columns"], cells,
                     lambda after: unmatched_lines(found.account, found.start, found.end, after, limit=1000),
                     lambda line: (line.id, line.value_date, yuan(line.amount_fen), LINE_KINDS(line.kind),
                                   line.uid, line.reference, line.description))
    _unmatched_sheet(book.add_worksheet(labels["unmatched_postings"][:31]), labels["posting_columns"], cells,
                     lambda after: unmatched_postings(found.account, found.start, found.end, after, limit=1000),
                     lambda posting: (posting.id, posting.effective_date, yuan(posting.amount),
                                      ENTRY_KINDS(posting.kind), posting.memo))
    book.close()
    return out.getvalue()


def _unmatched_sheet(sheet, columns, cells: XlsxCells, page_after, values) -> None:
    """Write a header, then every unmatched item, a page (`page_after(after)`) at a time."""
    for c, name in enumerate(columns):
        sheet.write_string(0, c, name, cells.bold)
    sheet.set_column(1, 2, 14)
    r, after = 1, 0
    while True:
        page, more = page_after(after)
        for item in page:
            for c, value in enumerate(values(item)):
                cells.write(sheet, r, c, value)
            r += 1
        if not more:
            return
        after = page[-1].id