"""Sweeps run at once on PostgreSQL with real parallel connections: each opted-in member gets one digest a day,
each post past its end date expires once, and withdrawing twice at once withdraws once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from marketplace.exchanges import matching, posts
from marketplace.exchanges.models import ExchangePost
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from marketplace.platform.timeutil import local_today
from tests.db_setup import is_postgres
from tests.exchanges.posts_helpers import post
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL)")]


def test_digests_and_expiry_run_at_once_tell_and_move_each_once(app, exchange):
    for member in (exchange.amy, exchange.teen):
        matching.choose(member.user, member, True, ["repairs"])
    post(exchange.ben.user, exchange.ben, kind="request", title="Fix my tap", category="repairs",
         active_until=local_today())
    tomorrow = local_today() + timedelta(days=1)

    told = run_together(app, 4, lambda i: matching.send_digests(tomorrow))
    expired = run_together(app, 4, lambda i: posts.expire_due(tomorrow))
    db.session.expire_all()
    assert sum(told) == 2 and sum(expired) == 1, (told, expired)
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.kind == "exchange_matches")) == 2
    assert db.session.scalar(select(func.count()).select_from(StateChange).where(
        StateChange.machine == "exchange_post", StateChange.to_state == "expired")) == 1


def test_withdrawing_twice_at_once_withdraws_once(app, exchange):
    offer = post(exchange.amy.user, exchange.amy)
    code, user_id = offer.code, exchange.amy.user_id

    def withdraw(_i):
        from marketplace.auth.models import User
        try:
            posts.withdraw(db.session.get(User, user_id), code)
            return "done"
        except Conflict:
            db.session.rollback()
            return "conflict"

    results = run_together(app, 4, withdraw)
    assert sorted(results) == ["conflict"] * 3 + ["done"], results
    db.session.expire_all()
    assert db.session.scalar(select(ExchangePost.status).where(ExchangePost.code == code)) == "withdrawn"
    assert db.session.scalar(select(func.count()).select_from(StateChange).where(
        StateChange.machine == "exchange_post", StateChange.to_state == "withdrawn")) == 1
