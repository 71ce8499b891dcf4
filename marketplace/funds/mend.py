"""Mend disbursements booked before they paid out of the bank: each was posted fund → `disbursed`,
so the organisation's bank account in the books never saw the money leave and its bank statement
line stayed unmatched. Each is moved once (`disbursed` → `bank`, dated today, the open period).

Staff who made a correcting entry for such a statement line (the only fix there was) should reverse
it after the mend, or the payout counts twice: the mend lists those corrections for them.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from marketplace.funds.models import Disbursement, DisbursementStatus
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.payments import postings
from marketplace.platform.extensions import db
from marketplace.platform.transactions import retried
from marketplace.reconciliation.models import ReconciliationMatch, StatementLine


@dataclass
class Mended:
    moved: int = 0
    corrections: list[tuple[int, int, int]] = field(default_factory=list)  # (disbursement, line, amount fen)


@retried
def move_disbursements_to_bank() -> Mended:
    """Move every paid disbursement still booked to `disbursed` onto the bank (once each), in one transaction
    that locks every account first (the ledger's one order) and is repeated after a deadlock."""
    paid = db.session.scalars(select(Disbursement).where(Disbursement.status == DisbursementStatus.PAID.value,
                                                         Disbursement.entry_id.is_not(None))
                              .order_by(Disbursement.id)).all()
    booked_to_disbursed = ledger_queries.entry_ids_posting_to([d.entry_id for d in paid], "disbursed")
    done = ledger_queries.causes_posted(CauseKind.DISBURSEMENT_BANK)
    mended = Mended()
    todo = [d for d in paid if d.entry_id in booked_to_disbursed
            and Cause(CauseKind.DISBURSEMENT_BANK, d.id) not in done]
    ledger.lock_accounts([ledger.open_account("organisation", d.fund.organisation_id, purpose)
                          for d in todo for purpose in ("disbursed", "bank")])
    for disbursement in todo:
        postings.disbursed_to_bank(disbursement)
        mended.moved += 1
        bank = ledger.open_account("organisation", disbursement.fund.organisation_id, "bank")
        for line_id, amount in db.session.execute(
                select(StatementLine.id, StatementLine.amount_fen)
                .join(ReconciliationMatch, ReconciliationMatch.line_id == StatementLine.id)
                .where(ReconciliationMatch.account_id == bank.id, ReconciliationMatch.method == "correction",
                       StatementLine.amount_fen == -disbursement.amount_fen)):
            mended.corrections.append((disbursement.id, line_id, amount))
    return mended
