"""Giving online: start a donation to a fund, for a wish claimed by money, or paying a pledge;
send the donor to the provider's checkout; and the provider's outcomes (paid, failed, refunded,
disputed, paid out), which only the verified webhook (`webhooks.handle`) applies.

The amount always comes from our records or the donor's form, never from the provider's page.
No provider call happens inside a database transaction: the pending donation is committed
first, the checkout is opened, then its id is stored in a second short transaction.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import PublicDisplay, User
from marketplace.funds import service as funds
from marketplace.ledger.errors import InsufficientBalance
from marketplace.orgs.models import OrgKind
from marketplace.orgs.service import require_verified
from marketplace.payments import completion, postings, refunds, rules
from marketplace.payments.gateway import Checkout, GatewayError, gateway
from marketplace.payments.models import Donation, DonationStatus, ExcessChoice
from marketplace.platform.errors import Conflict, DomainError, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.platform.ids import is_id
from marketplace.platform.sqlite import savepoint
from marketplace.wishes import funding
from marketplace.wishes.models import (
    ClaimMethod,
    ClaimStatus,
    ListingKind,
    ListingStatus,
    Pledge,
    PledgeStatus,
    WishClaim,
)
from marketplace.wishes.service import listing_by_code

log = logging.getLogger(__name__)
S = DonationStatus
PAID_ONCE = (S.PENDING, S.FAILED, S.CANCELLED)  # states a confirmed payment completes


class ProviderUnavailable(DomainError):
    status = 503
    code = "payment_unavailable"
    default_message = _l("The payment service could not be reached. Nothing was charged; please try again.")


# --- starting a gift -----------------------------------------------------------------------------------

def give_to_fund(donor: User, fund_code, amount_fen, display=None, message="", organisation_id=None) -> Donation:
    """Start a gift of `amount_fen` to an open fund (pending until the provider confirms it)."""
    fund = funds.fund_by_code(fund_code)
    errors = _shape_errors(display, message)
    _check_amount(amount_fen, errors)
    org_id = _firm_of(donor, organisation_id, errors)
    if errors:
        raise InvalidInput(fields=errors)
    if not fund.is_open:
        raise Conflict(_l("This fund is closed to new gifts."))
    if fund.is_restricted:
        raise Conflict(_l("This fund takes gifts only through its wish or household need."))
    return _pending(donor, fund, amount_fen, display, message, organisation_id=org_id)


def _check_amount(amount_fen, errors: dict) -> None:
    if type(amount_fen) is not int or not rules.MIN_FEN <= amount_fen <= settings.PAYMENTS_MAX_FEN:
        errors["amount_fen"] = [_l("Give at least %(low)s and at most %(high)s.", low=money(rules.MIN_FEN),
                                   high=money(settings.PAYMENTS_MAX_FEN))]


def pay_wish(donor: User, listing_code, display=None, message="", excess_choice=None) -> Donation:
    """Start paying the estimated value of a wish the donor claimed by money, into its restricted fund."""
    listing = listing_by_code(donor, listing_code)
    if listing.kind == ListingKind.HOUSEHOLD_NEED:
        raise Conflict(_l("Give to a household need with an amount, or pay your pledge."))
    errors = _shape_errors(display, message, excess_choice)
    if errors:
        raise InvalidInput(fields=errors)
    claim = db.session.scalar(select(WishClaim).where(
        WishClaim.listing_id == listing.id, WishClaim.claimant_id == donor.id,
        WishClaim.status == ClaimStatus.ACTIVE.value))
    if listing.kind != ListingKind.WISH or claim is None or claim.method != ClaimMethod.MONEY:
        raise Conflict(_l("Only a wish you claimed by money can be paid here."))
    if listing.value_fen < rules.MIN_FEN:
        raise Conflict(_l("This wish has no value to pay; please fulfil it in kind."))
    _refuse_if_paid(Donation.listing_id == listing.id, _l("This wish is already paid. Thank you!"))
    funding.refuse_if_funded(listing)
    return _pending(donor, funds.restricted_fund_for(listing), listing.value_fen, display, message,
                    listing_id=listing.id, organisation_id=claim.organisation_id, excess_choice=excess_choice)


def give_to_need(donor: User, listing_code, amount_fen, display=None, message="", excess_choice=None,
                 organisation_id=None) -> Donation:
    """Start a gift of up to what a published household need still lacks, into its restricted fund.

    :raise FullyFunded: nothing is left to give (409); a larger amount is refused naming what is left.
    """
    listing = listing_by_code(donor, listing_code)
    errors = _shape_errors(display, message, excess_choice)
    _check_amount(amount_fen, errors)
    org_id = _firm_of(donor, organisation_id, errors)
    if errors:
        raise InvalidInput(fields=errors)
    if listing.kind != ListingKind.HOUSEHOLD_NEED:
        raise Conflict(_l("Only household needs take gifts of any amount; a wish is claimed, then paid."))
    funding.refuse_if_funded(listing, amount_fen)
    if listing.status != ListingStatus.PUBLISHED:
        raise Conflict(_l("This need is not taking gifts."))
    return _pending(donor, funds.restricted_fund_for(listing), amount_fen, display, message, listing_id=listing.id,
                    organisation_id=org_id, excess_choice=excess_choice)


def pay_pledge(donor: User, pledge_id, display=None, message="") -> Donation:
    """Start paying the donor's active pledge to a household need, into the need's restricted fund."""
    pledge = db.session.get(Pledge, pledge_id) if is_id(pledge_id) else None
    if pledge is None or pledge.pledger_id != donor.id:
        raise NotFound()
    errors = _shape_errors(display, message)
    if errors:
        raise InvalidInput(fields=errors)
    if pledge.status != PledgeStatus.ACTIVE:
        raise Conflict(_l("This pledge is not waiting for payment."))
    _refuse_if_paid(Donation.pledge_id == pledge.id, _l("This pledge is already paid. Thank you!"))
    return _pending(donor, funds.restricted_fund_for(pledge.listing), pledge.amount_fen, display, message,
                    listing_id=pledge.listing_id, pledge_id=pledge.id, organisation_id=pledge.organisation_id)


def _shape_errors(display, message, excess_choice=None) -> dict:
    errors: dict[str, list] = {}
    if excess_choice is not None and excess_choice not in ExcessChoice.__members__.values():
        errors["excess_choice"] = [_l("Choose what happens to money no longer needed from the list.")]
    if display is not None and display not in PublicDisplay.__members__.values():
        errors["display"] = [_l("Choose how you appear from the list.")]
    if not isinstance(message, str) or len(message) > 300 or "\x00" in message:
        errors["message"] = [_l("Use at most %(n)d characters.", n=300)]
    return errors


def _firm_of(donor: User, organisation_id, errors: dict) -> int | None:
    if organisation_id is None:
        return None
    membership = next((m for m in donor.memberships if m.organisation_id == organisation_id), None)
    if membership is None or membership.organisation.kind != OrgKind.FIRM:
        errors["organisation_id"] = [_l("Choose a firm you belong to.")]
        return None
    return organisation_id


def _refuse_if_paid(condition, message) -> None:
    if db.session.scalar(select(Donation.id).where(condition, Donation.status == S.COMPLETED.value).limit(1)):
        raise Conflict(message)


def _pending(donor, fund, amount_fen, display, message, excess_choice=None, **links) -> Donation:
    require_verified(fund.organisation)  # only verified organisations take gifts
    donation = Donation(fund_id=fund.id, donor_id=donor.id, amount_fen=amount_fen,
                        excess_choice=excess_choice or ExcessChoice.COMMUNITY.value,
                        display=display or donor.public_display, message=message.strip(),
                        provider=rules.provider(), **links)
    Donation.machine.start(donation, S.PENDING, donor, "checkout started")
    db.session.flush()
    record("donation.started", actor=donor, subject=donation, amount_fen=amount_fen, provider=donation.provider)
    db.session.commit()
    return donation


def begin_checkout(donation: Donation, *, success_url: str, cancel_url: str, demo_url: str) -> str:
    """Open the provider's checkout for a pending donation and return where to send the donor.

    :raise ProviderUnavailable: Stripe could not open a session (the donation is marked failed).
    """
    facts = checkout_facts(donation)
    provider = donation.provider
    db.session.commit()  # end the read transaction: nothing is open while Stripe is called
    if provider == "demo":
        checkout = Checkout(id=f"cs_demo_{facts['donation_code']}", url=demo_url)
    else:
        try:
            checkout = gateway().create_checkout(success_url=success_url, cancel_url=cancel_url, **facts)
        except GatewayError:
            log.exception("could not open a Stripe Checkout Session for donation %s", facts["donation_code"])
            Donation.machine.move_if(facts["donation_id"], S.PENDING, S.FAILED, why="checkout could not open")
            db.session.commit()
            raise ProviderUnavailable() from None
    db.session.execute(update(Donation).where(Donation.id == facts["donation_id"], Donation.checkout_id.is_(None))
                       .values(checkout_id=checkout.id))
    db.session.commit()
    return checkout.url


def checkout_facts(donation: Donation) -> dict:
    """What the provider's checkout shows and carries back for a gift (amounts from our records only)."""
    return dict(donation_id=donation.id, donation_code=donation.public_code, amount_fen=donation.amount_fen,
                name=f"{donation.fund.name_zh} / {donation.fund.name_en}",
                email=donation.donor.email if donation.donor else None)


def donation_for(user: User | None, code) -> Donation:
    """Return a donation its donor may see, by its public code."""
    donation = db.session.scalar(select(Donation).where(Donation.public_code == str(code).replace("\x00", "")[:16]))
    if donation is None or user is None or donation.donor_id != user.id:
        raise NotFound()
    return donation


# --- the provider's outcomes (flushed; the webhook commits once) ----------------------------------------

@dataclass(frozen=True)
class Payment:
    """What a paid checkout tells us: the payment intent, the charge and the fee (fen, when known)."""

    intent_id: str | None = None
    charge_id: str | None = None
    fee_fen: int = 0


def apply_paid(donation: Donation, payment: Payment) -> bool:
    """Complete a donation the provider says is paid, with its fee; True when it was not complete before."""
    if donation.status not in PAID_ONCE:
        return False
    if donation.status != S.PENDING:
        log.warning("donation %s was %s but the provider says it is paid", donation.public_code, donation.status)
    donation.payment_intent_id = payment.intent_id or donation.payment_intent_id
    donation.charge_id = payment.charge_id or donation.charge_id
    if donation.status != S.PENDING:
        Donation.machine.move(donation, S.PENDING, why="the provider says it is paid")
    completion.complete(donation, fee_fen=payment.fee_fen)
    return True


def apply_failed(donation: Donation) -> str:
    """Mark a pending donation failed (the bank declined a delayed payment)."""
    if donation.status != S.PENDING:
        return "ignored"
    Donation.machine.move(donation, S.FAILED, why="the provider declined it")
    record("donation.failed", subject=donation, provider=donation.provider)
    db.session.flush()
    return "failed"


def apply_refund(donation: Donation, refunded_total: int) -> str:
    """Post what was refunded beyond what we already posted (`refunded_total` is Stripe's running total)."""
    total = min(int(refunded_total), donation.amount_fen)
    difference = total - donation.refunded_fen
    if difference <= 0:
        return "refund_seen"
    shortfall = refunds.refund(donation, difference, reason="refunded through the payment provider")
    if shortfall:
        return "refund_unfunded"  # posted, with what the fund had paid out owed by the organisation
    return "refunded" if total == donation.amount_fen else "partly_refunded"


def apply_dispute(donation: Donation, amount_fen: int) -> str:
    """Flag a disputed donation and hold the disputed amount in its fund."""
    amount = min(int(amount_fen), donation.amount_fen - donation.refunded_fen)
    if donation.hold_id is not None or amount <= 0:
        return "dispute_seen"
    donation.disputed_fen = amount
    record("donation.disputed", subject=donation, amount_fen=amount)
    try:
        with savepoint():
            donation.hold_id = postings.hold_disputed(donation, amount).id
    except InsufficientBalance:
        log.error("dispute on donation %s: the fund cannot hold %s; staff must settle it",
                  donation.public_code, money(amount))
        db.session.flush()
        return "dispute_unfunded"
    db.session.flush()
    return "disputed"


def apply_payout(payout_id: str, amount_fen: int) -> str:
    """Post Stripe's payout from the clearing account to the bank."""
    postings.payout(payout_id, int(amount_fen))
    return "payout"

