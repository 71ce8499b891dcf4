"""The demo exchange: members, offers and requests in both languages, once, through the services."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.audit.models import AuditEvent
from marketplace.exchanges.models import ExchangeMember, ExchangePost
from marketplace.platform.extensions import db


def test_the_demo_seeds_the_teams_exchange_once(runner):
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    found = db.session.scalars(select(ExchangePost).order_by(ExchangePost.id)).all()
    assert {p.kind for p in found} == {"offer", "request"} and {p.status for p in found} == {"active"}
    assert any(p.title.isascii() for p in found) and any(not p.title.isascii() for p in found)
    grandma = db.session.scalar(select(ExchangeMember).join(ExchangeMember.user).where(
        ExchangeMember.joined_by_id.is_not(None)))
    assert grandma.user.email.startswith("grandma@")
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "exchanges.post_created")).all()
    assert sum(e.detail.get("for_user_id") == grandma.user_id for e in events) == 2
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(ExchangePost)) == len(found)
