"""Blocking stops new conversations and messages both ways; the blocked member is not told."""
# ruff: noqa: F811
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.exchanges import talk
from marketplace.exchanges.models import MemberBlock
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, NotFound
from marketplace.platform.extensions import db
from tests.exchanges.talk_helpers import make_post, talk_world  # noqa: F401


def test_a_block_stops_messages_both_ways_and_lifting_it_lets_them_through(talk_world):
    w = talk_world
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    talk.send(w.bob, w.m.bob, conversation, "你好")
    talk.block(w.ann, w.m.ann, w.m.bob)
    talk.block(w.ann, w.m.ann, w.m.bob)  # twice is once
    assert db.session.scalar(select(MemberBlock.id).where(MemberBlock.blocker_id == w.m.ann.id)) is not None
    for by, member in ((w.bob, w.m.bob), (w.ann, w.m.ann)):
        with pytest.raises(Conflict):
            talk.send(by, member, conversation, "还在吗")
    assert [m.body for m in talk.messages_of(conversation)] == ["你好"]  # the old conversation stays readable
    assert talk.blocked_ids(w.m.bob.id) == {w.m.ann.id} and talk.blocked_ids(w.m.ann.id) == {w.m.bob.id}
    assert talk.has_blocked(w.m.ann, w.m.bob) and not talk.has_blocked(w.m.bob, w.m.ann)
    talk.unblock(w.bob, w.m.bob, w.m.ann)  # Bob cannot lift Ann's block
    with pytest.raises(Conflict):
        talk.send(w.bob, w.m.bob, conversation, "还在吗")
    talk.unblock(w.ann, w.m.ann, w.m.bob)
    talk.send(w.bob, w.m.bob, conversation, "还在吗")


def test_a_block_stops_new_conversations_both_ways_and_the_blocked_member_is_not_told(talk_world):
    w = talk_world
    bobs = make_post(w.m.bob, title="陪同去诊所", kind="request")
    before = db.session.scalar(select(Notification.id).where(Notification.user_id == w.bob.id))
    talk.block(w.bob, w.m.bob, w.m.ann)
    with pytest.raises(NotFound):
        talk.start_or_open(w.bob, w.m.bob, w.post)
    with pytest.raises(NotFound):
        talk.start_or_open(w.ann, w.m.ann, bobs)
    assert db.session.scalar(select(Notification.id).where(Notification.user_id == w.ann.id)) is None
    assert before is None


def test_nobody_blocks_themself_or_a_member_of_another_exchange(talk_world, create_user, create_org):
    w = talk_world
    with pytest.raises(NotFound):
        talk.block(w.ann, w.m.ann, w.m.ann)
    outsider = create_user()
    other = create_org("charity", {outsider: "member"})
    from tests.exchanges.talk_helpers import join
    with pytest.raises(NotFound):
        talk.block(w.ann, w.m.ann, join(other, outsider))
