"""A small fake of Stripe's API on a local pytest-httpserver, and signed events as Stripe sends them.

It answers only what the gateway asks: create and retrieve Checkout Sessions (always expanded
down to the balance transaction once paid) and retrieve charges. Tests move its state with
`pay`, `refund` and `dispute`, then build the matching webhook events.
"""
from __future__ import annotations

import itertools
import json
import re
import time
from urllib.parse import parse_qsl

from werkzeug import Response

from marketplace.payments.gateway import sign

WEBHOOK_SECRET = "whsec_test_fake"
_ids = itertools.count(1)


class FakeStripe:
    def __init__(self, httpserver):
        self.server = httpserver
        self.sessions: dict[str, dict] = {}
        self.charges: dict[str, dict] = {}
        self.created: list[dict] = []  # the form fields of each session created
        self.fail_next = False
        httpserver.expect_request("/v1/checkout/sessions", method="POST").respond_with_handler(self._create)
        httpserver.expect_request(re.compile(r"^/v1/checkout/sessions/[^/]+$"), method="GET").respond_with_handler(
            self._get_session)
        httpserver.expect_request(re.compile(r"^/v1/charges/[^/]+$"), method="GET").respond_with_handler(
            self._get_charge)
        httpserver.expect_request("/v1/checkout/sessions", method="GET").respond_with_handler(self._list_sessions)
        httpserver.expect_request("/v1/refunds", method="POST").respond_with_handler(self._create_refund)
        httpserver.expect_request(re.compile(r"^/v1/checkout/sessions/[^/]+/expire$"), method="POST") \
            .respond_with_handler(self._expire)
        self.by_key: dict[str, str] = {}  # idempotency key -> the session it created
        self.refunds: list[dict] = []  # the form fields of each refund asked for

    @property
    def url(self) -> str:
        return self.server.url_for("").rstrip("/")

    # --- the API -------------------------------------------------------------------------------------

    def _create(self, request):
        if self.fail_next:
            self.fail_next = False
            return _json({"error": {"type": "api_error", "message": "down for maintenance"}}, 500)
        key = request.headers.get("Idempotency-Key")
        if key in self.by_key:  # Stripe answers a repeated key with the first answer
            return _json(self.sessions[self.by_key[key]])
        form = dict(parse_qsl(request.get_data(as_text=True)))
        self.created.append(form)
        sid = f"cs_test_{next(_ids)}"
        if key:
            self.by_key[key] = sid
        self.sessions[sid] = {
            "id": sid, "object": "checkout.session", "mode": "payment", "livemode": False,
            "amount_total": int(form["line_items[0][price_data][unit_amount]"]),
            "currency": form["line_items[0][price_data][currency]"], "status": "open", "payment_status": "unpaid",
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "url": f"https://checkout.stripe.test/pay/{sid}", "payment_intent": None,
            "success_url": form["success_url"], "cancel_url": form["cancel_url"],
        }
        return _json(self.sessions[sid])

    def _get_session(self, request):
        found = self.sessions.get(request.path.rsplit("/", 1)[1])
        return _json(found) if found else _missing()

    def _list_sessions(self, request):
        intent = request.args.get("payment_intent")
        found = [s for s in self.sessions.values() if isinstance(s.get("payment_intent"), dict)
                 and s["payment_intent"]["id"] == intent]
        return _json({"object": "list", "data": found[:1], "has_more": False, "url": "/v1/checkout/sessions"})

    def _create_refund(self, request):
        form = dict(parse_qsl(request.get_data(as_text=True)))
        self.refunds.append(form)
        return _json({"id": f"re_test_{next(_ids)}", "object": "refund", "amount": int(form["amount"]),
                      "payment_intent": form["payment_intent"], "status": "succeeded"})

    def _get_charge(self, request):
        found = self.charges.get(request.path.rsplit("/", 1)[1])
        return _json(found) if found else _missing()

    def _expire(self, request):
        session = self.sessions.get(request.path.split("/")[-2])
        if session is None:
            return _missing()
        if session["status"] != "open":
            return _json({"error": {"type": "invalid_request_error",
                                    "message": "Only Checkout Sessions with a status of open can be expired."}}, 400)
        return _json(self.expire_now(session["id"]))

    # --- moving its state ----------------------------------------------------------------------------

    def expire_now(self, sid: str) -> dict:
        """Let a session time out, as Stripe does after 24 hours: it can no longer be paid."""
        self.sessions[sid].update(status="expired", url=None)
        return self.sessions[sid]

    def pay(self, sid: str, fee: int = 0) -> dict:
        """Mark a session paid, with a payment intent, a charge and a balance transaction holding `fee`."""
        session = self.sessions[sid]
        n = next(_ids)
        charge = {"id": f"ch_test_{n}", "object": "charge", "amount": session["amount_total"],
                  "amount_refunded": 0, "currency": "cny", "paid": True, "refunded": False,
                  "payment_intent": f"pi_test_{n}", "metadata": dict(session["metadata"]),
                  "balance_transaction": {"id": f"txn_test_{n}", "object": "balance_transaction",
                                          "amount": session["amount_total"], "currency": "cny", "fee": fee}}
        self.charges[charge["id"]] = charge
        session.update(status="complete", payment_status="paid",
                       payment_intent={"id": charge["payment_intent"], "object": "payment_intent",
                                       "status": "succeeded", "latest_charge": charge})
        return session

    def refund(self, sid: str, total: int) -> dict:
        charge = self.sessions[sid]["payment_intent"]["latest_charge"]
        charge.update(amount_refunded=total, refunded=total == charge["amount"])
        return charge

    # --- events --------------------------------------------------------------------------------------

    @staticmethod
    def event(kind: str, obj: dict, *, livemode: bool = False, event_id: str | None = None) -> bytes:
        """Return a webhook body as Stripe sends it (objects not expanded, as in a real event)."""
        obj = json.loads(json.dumps(obj))
        if isinstance(obj.get("payment_intent"), dict):
            obj["payment_intent"] = obj["payment_intent"]["id"]
        if isinstance(obj.get("balance_transaction"), dict):
            obj["balance_transaction"] = obj["balance_transaction"]["id"]
        return json.dumps({"id": event_id or f"evt_test_{next(_ids)}", "object": "event", "type": kind,
                           "livemode": livemode, "created": int(time.time()), "api_version": "2025-01-27.acacia",
                           "data": {"object": obj}}).encode()

    @staticmethod
    def dispute_event(charge: dict, amount: int) -> bytes:
        dispute = {"id": f"dp_test_{next(_ids)}", "object": "dispute", "amount": amount, "currency": "cny",
                   "charge": charge["id"], "payment_intent": charge["payment_intent"], "status": "needs_response",
                   "metadata": {}}
        return FakeStripe.event("charge.dispute.created", dispute)


def signed(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> dict:
    """Headers of a delivery of `payload`, signed like Stripe signs."""
    return {"Stripe-Signature": sign(payload, secret, timestamp), "Content-Type": "application/json"}


def _json(body, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json")


def _missing() -> Response:
    return _json({"error": {"type": "invalid_request_error", "message": "No such object"}}, 404)
