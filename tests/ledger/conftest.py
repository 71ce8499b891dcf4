"""Ledger fixtures: accounts of each kind, funded through the ledger itself."""
import itertools

import pytest

from marketplace.ledger import service
from marketplace.ledger.causes import Cause
from marketplace.platform.extensions import db

_owners = itertools.count(1000)
_keys = itertools.count(1)


def next_key(prefix="test") -> str:
    return f"{prefix}:{next(_keys)}"


@pytest.fixture
def open_account(app):
    """Open an account: open_account(purpose="test_fen", owner_type="user", funded=0)."""

    def make(purpose="test_fen", owner_type="user", funded=0):
        account = service.open_account(owner_type, next(_owners), purpose)
        if funded:
            source_purpose = "hours_issued" if account.unit == "min" else "stripe_clearing"
            source = service.platform_account(source_purpose)
            service.post([(source, -funded), (account, funded)], cause=Cause.test(next_key("fund")), kind="test.fund")
        db.session.commit()
        return account

    return make


@pytest.fixture
def savings(open_account):
    """A volunteer savings account (minutes, no overdraft) holding `funded` minutes."""
    return lambda funded=0: open_account("volunteer_savings", "user", funded)


@pytest.fixture
def fund(open_account):
    """A fund (fen, no overdraft, several balance rows) holding `funded` fen."""
    return lambda funded=0: open_account("fund", "fund", funded)
