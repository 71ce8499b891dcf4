"""Two coordinators answering one report at the same moment on PostgreSQL: exactly one answer is kept, the other
is told, and the reporter is told once."""
# ruff: noqa: F811
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.exchanges import reports
from marketplace.exchanges.models import ExchangeReport
from marketplace.notifications.models import Notification
from marketplace.orgs.models import Membership
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from tests.db_setup import is_postgres
from tests.exchanges.talk_helpers import talk_world  # noqa: F401
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks)")]

ROUNDS = 10


def test_a_report_answered_twice_at_once_keeps_exactly_one_answer(app, talk_world, create_user):
    w = talk_world
    other = create_user(display_name="Dan")
    db.session.add(Membership(organisation_id=w.org.id, user_id=other.id, role="coordinator"))
    db.session.commit()
    coordinators = (w.coord.id, other.id)
    for n in range(ROUNDS):
        found = reports.report(w.ann, w.m.ann, w.m.bob, "no_show", f"第{n}次")
        results = run_together(app, 2, lambda i, r=found.id: reports.answer(
            db.session.get(User, coordinators[i]), r, f"答复{i}").answer)
        answers = [r for r in results if isinstance(r, str)]
        refused = [r for r in results if not isinstance(r, str)]
        assert len(answers) == 1 and len(refused) == 1 and isinstance(refused[0], Conflict), results
        db.session.expire_all()
        kept = db.session.get(ExchangeReport, found.id)
        assert (kept.status, kept.answer) == ("answered", answers[0])
        assert kept.answered_by_id == coordinators[int(answers[0][-1])]
        assert db.session.scalar(select(func.count()).select_from(StateChange).where(
            StateChange.machine == "exchange_report", StateChange.subject_id == found.id,
            StateChange.to_state == "answered")) == 1
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == w.ann.id, Notification.kind == "exchange_report_answered")) == ROUNDS
