"""Reports: coordinators are told and answer once; a coordinator reads a conversation only when it is reported."""
# ruff: noqa: F811
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from config import settings
from marketplace.audit.models import AuditEvent
from marketplace.exchanges import reports, talk
from marketplace.exchanges.models import ExchangeReport
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from tests.exchanges.talk_helpers import talk_world  # noqa: F401


@pytest.fixture
def w(talk_world):
    talk_world.conversation = talk.start_or_open(talk_world.bob, talk_world.m.bob, talk_world.post)
    talk.send(talk_world.bob, talk_world.m.bob, talk_world.conversation, "给我转200元")
    return talk_world


def _kinds(user):
    return [n.kind for n in db.session.scalars(select(Notification).where(Notification.user_id == user.id))]


def test_a_report_is_due_in_the_set_hours_and_tells_the_coordinators_not_the_reported(w):
    found = reports.report(w.ann, w.m.ann, w.m.bob, "scam", "要钱", conversation=w.conversation)
    assert found.status == "open"
    assert found.answer_due_at - found.created_at == timedelta(hours=settings.EXCHANGE_REPORT_ANSWER_HOURS)
    assert "exchange_report" in _kinds(w.coord)
    assert "exchange_report" not in _kinds(w.bob) and "exchange_report" not in _kinds(w.stranger)
    with pytest.raises(Conflict):  # the same report again while it waits
        reports.report(w.ann, w.m.ann, w.m.bob, "scam", "", conversation=w.conversation)


def test_bad_reports_are_refused(w):
    with pytest.raises(InvalidInput) as refused:
        reports.report(w.ann, w.m.ann, w.m.bob, "no-such-reason", "x" * 2001)
    assert set(refused.value.fields) == {"reason", "note"}
    with pytest.raises(NotFound):  # a conversation the reporter is not in
        reports.report(w.gran, w.m.gran, w.m.bob, "scam", conversation=w.conversation)
    with pytest.raises(NotFound):
        reports.report(w.ann, w.m.ann, w.m.ann, "scam")
    assert db.session.scalar(select(ExchangeReport.id)) is None


def test_a_coordinator_reads_a_conversation_only_once_it_is_reported(w):
    with pytest.raises(NotFound):
        reports.reported_conversation(w.coord, w.conversation.id)
    reports.report(w.ann, w.m.ann, w.m.bob, "scam", conversation=w.conversation)
    assert reports.reported_conversation(w.coord, w.conversation.id).id == w.conversation.id
    assert db.session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "exchange.reported_conversation_read")) == w.coord.id
    with pytest.raises(NotFound):  # a coordinator of another exchange
        reports.reported_conversation(w.stranger, w.conversation.id)
    with pytest.raises(NotFound):  # a member who is no coordinator
        reports.reported_conversation(w.gran, w.conversation.id)


def test_an_answer_is_given_once_and_the_reporter_reads_it(w):
    found = reports.report(w.ann, w.m.ann, w.m.bob, "harassment", conversation=w.conversation)
    with pytest.raises(InvalidInput):
        reports.answer(w.coord, found.id, "  ")
    with pytest.raises(NotFound):
        reports.answer(w.stranger, found.id, "处理了")
    reports.answer(w.coord, found.id, "已提醒对方，并隐藏了帖子")
    with pytest.raises(Conflict):
        reports.answer(w.coord, found.id, "再答一次")
    db.session.refresh(found)
    assert (found.status, found.answer, found.answered_by_id) == ("answered", "已提醒对方，并隐藏了帖子", w.coord.id)
    assert "exchange_report_answered" in _kinds(w.ann)
    assert [r.id for r in reports.reports_by(w.m.ann)] == [found.id]
