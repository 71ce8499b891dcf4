"""A conversation between neighbours on a 390 × 844 phone, in Chinese and without JavaScript: hidden contact
details, a coordinator's message for an elderly member, sharing phone numbers, normal and large text."""
# ruff: noqa: F811
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.exchanges import talk
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_every_page import FINGERS
from tests.conftest import PASSWORD
from tests.exchanges.talk_helpers import talk_world  # noqa: F401

pytestmark = pytest.mark.browser


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways"
    assert page.evaluate(FINGERS) == []
    page.evaluate("() => document.documentElement.classList.add('large-text')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "scrolls sideways in large text"


def test_a_conversation_on_a_phone(new_page, talk_world):
    w = talk_world
    w.ann.locale = "zh_CN"
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    talk.send(w.bob, w.m.bob, conversation, "您好！周六下午两点可以吗？我住天河路88号3栋502室，电话 139 0013 9000。")
    talk.send(w.ann, w.m.ann, conversation, "可以的，大约需要60分钟。")
    other = talk.start_or_open(w.coord, w.m.gran, w.post)
    talk.send(w.coord, w.m.gran, other, "我想学用手机挂号看病，周二上午方便吗？" * 3)
    page = new_page(locale="zh-CN")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/auth/login")
    page.get_by_label("电子邮箱", exact=True).fill(w.ann.email)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/exchange/messages")
    expect(page.get_by_role("heading", level=1)).to_have_text("消息")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "exchange-messages-390.png"), full_page=True)
    _fits(page)
    page.goto(f"/exchange/messages/{other.id}")
    expect(page.get_by_text("由协调员 Carol 代 Gran 写")).to_be_visible()
    page.goto(f"/exchange/messages/{conversation.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text("与 Bob 的消息")
    expect(page.get_by_text("（双方都同意交换联系方式之前，联系方式不显示）")).to_be_visible()
    assert "139 0013 9000" not in page.content() and "88号" not in page.content()
    page.screenshot(path=str(ARTIFACTS / "exchange-thread-390.png"), full_page=True)
    _fits(page)
    page.evaluate("() => document.documentElement.classList.remove('large-text')")
    page.get_by_role("textbox", name="您的消息").fill("")
    page.get_by_role("button", name="发送", exact=True).click()
    expect(page.get_by_text("请先写消息内容。").first).to_be_visible()
    talk_share_both(w, conversation)
    page.goto(f"/exchange/messages/{conversation.id}")
    expect(page.get_by_role("link", name="13900139000")).to_be_visible()
    expect(page.get_by_text("电话 139 0013 9000")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "exchange-thread-shared-390.png"), full_page=True)
    _fits(page)


def talk_share_both(w, conversation):
    from marketplace.exchanges import contacts

    contacts.share(w.ann, w.m.ann, conversation)
    contacts.share(w.bob, w.m.bob, conversation)
