"""Staff resolve what matching left: match a line and a posting by hand, or post a correcting entry.

A correcting entry brings the ledger in line with the statement for money the ledger never saw
(bank charges, Stripe adjustments, interest): `reconciliation.correction`, effective today (the
open period), between the reconciled account and the same books' `fees` account: the platform's
`fees` for Stripe's clearing account and the platform's bank, the organisation's own `fees` for
its bank. Money in (interest, a fee given back) lowers fees; money out raises them. Gifts that
reached the bank but were never recorded are not corrections: record them as offline gifts, and
matching finds them. The reason is kept in the match and the audit trail, not in the public memo.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.service import record
from marketplace.checks import reason_given
from marketplace.errors import Conflict, InvalidInput
from marketplace.extensions import db
from marketplace.i18n import money
from marketplace.ledger import service as ledger
from marketplace.ledger.models import LedgerAccount, LedgerPosting
from marketplace.reconciliation import matching
from marketplace.reconciliation.books import Books, account_of, as_id, counter_account, owns
from marketplace.reconciliation.models import ReconciliationMatch, StatementLine
from marketplace.sqlite import savepoint
from marketplace.timeutil import local_today

ALREADY = _l("This line or posting is already matched; reload the page.")


def match_by_hand(actor, books: Books, line_id, posting_id) -> ReconciliationMatch:
    """Match one unmatched statement line and one unmatched posting of equal amount on the same account.

    :raise InvalidInput: naming `line_id` or `posting_id` (unknown, another account, or amounts differ).
    :raise Conflict: one of them is already matched.
    """
    line = _line(books, line_id)
    posting = db.session.get(LedgerPosting, as_id(posting_id, big=True)) if as_id(posting_id, big=True) else None
    if posting is None or posting.account_id != line.account_id:
        raise InvalidInput(fields={"posting_id": [_l("Choose a ledger posting of the same account.")]})
    if posting.amount != -line.amount_fen:
        raise InvalidInput(fields={"posting_id": [_l(
            "The amounts differ: %(line)s on the statement, %(posting)s in the ledger. Match equal amounts, "
            "or post a correcting entry.", line=money(line.amount_fen), posting=money(-posting.amount))]})
    match = _save(line, posting.id, "manual", actor, "")
    record("reconciliation.matched", actor=actor, subject=match, line_id=line.id, posting_id=posting.id)
    db.session.commit()
    return match


def correct(actor, books: Books, line_id, reason) -> ReconciliationMatch:
    """Post a correcting entry for an unmatched statement line and match the line to it.

    :raise InvalidInput: naming `reason` (missing or too long) or `line_id`.
    :raise Conflict: the line is already matched.
    """
    reason = reason_given(reason)
    line = _line(books, line_id)
    if db.session.scalar(select(ReconciliationMatch.id).where(ReconciliationMatch.line_id == line.id)):
        raise Conflict(ALREADY)
    account = db.session.get(LedgerAccount, line.account_id)
    entry = ledger.post([(account, -line.amount_fen), (counter_account(books), line.amount_fen)],
                        key=f"reconciliation:line:{line.id}", kind="reconciliation.correction", actor=actor,
                        memo=f"reconciliation correction, statement line {line.id}", effective_date=local_today())
    posting_id = db.session.scalar(select(LedgerPosting.id).where(LedgerPosting.entry_id == entry.id,
                                                                  LedgerPosting.account_id == line.account_id))
    match = _save(line, posting_id, "correction", actor, reason)
    record("reconciliation.corrected", actor=actor, subject=match, line_id=line.id, entry_id=entry.id,
           amount_fen=line.amount_fen, reason=reason)
    db.session.commit()
    return match


def rematch(actor, books: Books, purpose: str) -> int:
    """Run automatic matching again over one account's unmatched lines; return how many matched."""
    account = account_of(books, purpose)
    matched = matching.auto_match(account.id, actor=actor)
    record("reconciliation.rematched", actor=actor, account_id=account.id, matched=matched)
    db.session.commit()
    return matched


def _line(books: Books, line_id) -> StatementLine:
    line = db.session.get(StatementLine, as_id(line_id, big=True)) if as_id(line_id, big=True) else None
    if line is None or not owns(books, line.account_id):
        raise InvalidInput(fields={"line_id": [_l("Choose a statement line of these books.")]})
    return line


def _save(line: StatementLine, posting_id: int, method: str, actor, reason: str) -> ReconciliationMatch:
    match = ReconciliationMatch(account_id=line.account_id, line_id=line.id, posting_id=posting_id, method=method,
                                reason=reason, actor_id=actor.id)
    try:
        with savepoint():
            db.session.add(match)
            db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(ALREADY) from None
    return match
