"""Contact details in messages are hidden when shown until both sides agree to share; other text stays."""
# ruff: noqa: F811
from __future__ import annotations

import pytest
from sqlalchemy import select

from marketplace.exchanges import contacts, talk
from marketplace.exchanges.contacts import HIDDEN, mask
from marketplace.exchanges.models import Message
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from tests.exchanges.talk_helpers import talk_world  # noqa: F401

HIDDEN_PARTS = [
    ("我的电话13800138000，随时打", "13800138000"),
    ("打 138 0013 8000 找我", "138 0013 8000"),
    ("call me on 139-0013-9000 after six", "139-0013-9000"),
    ("+86 158 1234 5678", "158 1234 5678"),
    ("手机：１３８００１３８０００", "１３８００１３８０００"),
    ("座机 020-8888 6666", "020-8888 6666"),
    ("ring (020) 88886666", "88886666"),
    ("家里电话 88886666", "88886666"),
    ("加我微信 abc_123456 吧", "abc_123456"),
    ("微信号是：zhangsan88", "zhangsan88"),
    ("my WeChat ID: Leo_2020", "Leo_2020"),
    ("vx：zhang-san88", "zhang-san88"),
    ("QQ 12345678", "12345678"),
    ("email me at wang.li@example.com", "wang.li@example.com"),
    ("我住中山五路123号", "123号"),
    ("天河路45-2号之3，到了打电话", "45-2号之3"),
    ("在5栋1203室", "1203室"),
    ("3座2单元502房", "502房"),
    ("住在3楼302", "3楼302"),
    ("I live at 12 Baker Street", "12"),
    ("Flat 3B, 221 Baker Street", "3B"),
    ("room 502 on the left", "502"),
]
KEPT = ["30 minutes is enough", "大约45分钟", "2026年3月5日见", "in 2026", "3月1号下午", "from 2025 to 2026",
        "周二 9:30 在诊所门口", "房间很干净", "我有2个孩子", "价格 100 元", "deadline today", "online class at 5",
        "20 people came", "验证码 123456"]


@pytest.mark.parametrize("text,part", HIDDEN_PARTS)
def test_phone_numbers_ids_and_addresses_are_hidden(text, part):
    shown = mask(text)
    assert shown.hidden and part not in shown.text and HIDDEN in shown.text


@pytest.mark.parametrize("text", KEPT)
def test_numbers_that_are_not_contact_details_stay(text):
    assert mask(text).text == text and not mask(text).hidden


def test_words_around_a_hidden_number_stay():
    assert mask("周六下午 13800138000 联系").text == f"周六下午 {HIDDEN} 联系"
    assert mask("我住中山五路123号").text == f"我住中山五路{HIDDEN}"


@pytest.fixture
def talking(talk_world):
    w = talk_world
    w.conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    talk.send(w.bob, w.m.bob, w.conversation, "我的电话 13900139000，住天河路8号")
    return w


def test_one_side_sharing_still_hides_both_sharing_shows_and_the_stored_text_is_kept(talking):
    w = talking
    stored = "我的电话 13900139000，住天河路8号"
    contacts.share(w.bob, w.m.bob, w.conversation)
    assert contacts.shown(w.conversation, stored).hidden and contacts.phones(w.conversation) == []
    contacts.share(w.ann, w.m.ann, w.conversation)
    assert contacts.shown(w.conversation, stored).text == stored
    assert {(m.id, phone) for m, phone in contacts.phones(w.conversation)} == {
        (w.m.ann.id, "13800138000"), (w.m.bob.id, "13900139000")}
    contacts.unshare(w.ann, w.m.ann, w.conversation)
    assert contacts.shown(w.conversation, stored).hidden and contacts.phones(w.conversation) == []
    assert db.session.scalar(select(Message.body)) == stored


def test_a_side_without_a_phone_is_left_out_and_nobody_shares_for_another(talking):
    w = talking
    conversation = talk.start_or_open(w.coord, w.m.gran, w.post)
    contacts.share(w.coord, w.m.gran, conversation)
    contacts.share(w.ann, w.m.ann, conversation)
    assert [(m.id, phone) for m, phone in contacts.phones(conversation)] == [(w.m.ann.id, "13800138000")]
    from marketplace.platform.errors import NotFound
    with pytest.raises(NotFound):
        contacts.share(w.bob, w.m.ann, w.conversation)


def test_no_sharing_while_blocked(talking):
    w = talking
    talk.block(w.ann, w.m.ann, w.m.bob)
    with pytest.raises(Conflict):
        contacts.share(w.bob, w.m.bob, w.conversation)
