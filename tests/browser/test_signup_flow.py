"""Sign up, confirm, log in and change language in a real browser, as a person would."""
import re
import time

import pytest
from playwright.sync_api import expect

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CONFIRM_BANNER = "Please confirm your email address"
HAN = re.compile(r"[\u4e00-\u9fff]")


def wait_for_link(mailbox, to, timeout=5.0):
    """Return the first link in the newest email to `to`, waiting briefly for it to be sent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in reversed(mailbox.messages):
            if to in message.to:
                match = re.search(r"https?://\S+", message.body)
                assert match, "the email holds no link"
                return match.group(0)
        time.sleep(0.05)
    raise AssertionError(f"no email was sent to {to}")


def user_named(email):
    db.session.expire_all()
    return db.session.scalar(db.select(User).where(User.email == email))


def count_users():
    return db.session.scalar(db.select(db.func.count(User.id)))


def test_sign_up_confirm_log_in_and_switch_to_chinese(page, live_server, mailbox):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    header = page.get_by_role("banner")
    header.get_by_role("link", name="Sign up").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("Your name").fill("Lucy Li")
    page.get_by_label("Email", exact=True).fill("lucy@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    expect(page.get_by_role("combobox", name="Language")).to_have_value("en")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_text("We sent a message to lucy@example.org")).to_be_visible()

    link = wait_for_link(mailbox, "lucy@example.org")
    assert link.startswith(f"{live_server.url}/auth/verify/")
    page.goto(link)
    expect(page.get_by_text("your email address is confirmed")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    page.get_by_label("Email", exact=True).fill("lucy@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    header.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    expect(page.get_by_text(CONFIRM_BANNER)).to_have_count(0)

    header.get_by_role("button", name="中文").click()
    expect(page).to_have_url(f"{live_server.url}/account/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的账户")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", level=1)).to_have_text("我的账户")
    assert user_named("lucy@example.org").locale == "zh_CN"


def test_chinese_browser_gets_chinese_home_page(new_page):
    page = new_page(locale="zh-Hans-CN")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("banner").get_by_role("button", name="中文")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("heading", level=1)).to_have_text(HAN)


def test_invalid_sign_up_shows_field_messages_and_creates_no_user(page):
    users_before = count_users()
    page.goto("/auth/register")
    name = page.get_by_label("Your name")
    name.fill("Lucy Li")
    email = page.get_by_label("Email", exact=True)
    password = page.get_by_label("Password", exact=True)
    email.fill("not-an-email")
    password.fill("short")
    page.get_by_role("button", name="Create my account").click()

    expect(page.get_by_role("alert")).to_contain_text("Some fields need correcting.")
    expect(email).to_have_attribute("aria-invalid", "true")
    expect(email).to_have_accessible_description(re.compile("Enter a valid email address"))
    expect(name).not_to_have_attribute("aria-invalid", re.compile(".*"))  # a valid field is not announced as invalid
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_accessible_description(re.compile("Use at least 10 characters"))
    assert count_users() == users_before
