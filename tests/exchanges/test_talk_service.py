"""Conversations and messages as services: who may start and write, what the other side is told, unread counts."""
# ruff: noqa: F811  (the fixture imported from talk_helpers is named as an argument)
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.exchanges import talk
from marketplace.exchanges.models import Conversation, ExchangePost, Message, PostStatus
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, InvalidInput, NotFound, TooManyAttempts
from marketplace.platform.extensions import db
from tests.exchanges.talk_helpers import talk_world  # noqa: F401


@pytest.fixture
def w(talk_world):
    return talk_world


def _notes(user, kind="exchange_message"):
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                              Notification.kind == kind)))


def test_a_member_starts_one_conversation_about_a_post_and_opening_again_finds_it(w):
    first = talk.start_or_open(w.bob, w.m.bob, w.post)
    again = talk.start_or_open(w.bob, w.m.bob, w.post)
    assert first.id == again.id
    assert (first.first_id, first.second_id) == tuple(sorted((w.m.ann.id, w.m.bob.id)))
    assert db.session.scalar(select(Conversation.id).where(Conversation.post_id == w.post.id)) == first.id


def test_nobody_writes_to_themself_or_about_a_closed_post_but_an_old_conversation_stays(w):
    with pytest.raises(InvalidInput):
        talk.start_or_open(w.ann, w.m.ann, w.post)
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    ExchangePost.machine.move(w.post, PostStatus.WITHDRAWN, by=w.ann)
    db.session.commit()
    assert talk.start_or_open(w.bob, w.m.bob, w.post).id == conversation.id  # still readable
    with pytest.raises(Conflict):
        talk.start_or_open(w.gran, w.m.gran, w.post)


def test_someone_else_cannot_talk_as_a_member(w):
    with pytest.raises(NotFound):
        talk.start_or_open(w.bob, w.m.gran, w.post)
    with pytest.raises(NotFound):  # a coordinator of another exchange
        talk.start_or_open(w.stranger, w.m.gran, w.post)
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    with pytest.raises(NotFound):
        talk.conversation_for(w.gran, conversation.id)
    with pytest.raises(NotFound):  # the coordinator may not act for Bob, who has a phone and joined himself
        talk.conversation_for(w.coord, conversation.id, w.m.bob)


def test_a_message_tells_the_other_side_once_until_they_read_it(w):
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    talk.send(w.bob, w.m.bob, conversation, "  你好，周六可以吗？ ")
    talk.send(w.bob, w.m.bob, conversation, "下午两点")
    assert [m.body for m in talk.messages_of(conversation)] == ["你好，周六可以吗？", "下午两点"]
    assert len(_notes(w.ann)) == 1 and _notes(w.bob) == []
    (_c, other, unread), = talk.conversations_of(w.m.ann)
    assert other.id == w.m.bob.id and unread == 2
    assert talk.conversations_of(w.m.bob)[0][2] == 0  # your own messages are read
    talk.mark_read(w.m.ann, conversation)
    assert talk.unread_total(w.m.ann) == 0
    assert all(n.read_at is not None for n in _notes(w.ann))
    talk.send(w.bob, w.m.bob, conversation, "好的")
    assert len(_notes(w.ann)) == 2 and talk.unread_total(w.m.ann) == 1
    talk.send(w.ann, w.m.ann, conversation, "那就周六见")  # answering is reading
    assert all(n.read_at is not None for n in _notes(w.ann)) and talk.unread_total(w.m.ann) == 0


def test_empty_or_too_long_messages_are_refused_and_nothing_is_written(w):
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    for body in ("", "   ", "字" * 2001, None):
        with pytest.raises(InvalidInput) as refused:
            talk.send(w.bob, w.m.bob, conversation, body)
        assert "body" in refused.value.fields
    talk.send(w.bob, w.m.bob, conversation, "字" * 2000)
    assert db.session.scalar(select(Message.body)) == "字" * 2000
    assert len(list(db.session.scalars(select(Message)))) == 1


def test_a_flood_of_messages_is_slowed_down(w):
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    for n in range(talk.BURST):
        talk.send(w.bob, w.m.bob, conversation, f"第{n}条")
    with pytest.raises(TooManyAttempts):
        talk.send(w.bob, w.m.bob, conversation, "再一条")
    talk.send(w.ann, w.m.ann, conversation, "收到")  # the other side is not slowed


def test_a_coordinator_writes_for_an_elderly_member_and_the_message_says_so(w):
    assert [m.id for m in talk.members_written_for(w.coord)] == [w.m.gran.id]
    conversation = talk.start_or_open(w.coord, w.m.gran, w.post)
    message = talk.send(w.coord, w.m.gran, conversation, "我想请您教我用手机")
    assert (message.sender_id, message.written_by_id) == (w.m.gran.id, w.coord.id)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exchange.message_sent"))
    assert event.actor_id == w.coord.id and event.detail["for_user_id"] == w.gran.id
    found, member = talk.conversation_for(w.coord, conversation.id, w.m.gran)
    assert member.id == w.m.gran.id
    with pytest.raises(NotFound):  # but the coordinator is not Ann's side
        talk.conversation_for(w.coord, conversation.id, w.m.ann)
