"""Funds fixtures: a social-work station with two staff (the wishes station), funds with money in
them (given through the one completion path), and receipt files of each kind."""
from __future__ import annotations

import io

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from marketplace.funds import service
from marketplace.payments.completion import complete
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from tests.files import PDF as REAL_PDF
from tests.wishes import conftest as wishes_fixtures

# the wishes station (two staff, an admin, a donor, a firm), its households and listings
station, create_household, create_listing = (wishes_fixtures.station, wishes_fixtures.create_household,
                                             wishes_fixtures.create_listing)
PDF = REAL_PDF  # uploads are parsed: a real one-page PDF


@pytest.fixture
def app_config():
    """The funds tests use a second-person amount of ¥1,000 (the default is ¥5,000)."""
    return {"MONEY_SECOND_PERSON_ABOVE_FEN": 100_000}


def image_bytes(fmt: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture
def upload():
    """upload(kind="pdf", filename=None, data=None): a file as a form would send it."""

    def make(kind="pdf", filename=None, data=None):
        if data is None:
            data = PDF if kind == "pdf" else image_bytes("PNG" if kind == "png" else "JPEG")
        return FileStorage(io.BytesIO(data), filename=filename or f"PRIVATE-FILENAME-receipt.{kind}")

    return make


@pytest.fixture
def give(app):
    """give(fund, amount_fen): complete a bank transfer into the fund and commit."""

    def make(fund, amount_fen, listing=None):
        donation = Donation(fund_id=fund.id, amount_fen=amount_fen, provider="bank",
                            listing_id=listing.id if listing is not None else None)
        db.session.add(donation)
        db.session.flush()
        complete(donation)
        db.session.commit()
        return donation

    return make


@pytest.fixture
def create_fund(station, give):
    """create_fund(balance_fen=200_000, kind="general", **fields): a fund of the station with money in it."""

    def make(balance_fen=200_000, kind="general", **fields):
        values = dict(name_zh="社区关爱基金", name_en="Community Care Fund", purpose="帮助独居老人")
        values.update(fields)
        fund = service.create_fund(station.worker, station.org, kind=kind, **values)
        if balance_fen:
            give(fund, balance_fen)
        return fund

    return make


@pytest.fixture
def restricted_fund(station, create_listing, give):
    """A published household need and its restricted fund holding ¥5,000."""
    need = create_listing(kind="household_need")
    fund = service.restricted_fund_for(need)
    db.session.commit()
    give(fund, 500_000, listing=need)
    return fund
