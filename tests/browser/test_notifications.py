"""The bell and the list on a 390 × 844 phone, without JavaScript: the count, opening one, marking all read."""
import re

import pytest
from playwright.sync_api import expect

from marketplace.notifications import service as notifications
from marketplace.platform.extensions import db
from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_the_bell_and_the_list_on_a_phone(new_page, create_user):
    me = create_user(email="phone@example.org", locale="zh_CN", display_name="王阿姨")
    for title in ("社区长者探访（周六上午，天河区石牌街道）", "冬天的棉被"):
        notifications.notify(me, "hours_approved", link=("timebank.my_hours", {}), title=title, minutes=150)
    notifications.notify(me, "need_funded", link=("wishes.index", {}), title="修屋顶", amount_fen=8_000_000)
    db.session.commit()
    page = new_page(locale="zh-CN")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/auth/login")
    page.get_by_label("电子邮箱", exact=True).fill("phone@example.org")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    bell = page.get_by_role("link", name="通知 3 条未读")
    expect(bell).to_be_visible()
    box = bell.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    bell.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("通知")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing scrolls sideways
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notifications-390.png"), full_page=True)
    page.get_by_role("button", name="未读： “修屋顶”已筹满（¥80,000.00）。谢谢您！").click()
    expect(page).to_have_url(re.compile(r"/wishes/$"))  # opened where it points, and marked read
    expect(page.get_by_role("link", name="通知 2 条未读")).to_be_visible()
    page.get_by_role("link", name="通知 2 条未读").click()
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.get_by_text("所有通知已标为已读。")).to_be_visible()
    expect(page.get_by_role("link", name="通知", exact=True)).to_be_visible()
    page.get_by_role("link", name="选择接收哪些邮件").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("邮件设置")  # the settings page has loaded
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(ARTIFACTS / "notification-settings-390.png"), full_page=True)
