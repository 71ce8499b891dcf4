"""What a reconciliation step did, in plain words: which statement line was matched to which gift or payment."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from marketplace.funds.models import Disbursement
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger.causes import CauseKind
from marketplace.ledger.kinds import ENTRY_KINDS
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.platform.i18n import local_day, money
from marketplace.reconciliation.labels import LINE_KINDS
from marketplace.reconciliation.models import ReconciliationMatch, StatementLine

GIFT_CAUSES = (CauseKind.DONATION, CauseKind.EXCESS, CauseKind.FEE, CauseKind.REFUND)
PAYMENT_CAUSES = (CauseKind.DISBURSEMENT, CauseKind.DISBURSEMENT_BANK)


def matched(match: ReconciliationMatch) -> str:
    """Say what was matched: “Bank movement of ¥300.00 on 5 Dec 2026 is matched to gift 7KD2M9 (Gift, 5 Dec 2026).”"""
    line = db.session.get(StatementLine, match.line_id)
    lines = ledger_queries.lines()
    entry_id, kind, day = db.session.execute(select(lines.c.entry_id, lines.c.kind, lines.c.effective_date)
                                             .where(lines.c.posting_id == match.posting_id)).one()
    return _("%(line)s of %(amount)s on %(day)s is matched to %(what)s (%(kind)s, %(posted)s).",
             line=LINE_KINDS(line.kind), amount=money(line.amount_fen), day=local_day(line.value_date),
             what=_what(entry_id), kind=ENTRY_KINDS(kind), posted=local_day(day))


def _what(entry_id: int) -> str:
    """The gift or payment behind a ledger entry, by its public code; else the entry by its number."""
    cause = ledger_queries.causes_of([entry_id]).get(entry_id)
    if cause is not None and cause.number is not None:
        if cause.kind in GIFT_CAUSES:
            code = db.session.scalar(select(Donation.public_code).where(Donation.id == cause.number))
            if code:
                return _("gift %(code)s", code=code)
        if cause.kind in PAYMENT_CAUSES:
            code = db.session.scalar(select(Disbursement.public_code).where(Disbursement.id == cause.number))
            if code:
                return _("payment out %(code)s", code=code)
    return _("ledger entry %(number)d", number=entry_id)
