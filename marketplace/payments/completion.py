"""The one way a donation becomes complete, whichever provider confirmed it: the money goes into
its fund through the ledger, the gift takes its receipt number, and a pledge it pays is marked paid.

A gift to a wish or household need counts against its value or budget under the listing's row lock
(`wishes.funding.take`): its fund never receives more. The part no longer needed (two checkouts
completed at once) goes where the donor chose at checkout — the organisation's community fund, or
back to the donor with a credit note. Staff recording money by hand are told what is left instead.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.audit.service import record
from marketplace.funds.service import community_fund_for
from marketplace.payments import postings, receipts, refunds
from marketplace.payments.models import Donation, DonationStatus, ExcessChoice, Provider
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.platform.timeutil import now_utc
from marketplace.wishes import funding
from marketplace.wishes.models import Pledge, PledgeStatus

BY_HAND = (Provider.BANK.value, Provider.CASH.value)


def complete(donation: Donation, actor=None, fee_fen: int = 0) -> Donation:
    """Complete a pending donation with the provider's fee (flushed, not committed); completing it again
    changes nothing.

    The receipt email is queued in the outbox with it, and sent after the caller commits; so is a
    refund of an excess the donor wanted back. Its rows are locked first (donation, listing), then every
    ledger account its entries touch, so completions racing each other and refunds cannot deadlock; the
    receipt number is taken last, so gifts to one organisation wait on its counter only for the commit.

    :raise Conflict: money recorded by hand is more than its wish or need still needs.
    """
    if donation.status == DonationStatus.COMPLETED:
        return donation
    Donation.machine.move(donation, DonationStatus.COMPLETED, actor, "payment confirmed", completed_at=now_utc())
    listing_id = donation.fund.listing_id
    pledge = donation.pledge if donation.pledge is not None and donation.pledge.status == PledgeStatus.ACTIVE \
        else None
    kept = donation.amount_fen if listing_id is None else funding.take(listing_id, donation.amount_fen, pledge)
    excess = donation.amount_fen - kept
    if excess and donation.provider in BY_HAND:
        db.session.rollback()  # nothing of this gift stays: staff record it elsewhere
        raise Conflict(_l("Only %(left)s is still needed; record the rest to another fund.", left=money(kept)),
                       fields={"amount_fen": [_l("Record at most %(left)s here.", left=money(kept))]})
    community = community_fund_for(donation.fund.listing) \
        if excess and donation.excess_choice != ExcessChoice.REFUND else None
    postings.lock_completion(donation, kept=kept > 0, excess_to=community, fee_fen=fee_fen)
    if kept:
        donation.entry_id = postings.receive(donation, actor=actor, amount_fen=kept).id
    if pledge is not None:
        Pledge.machine.move(pledge, PledgeStatus.PAID, actor, f"gift {donation.public_code} completed",
                            ended_at=donation.completed_at)
    if excess:
        if community is None:
            receipts.issue_number(donation)  # the credit note for the part refunded carries the receipt's number
        _excess(donation, excess, community, actor)
    if fee_fen > 0:
        postings.fee(donation, fee_fen)
        donation.fee_fen = fee_fen
    db.session.flush()
    record("donation.completed", actor=actor, subject=donation, amount_fen=donation.amount_fen,
           provider=donation.provider, excess_fen=excess)
    receipts.issue_number(donation)  # last: the organisation's counter is held from here to the commit
    receipts.send_receipt(donation)
    return donation


def _excess(donation: Donation, excess: int, community, actor) -> None:
    """Send the part of a gift its wish or need no longer needed where the donor chose: the `community`
    fund, or (when it is None) back to the donor."""
    donation.excess_fen = excess
    if community is None:
        refunds.refund(donation, excess, reason="fully funded before this gift completed: excess refunded",
                       actor=actor, posted=False)
        refunds.request_refund(donation, excess, key=f"excess-{donation.public_code}")
        return
    entry = postings.excess(donation, excess, community, actor=actor)
    donation.entry_id = donation.entry_id or entry.id
