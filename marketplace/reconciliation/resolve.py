"""Staff resolve what matching left: match a line and a posting by hand, or post a correcting entry.

A correcting entry brings the ledger in line with the statement for money the ledger never saw
(bank charges, Stripe adjustments, interest): `reconciliation.correction`, effective today (the
open period), between the reconciled account and the same books' `fees` account: the platform's
`fees` for Stripe's clearing account and the platform's bank, the organisation's own `fees` for
its bank. Money in (interest, a fee given back) lowers fees; money out raises them. Gifts that
reached the bank but were never recorded are not corrections: record them as offline gifts, and
matching finds them. The reason is kept in the match and the audit trail, not in the public memo.

A correction above the second-person amount (`MONEY_SECOND_PERSON_ABOVE_FEN`, see
marketplace/orgs/controls.py) is only asked for: it is posted when someone else approves it, and any
of the books' staff (the asker too) may reject it.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.service import record
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.orgs import controls
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.platform.sqlite import savepoint
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.platform.transactions import retried
from marketplace.reconciliation import matching
from marketplace.reconciliation.books import Books, account_of, as_id, counter_account, owns
from marketplace.reconciliation.models import CorrectionRequest, ReconciliationMatch, StatementLine

ALREADY = _l("This line or posting is already matched; reload the page.")
WAITING = _l("A correction for this line is already waiting for a second person.")


def match_by_hand(actor, books: Books, line_id, posting_id) -> ReconciliationMatch:
    """Match one unmatched statement line and one unmatched posting of equal amount on the same account.

    :raise InvalidInput: naming `line_id` or `posting_id` (unknown, another account, or amounts differ).
    :raise Conflict: one of them is already matched.
    """
    line = _line(books, line_id)
    posting = ledger_queries.posting(as_id(posting_id, big=True)) if as_id(posting_id, big=True) else None
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


@retried
def correct(actor, books: Books, line_id, reason) -> ReconciliationMatch | CorrectionRequest:
    """Post a correcting entry for an unmatched statement line and match the line to it, or, above the
    second-person amount, ask for one (returning the waiting request).

    :raise InvalidInput: naming `reason` (missing or too long) or `line_id`.
    :raise Conflict: the line is already matched, or a correction for it is already waiting.
    :raise Busy: the database stayed too busy after a few tries (nothing was saved).
    """
    reason = reason_given(reason)
    line = _line(books, line_id)
    if db.session.scalar(select(ReconciliationMatch.id).where(ReconciliationMatch.line_id == line.id)):
        raise Conflict(ALREADY)
    if _waiting_for(line) is not None:
        raise Conflict(WAITING)
    if controls.needs_second_person(line.amount_fen):
        asked = CorrectionRequest(account_id=line.account_id, line_id=line.id, amount_fen=line.amount_fen,
                                  reason=reason, requested_by_id=actor.id)
        CorrectionRequest.machine.start(asked, "requested", actor, reason)
        db.session.flush()
        record("reconciliation.correction_requested", actor=actor, subject=asked, line_id=line.id,
               amount_fen=line.amount_fen, reason=reason)
        return asked
    return _post_correction(actor, books, line, reason)


def waiting_corrections(books: Books, account_id: int) -> list[CorrectionRequest]:
    """Return the corrections waiting for a second person on one of the books' accounts, oldest first."""
    if not owns(books, account_id):
        return []
    return list(db.session.scalars(select(CorrectionRequest).where(
        CorrectionRequest.account_id == account_id, CorrectionRequest.status == "requested")
        .order_by(CorrectionRequest.id)))


@retried
def approve_correction(actor, books: Books, request_id) -> ReconciliationMatch:
    """Approve a waiting correction (someone other than who asked): post it and match the line.

    :raise Conflict: the actor asked for it, it was already decided, or the line got matched.
    :raise Busy: the database stayed too busy after a few tries (nothing was saved).
    """
    asked = _locked_request(books, request_id)
    if asked.requested_by_id == actor.id:
        raise Conflict(_l("Someone other than the person who asked must approve this correction."))
    line = db.session.get(StatementLine, asked.line_id)
    if db.session.scalar(select(ReconciliationMatch.id).where(ReconciliationMatch.line_id == line.id)):
        raise Conflict(ALREADY)
    match = _post_correction(actor, books, line, asked.reason)
    CorrectionRequest.machine.move(asked, "approved", actor, asked.reason, decided_by_id=actor.id,
                                   decided_at=now_utc())
    record("reconciliation.correction_approved", actor=actor, subject=asked, line_id=line.id)
    return match


def reject_correction(actor, books: Books, request_id) -> CorrectionRequest:
    """Refuse (or, for the person who asked, withdraw) a waiting correction; nothing is posted."""
    asked = _locked_request(books, request_id)
    CorrectionRequest.machine.move(asked, "rejected", actor, "", decided_by_id=actor.id, decided_at=now_utc())
    record("reconciliation.correction_rejected", actor=actor, subject=asked, line_id=asked.line_id)
    db.session.commit()
    return asked


def _post_correction(actor, books: Books, line: StatementLine, reason: str) -> ReconciliationMatch:
    account = ledger_queries.account(line.account_id)
    entry = ledger.post([(account, -line.amount_fen), (counter_account(books), line.amount_fen)],
                        cause=Cause(CauseKind.RECONCILIATION, line.id), kind="reconciliation.correction", actor=actor,
                        memo=f"reconciliation correction, statement line {line.id}", effective_date=local_today())
    posting_id = ledger_queries.posting_id(entry.id, line.account_id)
    match = _save(line, posting_id, "correction", actor, reason)
    record("reconciliation.corrected", actor=actor, subject=match, line_id=line.id, entry_id=entry.id,
           amount_fen=line.amount_fen, reason=reason)
    return match


def rematch(actor, books: Books, purpose: str) -> int:
    """Run automatic matching again over one account's unmatched lines; return how many matched."""
    account = account_of(books, purpose)
    matched = matching.auto_match(account.id, actor=actor)
    record("reconciliation.rematched", actor=actor, account_id=account.id, matched=matched)
    db.session.commit()
    return matched


def _waiting_for(line: StatementLine) -> CorrectionRequest | None:
    return db.session.scalar(select(CorrectionRequest).where(CorrectionRequest.line_id == line.id,
                                                             CorrectionRequest.status == "requested"))


def _locked_request(books: Books, request_id) -> CorrectionRequest:
    """Return a waiting correction of these books under a row lock, so two decisions happen one at a time."""
    found = db.session.get(CorrectionRequest, as_id(request_id)) if as_id(request_id) else None
    if found is None or not owns(books, found.account_id):
        raise InvalidInput(fields={"request_id": [_l("Choose a correction waiting in these books.")]})
    locked = db.session.scalar(select(CorrectionRequest).where(CorrectionRequest.id == found.id).with_for_update()
                               .execution_options(populate_existing=True))
    if locked.status != "requested":
        raise Conflict(_l("This correction has already been decided."))
    return locked


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
