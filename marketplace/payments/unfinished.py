"""Checkouts left unfinished: a gift started online whose payment never completed can be taken up
again from "my gifts" — the same checkout while it is open, a fresh one for the same gift once it
expired — or cancelled, which also gives back a wish claimed only to be paid this way.

Both race the provider's webhook completing the same gift: each change is one guarded UPDATE on
`status = 'pending'` (and the session id it saw), so a gift paid meanwhile is never resumed or
cancelled, and it counts once. No provider call happens inside a database transaction.
"""
from __future__ import annotations

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.payments.gateway import GatewayError, gateway
from marketplace.payments.models import Donation, DonationStatus, Provider
from marketplace.payments.service import ProviderUnavailable, begin_checkout, checkout_facts, donation_for
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.wishes.claims import release_unpaid_money_claim

log = logging.getLogger(__name__)
S = DonationStatus
ONLINE = (Provider.STRIPE.value, Provider.DEMO.value)


def is_unfinished(donation: Donation) -> bool:
    """An online gift still waiting for its payment: its donor may resume or cancel it."""
    return donation.status == S.PENDING and donation.provider in ONLINE


def _refuse_settled(donation: Donation) -> None:
    """:raise Conflict: the gift is not (or no longer) an unfinished online checkout, saying what it is."""
    db.session.refresh(donation)
    if donation.provider not in ONLINE:
        raise Conflict(_l("Staff recorded this gift; ask them about it."))
    if donation.status == S.COMPLETED:
        raise Conflict(_l("This gift is already paid. Thank you!"))
    if donation.status != S.PENDING:
        raise Conflict(_l("This gift is no longer waiting for payment. You can give again from the wish, need "
                          "or fund."))


def resume_checkout(donor: User, code, *, success_url: str, cancel_url: str, demo_url: str) -> str:
    """Return where the donor pays an unfinished gift: its checkout while open, else a fresh one for the same gift.

    :raise Conflict: the gift was paid, cancelled or failed meanwhile (the webhook won the race).
    :raise ProviderUnavailable: Stripe could not be reached; nothing changed.
    """
    donation = donation_for(donor, code)
    _refuse_settled(donation)
    if donation.provider == Provider.DEMO or donation.checkout_id is None:
        return begin_checkout(donation, success_url=success_url, cancel_url=cancel_url, demo_url=demo_url)
    donation_id, old, facts = donation.id, donation.checkout_id, checkout_facts(donation)
    db.session.commit()  # nothing is open while Stripe is called
    try:
        session = gateway().session(old)
        if session.get("status") == "open" and session.get("url"):
            return session["url"]
        if session.get("status") == "complete":
            raise Conflict(_l("Your payment went through and is being confirmed. Thank you!"))
        fresh = gateway().create_checkout(success_url=success_url, cancel_url=cancel_url, replacing=old, **facts)
    except GatewayError:
        log.exception("could not resume the checkout of donation %s", facts["donation_code"])
        raise ProviderUnavailable() from None
    replaced = db.session.execute(
        update(Donation).where(Donation.id == donation_id, Donation.status == S.PENDING.value,
                               Donation.checkout_id == old).values(checkout_id=fresh.id)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not replaced:
        db.session.rollback()
        _refuse_settled(donation)  # paid or cancelled meanwhile; else another resume replaced it first: go there
        return resume_checkout(donor, code, success_url=success_url, cancel_url=cancel_url, demo_url=demo_url)
    record("donation.checkout_renewed", actor=donor, subject=donation, old=old, new=fresh.id)
    db.session.commit()
    return fresh.url


def cancel_checkout(donor: User, code) -> Donation:
    """Cancel the donor's unfinished gift (and a claim by money it was paying); a paid gift is never cancelled.

    :raise Conflict: the gift was paid, cancelled or failed meanwhile.
    :raise ProviderUnavailable: Stripe could not be reached to close the checkout; nothing changed.
    """
    donation = donation_for(donor, code)
    _refuse_settled(donation)
    if donation.provider == Provider.STRIPE and donation.checkout_id:
        session_id = donation.checkout_id
        db.session.commit()  # nothing is open while Stripe is called
        try:
            closed = gateway().session(session_id)
            if closed.get("status") == "open":
                closed = gateway().expire(session_id)  # from now on it cannot be paid
        except GatewayError:
            log.exception("could not close the checkout of donation %s", donation.public_code)
            raise ProviderUnavailable() from None
        if closed.get("status") == "complete":
            raise Conflict(_l("Your payment went through and is being confirmed. Thank you!"))
    if not Donation.machine.move_if(donation.id, S.PENDING, S.CANCELLED, donor,
                                    "the donor cancelled an unfinished checkout", sync=False):
        db.session.rollback()
        _refuse_settled(donation)
    db.session.refresh(donation)
    if donation.listing_id is not None and donation.pledge_id is None:
        release_unpaid_money_claim(donation.listing_id, donor, "its checkout was cancelled")
    record("donation.cancelled", actor=donor, subject=donation, reason="the donor cancelled an unfinished checkout")
    db.session.commit()
    return donation
