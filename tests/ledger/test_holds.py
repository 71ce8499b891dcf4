"""Two-phase holds: reserve, then post (wholly or in part) or void, exactly once."""
from datetime import timedelta

import pytest

from marketplace.ledger import holds, service
from marketplace.ledger.causes import Cause
from marketplace.ledger.errors import HoldAmountTooLarge, HoldNotOpen, IdempotencyConflict, InsufficientBalance
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from tests.ledger.conftest import next_key


def soon(minutes=60):
    return now_utc() + timedelta(minutes=minutes)


def test_hold_reserves_without_posting_and_blocks_overspending(savings):
    requester, other = savings(300), savings()
    held = holds.hold(requester, 120, cause=Cause.test("care:1"), expires_at=soon())
    db.session.commit()
    assert service.balance(requester) == service.Balance(posted=300, held=120)
    assert service.balance(requester).available == 180
    with pytest.raises(InsufficientBalance):
        service.post([(requester, -181), (other, 181)], cause=Cause.test(next_key()), kind="test")
    with pytest.raises(InsufficientBalance):
        holds.hold(requester, 181, cause=Cause.test("care:2"), expires_at=soon())
    assert holds.hold(requester, 120, cause=Cause.test("care:1"), expires_at=soon()).id == held.id
    with pytest.raises(IdempotencyConflict):
        holds.hold(requester, 60, cause=Cause.test("care:1"), expires_at=soon())


def test_posting_a_hold_in_part_pays_the_provider_and_releases_the_rest(savings):
    requester, provider = savings(300), savings()
    held = holds.hold(requester, 120, cause=Cause.test(next_key()), expires_at=soon())
    entry = holds.post_hold(held, provider, amount=90, memo="home visit, 1.5 h")
    db.session.commit()
    assert service.balance(requester) == service.Balance(posted=210, held=0)
    assert service.balance(provider).posted == 90
    assert holds.post_hold(held, provider, amount=90).id == entry.id  # repeated request
    with pytest.raises(HoldNotOpen):
        holds.void_hold(held)
    assert not holds.is_open(held)


def test_a_hold_cannot_post_more_than_it_holds(savings):
    requester, provider = savings(300), savings()
    held = holds.hold(requester, 60, cause=Cause.test(next_key()), expires_at=soon())
    with pytest.raises(HoldAmountTooLarge):
        holds.post_hold(held, provider, amount=61)


def test_voided_hold_frees_the_amount_and_cannot_be_posted(savings):
    requester, provider = savings(100), savings()
    held = holds.hold(requester, 100, cause=Cause.test(next_key()), expires_at=soon())
    holds.void_hold(held, reason="cancelled by the family")
    db.session.commit()
    assert service.balance(requester).available == 100
    with pytest.raises(HoldNotOpen):
        holds.post_hold(held, provider)
    with pytest.raises(HoldNotOpen):
        holds.void_hold(held)


def test_expired_holds_are_released_by_the_sweep(savings, runner):
    requester, provider = savings(100), savings()
    held = holds.hold(requester, 40, cause=Cause.test(next_key()), expires_at=soon(1))
    holds.hold(requester, 30, cause=Cause.test(next_key()), expires_at=soon(120))
    db.session.commit()
    assert holds.expire_holds(now=soon(5)) == 1
    db.session.commit()
    assert service.balance(requester).held == 30
    with pytest.raises(HoldNotOpen):
        holds.post_hold(held, provider)
    result = runner.invoke(args=["ledger", "expire-holds"])
    assert result.exit_code == 0 and "Released 0" in result.output


def test_a_hold_past_its_time_cannot_be_posted_even_before_the_sweep(savings, monkeypatch):
    requester, provider = savings(100), savings()
    held = holds.hold(requester, 40, cause=Cause.test(next_key()), expires_at=soon())
    db.session.commit()
    monkeypatch.setattr(holds, "now_utc", lambda: soon(61))
    with pytest.raises(HoldNotOpen):
        holds.post_hold(held, provider)


def test_holds_refuse_bad_amounts_and_past_expiry(savings):
    account = savings(100)
    for amount in (0, -5, 1.5, True):
        with pytest.raises(Exception) as refused:
            holds.hold(account, amount, cause=Cause.test(next_key()), expires_at=soon())
        assert refused.value.status == 422
    with pytest.raises(Exception) as past:
        holds.hold(account, 5, cause=Cause.test(next_key()), expires_at=now_utc() - timedelta(minutes=1))
    assert "expires_at" in past.value.fields
