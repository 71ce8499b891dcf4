"""The search page, a post and the post form on a 390 × 844 phone, without JavaScript, in normal and large text:
nothing scrolls sideways, the main buttons are big enough to tap, and screenshots are kept for review."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from marketplace.platform.extensions import db
from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD
from tests.exchanges.conftest import exchange  # noqa: F401  (the exchange's fixture, used here)
from tests.exchanges.posts_helpers import post

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def _fits(page, name: str) -> None:
    for large in (False, True):
        if large:
            page.evaluate("document.documentElement.classList.add('large-text')")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], (name, large)
        page.screenshot(path=str(ARTIFACTS / f"exchange-{name}{'-large' if large else ''}-390.png"), full_page=True)


def test_search_post_and_form_on_a_phone(new_page, exchange):  # noqa: F811  (the fixture imported above)
    exchange.amy.user.locale = "zh_CN"
    db.session.commit()
    offer = post(exchange.ben.user, exchange.ben, title="教老人用智能手机视频通话（周末，石牌街道）",
                 body="微信视频、拍照、发语音。" * 10, when_text="周六或周日下午")
    post(exchange.ben.user, exchange.ben, kind="request", title="陪我去社区医院复诊", category="health_escort")
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(locale="zh-CN")
    page.set_viewport_size(PHONE)
    page.goto("/auth/login")
    page.get_by_label("电子邮箱", exact=True).fill("amy@example.org")
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/exchange/")
    expect(page.get_by_role("heading", level=1)).to_have_text("邻里互助")
    for name in ("我能帮忙", "我需要帮忙"):
        box = page.get_by_role("link", name=name, exact=True).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
    page.get_by_label("帮助或求助").select_option("offer")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_role("link", name=offer.title)).to_be_visible()
    expect(page.get_by_text("陪我去社区医院复诊")).to_have_count(0)
    _fits(page, "search")
    page.get_by_role("link", name=offer.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(offer.title)
    expect(page.get_by_text("Ben Li")).to_be_visible()
    _fits(page, "post")
    page.goto("/exchange/posts/new?kind=request")
    expect(page.get_by_label("标题")).to_be_visible()
    _fits(page, "form")
    assert page.get_by_role("button", name="发布", exact=True).bounding_box()["height"] >= 44
