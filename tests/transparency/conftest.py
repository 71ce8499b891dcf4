"""Transparency fixtures (generic): the funds world — a station with staff, households, listings and
funds with money in them — plus `give_online`, a completed demo gift as the donor chose to appear."""
from __future__ import annotations

import pytest

from marketplace.payments import demo_provider
from marketplace.payments import service as giving
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from tests.funds import conftest as funds_fixtures

station, create_household, create_listing = (funds_fixtures.station, funds_fixtures.create_household,
                                             funds_fixtures.create_listing)
upload, give, create_fund, restricted_fund = (funds_fixtures.upload, funds_fixtures.give, funds_fixtures.create_fund,
                                              funds_fixtures.restricted_fund)
app_config = funds_fixtures.app_config  # disbursements above ¥1,000 wait for a second person here


@pytest.fixture
def give_online(app):
    """give_online(donor, fund, amount_fen, display="masked", firm=None): pay a gift through the demo checkout."""

    def make(donor, fund, amount_fen, display="masked", firm=None):
        gift = giving.give_to_fund(donor, fund.public_code, amount_fen, display=display,
                                   organisation_id=firm.id if firm is not None else None)
        demo_provider.checkout(donor, gift.public_code, "pay")
        db.session.expire_all()
        return db.session.get(Donation, gift.id)

    return make
