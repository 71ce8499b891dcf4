"""Payments fixtures: the wishes' station and listings, a general fund, Stripe pointed at a local fake,
and helpers to deliver webhooks and read a fund's money."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.funds import service as funds
from marketplace.ledger import service as ledger
from marketplace.ledger.models import LedgerEntry, LedgerHold
from marketplace.payments.models import Donation, PaymentEvent
from marketplace.platform.extensions import db
from tests.payments.fake_stripe import WEBHOOK_SECRET, FakeStripe, signed
from tests.wishes.conftest import create_household, create_listing, station  # noqa: F401  (fixtures)

WEBHOOK = "/payments/stripe/webhook"


@pytest.fixture
def fund(station):  # noqa: F811  (the wishes fixture)
    """An open general fund of the station."""
    return funds.create_fund(station.worker, station.org, kind="general", name_zh="社区关爱基金",
                             name_en="Community Care Fund", purpose="Help for elderly people living alone")


@pytest.fixture
def fake_stripe(httpserver):
    return FakeStripe(httpserver)


@pytest.fixture
def stripe_config(fake_stripe):
    return {"STRIPE_SECRET_KEY": "sk_test_fake", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": fake_stripe.url, "STRIPE_MAX_NETWORK_RETRIES": 0}


@pytest.fixture
def deliver(client):
    """deliver(payload, secret=WEBHOOK_SECRET, headers=None): POST a signed event to the webhook."""

    def send(payload: bytes, secret: str = WEBHOOK_SECRET, headers: dict | None = None):
        return client.post(WEBHOOK, data=payload, headers=headers if headers is not None else signed(payload, secret))

    return send


def balance_of(fund_id: int) -> int:
    return ledger.balance(funds.fund_account(funds.get_fund(fund_id))).posted


def available_of(fund_id: int) -> int:
    found = ledger.balance(funds.fund_account(funds.get_fund(fund_id)))
    return found.posted - found.held


def fee_total() -> int:
    return ledger.balance(ledger.platform_account("fees")).posted


def counts() -> dict:
    """How many rows the money tables hold (to check that a refused webhook wrote nothing)."""
    db.session.expire_all()
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (PaymentEvent, LedgerEntry, LedgerHold, Donation)}
