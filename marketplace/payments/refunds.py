"""Refunds, whoever starts them (Stripe's event, a donor's excess, a staff cancellation): the ledger
entry, the credit note against the receipt, and the wish's or need's funding lowered — in the
caller's transaction. What a fund had already paid out is posted as owed by the organisation and
left for staff to settle, never dropped."""
from __future__ import annotations

import logging

from sqlalchemy import case, func, select

from marketplace.audit.service import record
from marketplace.ledger import service as ledger
from marketplace.outbox.service import add_call
from marketplace.payments import postings
from marketplace.payments.gateway import GatewayError, gateway
from marketplace.payments.models import CreditNote, Donation, DonationStatus, ExcessChoice
from marketplace.platform.extensions import db
from marketplace.wishes import funding
from marketplace.wishes.models import Pledge, PledgeStatus

log = logging.getLogger(__name__)


def kept_fen(donation: Donation) -> int:
    """The part of a gift its fund kept: less refunds, and less an excess that went to the community fund."""
    moved = donation.excess_fen if donation.excess_choice == ExcessChoice.COMMUNITY else 0
    return donation.amount_fen - donation.refunded_fen - moved


def kept_expression():
    """`kept_fen` in SQL, to add up what funds kept of many gifts."""
    return (Donation.amount_fen - Donation.refunded_fen
            - case((Donation.excess_choice == ExcessChoice.COMMUNITY.value, Donation.excess_fen), else_=0))


def refund(donation: Donation, amount_fen: int, *, reason: str, actor=None, posted: bool = True) -> int:
    """Refund `amount_fen` of a completed gift (flushed); return what the fund could not cover (0 when all).

    With `posted=False` the money never reached a fund (a donor's excess sent back): only the credit
    note and the totals are written. The listing is locked before the ledger accounts, the order a
    completion takes them in, and the fund's balance is read under that lock.
    """
    total = donation.refunded_fen + amount_fen
    shortfall = 0
    if posted:
        if donation.fund.listing_id is not None:
            funding.give_back(donation.fund.listing_id, amount_fen)
        postings.lock_refunds([donation])
        available = ledger.balance(postings.fund_account(donation.fund)).available
        shortfall = max(0, amount_fen - max(0, available))
        postings.refund(donation, amount_fen, total, actor=actor, shortfall_fen=shortfall)
    donation.refunded_fen = total
    if total == donation.amount_fen:
        Donation.machine.move(donation, DonationStatus.REFUNDED, actor, reason)
        if donation.pledge is not None and donation.pledge.status == PledgeStatus.PAID:
            Pledge.machine.move(donation.pledge, PledgeStatus.CANCELLED, actor, f"gift {donation.public_code} refunded")
    credit_note(donation, amount_fen, reason)
    record("donation.refunded", actor=actor, subject=donation, amount_fen=amount_fen, refunded_fen=total,
           shortfall_fen=shortfall, reason=reason)
    db.session.flush()
    if shortfall:
        log.error("refund of donation %s: the fund had paid out %s fen; the organisation owes it",
                  donation.public_code, shortfall)
    return shortfall


def credit_note(donation: Donation, amount_fen: int, reason: str) -> CreditNote:
    """Issue the next credit note against the gift's receipt, numbered `<receipt>-C<n>` (flushed)."""
    sequence = (db.session.scalar(select(func.count(CreditNote.id)).where(CreditNote.donation_id == donation.id))
                or 0) + 1
    note = CreditNote(donation_id=donation.id, sequence=sequence, receipt_no=donation.receipt_no or "",
                      number=f"{donation.receipt_no or donation.public_code}-C{sequence}", amount_fen=amount_fen,
                      reason=reason[:300])
    db.session.add(note)
    db.session.flush()
    return note


def credit_notes(donation: Donation) -> list[CreditNote]:
    return list(db.session.scalars(select(CreditNote).where(CreditNote.donation_id == donation.id)
                                   .order_by(CreditNote.sequence)))


def request_refund(donation: Donation, amount_fen: int, key: str) -> None:
    """Ask Stripe to send money back once the caller commits (through the outbox, retried; `key` makes
    a repeated request one refund)."""
    if donation.provider == "stripe" and donation.payment_intent_id:
        add_call("marketplace.payments.refunds.ask_provider_by_id", donation.id, amount_fen, key)


def ask_provider_by_id(donation_id: int, amount_fen: int, key: str) -> None:
    """Run by the outbox worker: ask Stripe for the refund recorded with `request_refund`."""
    ask_provider(db.session.get(Donation, donation_id), amount_fen, key)


def ask_provider(donation: Donation, amount_fen: int, key: str) -> bool:
    """Ask Stripe to send money back (after the commit); a failure is kept for staff, never dropped."""
    if donation.provider != "stripe" or not donation.payment_intent_id:
        return True
    try:
        gateway().refund(donation.payment_intent_id, amount_fen, key=key)
    except GatewayError:
        log.exception("Stripe refused or could not take the refund of donation %s", donation.public_code)
        from marketplace.payments.attention import flag

        flag("refund.request_failed", donation, f"{amount_fen} fen to refund through Stripe ({key})")
        db.session.commit()
        return False
    return True
