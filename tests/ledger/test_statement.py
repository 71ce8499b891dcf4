"""Statements: newest first, the balance after each line, pages that chain without gaps."""
import pytest

from marketplace.ledger import service
from marketplace.ledger.causes import Cause
from marketplace.ledger.statement import statement
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from tests.ledger.conftest import next_key


def test_pages_run_newest_first_with_the_running_balance(savings):
    volunteer, family = savings(1000), savings()
    for minutes in (10, 20, 30, 40, 50):
        service.post([(volunteer, -minutes), (family, minutes)], cause=Cause.test(next_key()), kind="hours.gift")
    db.session.commit()
    first = statement(volunteer, limit=4)
    assert [line.amount for line in first.lines] == [-50, -40, -30, -20]
    assert [line.balance_after for line in first.lines] == [850, 900, 940, 970]
    second = statement(volunteer, cursor=first.next_cursor, limit=4)
    assert [(line.amount, line.balance_after) for line in second.lines] == [(-10, 990), (1000, 1000)]
    assert second.next_cursor is None


def test_a_new_posting_does_not_shift_the_next_page(savings):
    volunteer, family = savings(100), savings()
    for _ in range(3):
        service.post([(volunteer, -1), (family, 1)], cause=Cause.test(next_key()), kind="t")
    db.session.commit()
    first = statement(volunteer, limit=2)
    service.post([(volunteer, -5), (family, 5)], cause=Cause.test(next_key()), kind="t")
    db.session.commit()
    second = statement(volunteer, cursor=first.next_cursor, limit=2)
    assert [(line.amount, line.balance_after) for line in second.lines] == [(-1, 99), (100, 100)]


def test_forged_or_foreign_cursors_and_bad_limits_are_refused(savings):
    volunteer, other = savings(10), savings(10)
    service.post([(volunteer, -1), (other, 1)], cause=Cause.test(next_key()), kind="t")
    db.session.commit()
    cursor = statement(volunteer, limit=1).next_cursor
    for bad in ("not-a-cursor", cursor[:-2] + "xx"):
        with pytest.raises(InvalidInput) as refused:
            statement(volunteer, cursor=bad)
        assert "cursor" in refused.value.fields
    with pytest.raises(InvalidInput):
        statement(other, cursor=cursor)  # a cursor belongs to one account
    for limit in (0, 201, "5"):
        with pytest.raises(InvalidInput):
            statement(volunteer, limit=limit)


def test_an_empty_account_has_an_empty_statement(savings):
    page = statement(savings())
    assert page.lines == [] and page.next_cursor is None
