"""An account's history, newest first, with the running balance after each line."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from config import settings
from marketplace.ledger.kinds import ENTRY_KINDS
from marketplace.ledger.models import LedgerBalance, LedgerEntry, LedgerPosting
from marketplace.ledger.posting import account_id_of
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db

MAX_LIMIT = 200


@dataclass(frozen=True)
class StatementLine:
    posting_id: int
    entry_id: int
    kind: str
    memo: str
    effective_date: date
    created_at: datetime
    amount: int
    balance_after: int

    @property
    def what(self) -> str:
        """The line's kind in the reader's words (never the code)."""
        return ENTRY_KINDS(self.kind)


@dataclass(frozen=True)
class StatementPage:
    lines: list[StatementLine]
    next_cursor: str | None


def statement(account, cursor: str | None = None, limit: int = 50) -> StatementPage:
    """Return one page of an account's postings, newest first (keyset-paginated)."""
    account_id = account_id_of(account)
    if type(limit) is not int or not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(fields={"limit": [_l("Choose between 1 and %(n)d lines.", n=MAX_LIMIT)]})
    stmt = (select(LedgerPosting.id, LedgerPosting.entry_id, LedgerEntry.kind, LedgerEntry.memo,
                   LedgerEntry.effective_date, LedgerEntry.created_at, LedgerPosting.amount)
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .where(LedgerPosting.account_id == account_id)
            .order_by(LedgerPosting.id.desc()).limit(limit + 1))
    if cursor:
        before, running = _read_cursor(cursor, account_id)
        rows = db.session.execute(stmt.where(LedgerPosting.id < before)).all()
    else:
        # The balance is read in the same statement as the rows, so both see one snapshot.
        current = (select(func.coalesce(func.sum(LedgerBalance.posted), 0))
                   .where(LedgerBalance.account_id == account_id).scalar_subquery())
        rows = db.session.execute(stmt.add_columns(current)).all()
        running = int(rows[0][-1]) if rows else 0
    lines = []
    for row in rows[:limit]:
        lines.append(StatementLine(*row[:7], balance_after=running))
        running -= row.amount
    more = len(rows) > limit
    return StatementPage(lines, _write_cursor(lines[-1].posting_id, running, account_id) if more else None)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(settings.SECRET_KEY, salt="ledger-statement")


def _write_cursor(before: int, running: int, account_id: int) -> str:
    return _serializer().dumps([account_id, before, running])


def _read_cursor(cursor: str, account_id: int) -> tuple[int, int]:
    try:
        owner, before, running = _serializer().loads(cursor)
    except (BadSignature, ValueError, TypeError):
        raise InvalidInput(fields={"cursor": [_l("This cursor is not valid.")]}) from None
    if owner != account_id:
        raise InvalidInput(fields={"cursor": [_l("This cursor is not valid.")]})
    return int(before), int(running)
