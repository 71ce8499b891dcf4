"""The one module that talks to Stripe: Checkout Sessions, the objects a webhook may need fetched,
and webhook signatures (checked on the raw bytes, Stripe's own way, for Stripe and the demo alike).

Everything returned is plain data (dicts), so the rest of the site never sees a stripe type.
Nothing here touches the database; callers make sure no transaction is open around a call.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import stripe
from flask import current_app

from config import settings
from marketplace.payments.rules import CURRENCY, TOLERANCE_SECONDS

EXPAND_PAYMENT = ["payment_intent.latest_charge.balance_transaction"]


class BadSignature(Exception):
    """The webhook's signature, timestamp or body could not be trusted."""


class GatewayError(Exception):
    """Stripe could not be reached or refused the call."""


@dataclass(frozen=True)
class Checkout:
    id: str
    url: str


def verify(payload: bytes, header: str | None, secret: str | None, tolerance: int = TOLERANCE_SECONDS) -> dict:
    """Return the event in a signed webhook body after checking its signature and age.

    :raise BadSignature: missing or malformed header, wrong signature, stale timestamp, or a body
        that is not a Stripe event.
    """
    try:
        stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
        event = json.loads(payload)
    except (stripe.SignatureVerificationError, UnicodeDecodeError, ValueError) as error:
        raise BadSignature(str(error)) from None
    if (not isinstance(event, dict) or event.get("object") != "event" or not isinstance(event.get("id"), str)
            or not isinstance(event.get("type"), str) or not isinstance(event.get("data"), dict)
            or not isinstance(event["data"].get("object"), dict)):
        raise BadSignature("the body is not a Stripe event")
    return event


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """Return a `Stripe-Signature` header for the body, exactly as Stripe makes one."""
    return stripe.WebhookSignature.generate_signature_header(payload.decode("utf-8"), secret, timestamp)


class StripeGateway:
    """Stripe's API through stripe-python's StripeClient (pointed at `api_base` in tests)."""

    def __init__(self, api_key: str, api_base: str | None = None, max_network_retries: int = 2):
        self.client = stripe.StripeClient(api_key, base_addresses={"api": api_base} if api_base else None,
                                          max_network_retries=max_network_retries)

    def create_checkout(self, *, donation_id: int, donation_code: str, amount_fen: int, name: str,
                        success_url: str, cancel_url: str, email: str | None = None,
                        replacing: str | None = None) -> Checkout:
        """Open a Checkout Session for one gift; the same donation always gets the same session, and a
        fresh one in place of an expired session (`replacing`) is the same for every caller too."""
        metadata = {"donation_id": str(donation_id), "donation_code": donation_code}
        params = {
            "mode": "payment",
            "line_items": [{"quantity": 1, "price_data": {"currency": CURRENCY, "unit_amount": amount_fen,
                                                          "product_data": {"name": name[:250]}}}],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},  # so the charge, refunds and disputes name it too
            "client_reference_id": donation_code,
            "success_url": success_url,
            "cancel_url": cancel_url,
        }
        if email:
            params["customer_email"] = email
        session = self._call(lambda: self.client.v1.checkout.sessions.create(
            params, options={"idempotency_key": f"goodhours-checkout-{donation_code}"
                                                + (f"-after-{replacing}" if replacing else "")}))
        return Checkout(id=session["id"], url=session["url"])

    def expire(self, session_id: str) -> dict:
        """Close an open Checkout Session so that it can no longer be paid (Stripe refuses a paid one)."""
        return self._call(lambda: self.client.v1.checkout.sessions.expire(session_id))

    def session(self, session_id: str) -> dict:
        """Fetch a Checkout Session as it is now, with its payment, charge and balance transaction."""
        return self._call(lambda: self.client.v1.checkout.sessions.retrieve(
            session_id, {"expand": EXPAND_PAYMENT}))

    def charge(self, charge_id: str) -> dict:
        """Fetch a charge as it is now, with its balance transaction."""
        return self._call(lambda: self.client.v1.charges.retrieve(charge_id, {"expand": ["balance_transaction"]}))

    def session_for_intent(self, intent_id: str) -> dict | None:
        """Find the Checkout Session that created a payment intent (an event without our metadata)."""
        found = self._call(lambda: self.client.v1.checkout.sessions.list({"payment_intent": intent_id, "limit": 1}))
        return (found.get("data") or [None])[0]

    def refund(self, intent_id: str, amount_fen: int, *, key: str) -> dict:
        """Refund part of a payment; the same key refunds once."""
        return self._call(lambda: self.client.v1.refunds.create(
            {"payment_intent": intent_id, "amount": amount_fen}, options={"idempotency_key": f"goodhours-{key}"}))

    @staticmethod
    def _call(request) -> dict:
        try:
            return request().to_dict()
        except stripe.StripeError as error:
            raise GatewayError(str(error)) from error


def gateway() -> StripeGateway:
    """Return the app's Stripe gateway (tests may put another in `app.extensions["payments_gateway"]`)."""
    found = current_app.extensions.get("payments_gateway")
    if found is None:
        if not settings.STRIPE_SECRET_KEY:
            raise GatewayError("STRIPE_SECRET_KEY is not set")
        found = StripeGateway(settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE,
                              settings.STRIPE_MAX_NETWORK_RETRIES)
        current_app.extensions["payments_gateway"] = found
    return found
