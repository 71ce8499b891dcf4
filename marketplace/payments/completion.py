"""The one way a donation becomes complete, whichever provider confirmed it: the money goes into
its fund through the ledger, the gift takes its receipt number, and a pledge it pays is marked paid."""
from __future__ import annotations

from marketplace.audit.service import record
from marketplace.extensions import db
from marketplace.payments import postings, receipts
from marketplace.payments.models import Donation, DonationStatus
from marketplace.timeutil import now_utc
from marketplace.wishes.models import PledgeStatus


def complete(donation: Donation, actor=None) -> Donation:
    """Complete a pending donation (flushed, not committed); completing it again changes nothing.

    The receipt email is queued in the outbox with it, and sent after the caller commits.
    """
    if donation.status == DonationStatus.COMPLETED:
        return donation
    donation.status = DonationStatus.COMPLETED.value
    donation.completed_at = now_utc()
    donation.entry_id = postings.receive(donation, actor=actor).id
    receipts.issue_number(donation)
    receipts.send_receipt(donation)
    if donation.pledge is not None and donation.pledge.status == PledgeStatus.ACTIVE:
        donation.pledge.status = PledgeStatus.PAID.value
        donation.pledge.ended_at = donation.completed_at
    db.session.flush()
    record("donation.completed", actor=actor, subject=donation, amount_fen=donation.amount_fen,
           provider=donation.provider)
    return donation
