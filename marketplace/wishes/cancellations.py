"""Cancelling a wish or household need that holds money: the only way out once money has arrived.

One staff member of the organisation proposes — refund every gift, or move the money to the
organisation's community fund — with a reason; another confirms (never the same person). On
confirmation, in one transaction: the gifts are refunded (each with a credit note) or the fund's
balance moves to the community fund (a ledger entry whose public line carries the reason), open
claims and pledges end, and the listing is withdrawn. Stripe is asked for its refunds after the commit.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.funds.service import community_fund_for, fund_of
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.orgs.policy import require
from marketplace.payments import postings, refunds
from marketplace.payments.models import Donation, DonationStatus
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.platform.transactions import retried
from marketplace.wishes import notices
from marketplace.wishes.lifecycle import allowed, move
from marketplace.wishes.models import (
    Cancellation,
    CancellationAction,
    CancellationStatus,
    Listing,
    ListingStatus,
)
from marketplace.wishes.rows import holds_money, locked_listing, open_cancellation  # noqa: F401  (pages read it here)
from marketplace.wishes.service import _end_claims_and_pledges, get_listing

C = CancellationStatus


def propose(actor: User, listing_id, action: str, reason: str) -> Cancellation:
    """Propose to cancel a wish or need holding money, refunding or reallocating it (the organisation's staff)."""
    listing = get_listing(actor, listing_id)
    require(actor, "org.manage_funds", listing.organisation)
    if action not in CancellationAction.__members__.values():
        raise InvalidInput(fields={"action": [_l("Choose to refund the donors or move the money to the "
                                                 "community fund.")]})
    reason = reason_given(reason)
    locked = locked_listing(listing.id)
    if not holds_money(locked):
        raise Conflict(_l("This listing holds no money: withdraw it instead."))
    if not allowed(locked, ListingStatus.WITHDRAWN):
        raise Conflict(_l("A delivered wish or need cannot be cancelled."))
    if db.session.scalar(select(Cancellation.id).where(Cancellation.listing_id == locked.id,
                                                       Cancellation.status == C.PROPOSED.value)):
        raise Conflict(_l("A cancellation is already waiting for a second staff member."))
    made = Cancellation(listing_id=locked.id, action=action, reason=reason, proposed_by_id=actor.id)
    Cancellation.machine.start(made, C.PROPOSED, actor, reason)
    db.session.flush()
    record("listing.cancellation_proposed", actor=actor, subject=made, listing=locked.id, settle=action)
    db.session.commit()
    return made


@retried
def decide(actor: User, cancellation_id, confirm: bool) -> Cancellation:
    """Confirm a proposed cancellation (another staff member) or reject it (anyone of the staff).

    :raise Busy: the database stayed too busy after a few tries (nothing was saved).
    """
    found = db.session.get(Cancellation, cancellation_id) if is_id(cancellation_id) else None
    if found is None:
        raise NotFound()
    require(actor, "org.manage_funds", found.listing.organisation)
    gifts = _locked_gifts(found.listing)  # gifts first, then the listing: the order the webhook locks them
    listing = locked_listing(found.listing_id)
    locked = db.session.scalar(select(Cancellation).where(Cancellation.id == found.id).with_for_update()
                               .execution_options(populate_existing=True))
    if locked.status != C.PROPOSED:
        raise Conflict(_l("This cancellation was already decided."))
    if confirm and locked.proposed_by_id == actor.id:
        raise Forbidden(_l("Another staff member must confirm a cancellation you proposed."))
    Cancellation.machine.move(locked, C.CONFIRMED if confirm else C.REJECTED, actor, locked.reason,
                              decided_by_id=actor.id, decided_at=now_utc())
    to_refund: list[tuple[Donation, int]] = []
    ended = []
    if confirm:
        to_refund = _settle(actor, locked, listing, gifts)
        why = f"cancelled ({locked.action}): {locked.reason}"[:300]
        ended = _end_claims_and_pledges(listing, actor, why)
        move(listing, ListingStatus.WITHDRAWN, actor, why)
    record("listing.cancellation_" + locked.status, actor=actor, subject=locked, amount_fen=locked.amount_fen)
    for gift, amount in to_refund:
        refunds.request_refund(gift, amount, key=f"cancel-{locked.id}-{gift.public_code}")
    for claim in ended:
        notices.claim_cancelled(claim)
    db.session.flush()
    return locked


def _locked_gifts(listing: Listing) -> list[Donation]:
    fund = fund_of(listing)
    if fund is None:
        return []
    return list(db.session.scalars(select(Donation).where(Donation.fund_id == fund.id,
                                                          Donation.status == DonationStatus.COMPLETED.value)
                                   .order_by(Donation.id).with_for_update().execution_options(populate_existing=True)))


def _settle(actor: User, cancellation: Cancellation, listing: Listing, gifts: list[Donation]):
    """Refund each gift or move the fund's balance away; return the refunds Stripe must still make.

    Every ledger account the entries touch is locked first, after the gifts and the listing.
    """
    fund = fund_of(listing)
    to_refund = []
    if cancellation.action == CancellationAction.REFUND:
        postings.lock_refunds([gift for gift in gifts if refunds.kept_fen(gift) > 0])
        for gift in gifts:
            amount = refunds.kept_fen(gift)
            if amount > 0:
                refunds.refund(gift, amount, reason=f"wish or need cancelled: {cancellation.reason}", actor=actor)
                cancellation.amount_fen += amount
                to_refund.append((gift, amount))
        return to_refund
    amount = 0
    if fund is not None:
        community = community_fund_for(listing)
        ledger.lock_accounts([postings.fund_account(fund)], credit_only=[postings.fund_account(community)])
        amount = ledger.balance(postings.fund_account(fund)).available  # read under the lock
    if amount > 0:
        postings.reallocate(fund, community, amount, cause=Cause(CauseKind.REALLOCATION, cancellation.id),
                            memo=f"cancelled listing {listing.public_code}", actor=actor)
    cancellation.amount_fen = amount
    listing.received_fen = 0
    return to_refund


