"""The demo provider: a TEST MODE checkout inside the site. Its buttons build the very event
Stripe would send, sign it as Stripe signs (`t=<ts>,v1=<HMAC-SHA256 of "t.payload">`) with the
demo webhook secret, and pass it to the same `webhooks.handle` — so the embedded default runs
the whole confirmation path without any money moving."""
from __future__ import annotations

import json
import time

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.payments import rules, service, webhooks
from marketplace.payments.gateway import sign
from marketplace.payments.models import Donation, DonationStatus
from marketplace.platform.errors import Conflict, NotFound
from marketplace.platform.extensions import db
from marketplace.wishes.funding import FullyFunded
from marketplace.wishes.models import PledgeStatus

OUTCOMES = {"pay": "checkout.session.completed", "decline": "checkout.session.async_payment_failed"}


def demo_donation(user: User | None, code) -> Donation:
    """Return the donor's own demo donation (NotFound for anything else, or when Stripe is configured)."""
    donation = service.donation_for(user, code)
    if (donation.provider != "demo" or settings.STRIPE_SECRET_KEY
            or settings.ENV_NAME == "production"):
        raise NotFound()
    return donation


def too_late(donation: Donation) -> bool:
    """A checkout still open for a wish or need that others funded meanwhile (a pledge's is reserved)."""
    listing = donation.listing
    paying_pledge = donation.pledge is not None and donation.pledge.status == PledgeStatus.ACTIVE
    return listing is not None and listing.is_funded and not paying_pledge


def event_for(donation: Donation, outcome: str = "pay") -> bytes:
    """Return the JSON body Stripe would send when this donation's checkout is paid (or declined)."""
    code = donation.public_code
    paid = outcome == "pay"
    session = {
        "id": donation.checkout_id or f"cs_demo_{code}", "object": "checkout.session", "mode": "payment",
        "amount_total": donation.amount_fen, "currency": rules.CURRENCY, "livemode": False,
        "status": "complete" if paid else "expired", "payment_status": "paid" if paid else "unpaid",
        "client_reference_id": code, "metadata": {"donation_id": str(donation.id), "donation_code": code},
        "payment_intent": {
            "id": f"pi_demo_{code}", "object": "payment_intent", "status": "succeeded" if paid else "canceled",
            "latest_charge": {"id": f"ch_demo_{code}", "object": "charge", "balance_transaction": {
                "id": f"txn_demo_{code}", "object": "balance_transaction", "amount": donation.amount_fen,
                "currency": rules.CURRENCY, "fee": 0}} if paid else None,
        },
    }
    # one event per donation and outcome: pressing the button twice delivers the same event twice
    event = {"id": f"evt_demo_{outcome}_{code}", "object": "event", "api_version": "2025-01-27.acacia",
             "created": int(time.time()), "livemode": False, "type": OUTCOMES[outcome],
             "data": {"object": session}, "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}}
    return json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def checkout(user: User | None, code, outcome: str = "pay") -> webhooks.Result:
    """Pay (or decline) the donor's pending demo donation through the signed webhook path."""
    donation = demo_donation(user, code)
    if outcome not in OUTCOMES:
        raise NotFound()
    # Locked, and read fresh: a second press waits for the first and then sees it settled, rather than
    # finding its wish funded by that very payment and cancelling the gift.
    donation = db.session.scalar(select(Donation).where(Donation.id == donation.id).with_for_update()
                                 .execution_options(populate_existing=True))
    if donation.status != DonationStatus.PENDING:
        raise Conflict(_l("This test payment is already settled."))
    if outcome == "pay" and too_late(donation):
        Donation.machine.move(donation, DonationStatus.CANCELLED, user, "fully funded")
        record("donation.cancelled", actor=user, subject=donation, reason="fully funded")
        db.session.commit()
        raise FullyFunded(_l("This wish or need was fully funded while you were paying. Nothing was charged. "
                             "Thank you!"))
    payload = event_for(donation, outcome)
    secret = rules.demo_webhook_secret()
    return webhooks.handle(payload, sign(payload, secret), secret, provider="demo")
