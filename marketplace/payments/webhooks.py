"""The one door through which a provider's word changes a donation: verify the signed event,
take it once, and act on it. Stripe's webhook and the demo checkout both come through `handle`.

1. The signature is checked on the raw bytes with a 300-second tolerance: a bad one answers
   400 and writes nothing.
2. Whatever we must fetch from Stripe (the fee, or the current session when events arrive out
   of order) is fetched before any database transaction opens.
3. One transaction: the event id is inserted first (a unique column: a duplicate, even one
   arriving at the same moment, fails there and answers 200 with nothing else done), the
   donation is locked, the outcome applied, and the event kept with what it did. Should PostgreSQL
   abort it for a deadlock, it is repeated (`transactions.retrying`); still busy, it answers 409 and
   Stripe delivers the event again later.
4. A newly completed donation's receipt is queued in the outbox with it and sent after the commit.

A signed event we will never act on — no such donation, a livemode that does not match our
key, an amount or provider that is not the donation's — is logged, kept with its reason and
answered 200: Stripe retrying it for days could not change the answer. It is listed for
platform admins (`attention.py`) until one of them settles it, as is a refund of money the fund
had already paid out (posted, the organisation owing the rest). A refund without our metadata
is found through its payment intent's Checkout Session. An event that is
ours but cannot be settled yet (a refund of a payment Stripe does not yet show as paid)
answers 409 without keeping it, so that Stripe delivers it again later.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from marketplace.payments import attention, rules, service
from marketplace.payments.gateway import BadSignature, GatewayError, gateway, verify
from marketplace.payments.models import Donation, DonationStatus, PaymentEvent
from marketplace.platform.extensions import db
from marketplace.platform.transactions import retrying

log = logging.getLogger(__name__)

PAYMENT_EVENTS = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
SESSION_EVENTS = (*PAYMENT_EVENTS, "checkout.session.async_payment_failed")
DONATION_EVENTS = (*SESSION_EVENTS, "charge.refunded", "charge.dispute.created")


@dataclass
class Result:
    status: int  # the HTTP status to answer
    outcome: str
    donation_code: str | None = None


@dataclass
class _Plan:
    """What the event needs, found before the write transaction."""

    donation_id: int | None = None
    refusal: str | None = None
    session: dict | None = None  # the checkout session as the event or Stripe shows it
    extra: dict = field(default_factory=dict)


class _NotYet(Exception):
    """Ours, but not settled yet: answer non-2xx so the provider delivers it again."""


def handle(payload: bytes, signature_header: str | None, secret: str | None, provider: str = "stripe") -> Result:
    """Verify, de-duplicate and apply one provider event; return the HTTP answer."""
    try:
        event = verify(payload, signature_header, secret)
    except BadSignature as error:
        log.warning("refused a %s webhook: %s", provider, error)
        return Result(400, "bad_signature")
    db.session.rollback()  # no transaction of the caller's stays open across a Stripe call
    if db.session.scalar(select(PaymentEvent.id).where(PaymentEvent.event_id == event["id"][:120])):
        db.session.rollback()
        return Result(200, "duplicate")
    try:
        plan = _plan(event, provider)
    except GatewayError:
        log.exception("could not fetch from Stripe for event %s", event["id"])
        db.session.rollback()
        return Result(503, "stripe_unavailable")
    db.session.rollback()
    try:
        return retrying(lambda: _apply(event, provider, plan, payload))
    except _NotYet:
        db.session.rollback()
        log.info("event %s (%s) cannot be settled yet; asking for it again later", event["id"], event["type"])
        return Result(409, "not_yet")


# --- before the transaction ------------------------------------------------------------------------------

def _plan(event: dict, provider: str) -> _Plan:
    kind, obj = event["type"], event["data"]["object"]
    if kind not in DONATION_EVENTS and kind != "payout.paid":
        return _Plan()
    if bool(event.get("livemode")) != rules.live_mode_expected(provider):
        log.error("refused event %s: livemode %s does not match our key", event["id"], event.get("livemode"))
        return _Plan(refusal="refused:livemode")
    if kind == "payout.paid":
        return _Plan() if provider == "stripe" else _Plan(refusal="refused:provider")
    donation = _find(obj, kind, provider)
    if donation is None:
        log.error("refused event %s (%s): it names no donation of ours", event["id"], kind)
        return _Plan(refusal="refused:unknown_donation")
    if donation.provider != provider:
        log.error("refused event %s: donation %s is paid through %s, not %s", event["id"], donation.public_code,
                  donation.provider, provider)
        return _Plan(donation.id, refusal="refused:provider")
    plan = _Plan(donation.id, session=obj if kind in SESSION_EVENTS else None)
    if kind in SESSION_EVENTS and (obj.get("amount_total") != donation.amount_fen
                                   or str(obj.get("currency", "")).lower() != rules.CURRENCY):
        log.error("refused event %s: amount %s %s is not donation %s's %s fen", event["id"], obj.get("amount_total"),
                  obj.get("currency"), donation.public_code, donation.amount_fen)
        plan.refusal = "refused:amount"
        return plan
    pending = donation.status == DonationStatus.PENDING
    checkout_id = donation.checkout_id
    db.session.rollback()
    if provider == "stripe" and pending and checkout_id:
        if kind in PAYMENT_EVENTS and _fee_of(obj) is None:
            plan.session = gateway().session(obj["id"])  # the session as it is now, with its fee
        elif kind in ("charge.refunded", "charge.dispute.created"):
            plan.session = gateway().session(checkout_id)  # did the payment go through before this?
    return plan


def _find(obj: dict, kind: str, provider: str) -> Donation | None:
    """Find the donation an event is about: by our metadata, then by the provider's ids."""
    metadata = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    code = metadata.get("donation_code")
    if isinstance(code, str) and code:
        return db.session.scalar(select(Donation).where(Donation.public_code == code[:16]))
    if kind in SESSION_EVENTS:
        return db.session.scalar(select(Donation).where(Donation.checkout_id == str(obj.get("id"))[:120]))
    if kind == "charge.refunded":
        ids = [obj.get("id"), _id(obj.get("payment_intent"))]
    else:
        ids = [_id(obj.get("charge")), _id(obj.get("payment_intent"))]
    ids = [str(i)[:120] for i in ids if i]
    if not ids:
        return None
    found = db.session.scalar(select(Donation).where(or_(Donation.charge_id.in_(ids),
                                                         Donation.payment_intent_id.in_(ids))))
    if found is None and provider == "stripe" and kind == "charge.refunded" and _id(obj.get("payment_intent")):
        db.session.rollback()  # no transaction open while Stripe is called
        session = gateway().session_for_intent(str(_id(obj["payment_intent"])))  # a refund without our metadata
        if session is not None:
            found = db.session.scalar(select(Donation).where(Donation.checkout_id == str(session.get("id"))[:120]))
    if found is None and provider == "stripe" and kind == "charge.dispute.created" and obj.get("charge"):
        db.session.rollback()  # no transaction open while Stripe is called
        charge = gateway().charge(_id(obj["charge"]))  # a dispute carries no metadata; its charge does
        code = (charge.get("metadata") or {}).get("donation_code")
        if code:
            found = db.session.scalar(select(Donation).where(Donation.public_code == str(code)[:16]))
    return found


def _id(value) -> str | None:
    return value.get("id") if isinstance(value, dict) else value


def _fee_of(session: dict) -> int | None:
    """Return the fee in fen from a session whose payment is expanded down to its balance transaction."""
    intent = session.get("payment_intent")
    charge = intent.get("latest_charge") if isinstance(intent, dict) else None
    txn = charge.get("balance_transaction") if isinstance(charge, dict) else None
    if not isinstance(txn, dict):
        return None
    if str(txn.get("currency", rules.CURRENCY)).lower() != rules.CURRENCY:
        log.warning("fee of session %s is in %s, not fen: not posted", session.get("id"), txn.get("currency"))
        return 0
    return int(txn.get("fee") or 0)


def _payment_of(session: dict) -> service.Payment:
    intent = session.get("payment_intent")
    charge = intent.get("latest_charge") if isinstance(intent, dict) else None
    return service.Payment(intent_id=_id(intent), charge_id=_id(charge), fee_fen=_fee_of(session) or 0)


# --- the transaction -------------------------------------------------------------------------------------

def _apply(event: dict, provider: str, plan: _Plan, payload: bytes) -> Result:
    row = PaymentEvent(event_id=event["id"][:120], type=event["type"][:80], provider=provider,
                       donation_id=plan.donation_id, payload=payload.decode("utf-8"))
    db.session.add(row)
    try:
        db.session.flush()  # first: a second delivery of the same event stops here
    except IntegrityError:
        db.session.rollback()
        return Result(200, "duplicate")
    donation = None
    if plan.donation_id is not None:
        donation = db.session.scalar(select(Donation).where(Donation.id == plan.donation_id).with_for_update()
                                     .execution_options(populate_existing=True))
    completed = False
    if plan.refusal:
        row.outcome = plan.refusal
    elif donation is None:
        row.outcome = _payout(event) if event["type"] == "payout.paid" else "ignored"
    else:
        row.outcome, completed = _on_donation(event, plan, donation)
    row.needs_attention = attention.needs_people(row.outcome)
    db.session.flush()  # `retrying` commits; a completed gift's receipt was queued with it (completion.complete)
    return Result(200, row.outcome, donation.public_code if donation is not None else None)


def _payout(event: dict) -> str:
    obj = event["data"]["object"]
    if str(obj.get("currency", "")).lower() != rules.CURRENCY or not isinstance(obj.get("amount"), int):
        log.warning("payout %s is not in fen: not posted", obj.get("id"))
        return "ignored"
    return service.apply_payout(str(obj.get("id"))[:100], obj["amount"])


def _on_donation(event: dict, plan: _Plan, donation: Donation) -> tuple[str, bool]:
    """Apply the event to the locked donation; return the outcome and whether it newly completed."""
    kind, obj = event["type"], event["data"]["object"]
    if kind == "checkout.session.async_payment_failed":
        return service.apply_failed(donation), False
    if kind in PAYMENT_EVENTS:
        session = plan.session or obj
        if session.get("payment_status") != "paid":
            return "awaiting_payment", False  # a delayed method: async_payment_succeeded follows
        completed = service.apply_paid(donation, _payment_of(session))
        return ("completed" if completed else "already_completed"), completed
    completed = False
    if donation.status in service.PAID_ONCE:  # a refund or dispute overtook the payment's own event
        session = plan.session
        if session is None or session.get("payment_status") != "paid":
            raise _NotYet()
        completed = service.apply_paid(donation, _payment_of(session))
    if kind == "charge.refunded":
        return service.apply_refund(donation, int(obj.get("amount_refunded") or 0)), completed
    return service.apply_dispute(donation, int(obj.get("amount") or 0)), completed
