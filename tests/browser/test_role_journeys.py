"""Each role on a phone (390×844), from log-in to the task done, finding the way from the menu and the
personal home ("My page" / 我的) rather than typing addresses."""
from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import FileStorage

from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.accounts import savings_account
from marketplace.timebank.activities import service as activities
from marketplace.timebank.hours import reports
from tests.browser.test_timebank_journey import log_in
from tests.conftest import PASSWORD
from tests.files import PDF
from tests.wishes.conftest import create_household, create_listing, station  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}


def on_phone(new_page, user, locale="en-US"):
    """A phone-sized page, logged in as `user`."""
    page = new_page(locale=locale)
    page.set_viewport_size(PHONE)
    if locale == "zh-CN":
        page.goto("/auth/login")
        page.get_by_label("电子邮箱", exact=True).fill(user.email)
        page.get_by_label("密码", exact=True).fill(PASSWORD)
        page.get_by_role("main").get_by_role("button", name="登录").click()
    else:
        log_in(page, user.email)
    return page


def open_my_page(page, name="My page"):
    page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)


def no_sideways_scroll(page):
    """The personal home fits the phone (other pages are the phone-layout work's to check)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def save_hours(user, minutes):
    ledger.post([(ledger.platform_account("hours_issued"), -minutes), (savings_account(user), minutes)],
                cause=Cause.test(f"journey-{user.id}"), kind="hours.attendance")
    db.session.commit()


def an_activity(org, by, title):
    starts = now_utc().replace(microsecond=0) + timedelta(days=3)
    return activities.create_activity(by, org, title=title, description="陪老人聊天", category="elderly_care",
                                      district_id=1, address="天河路1号", starts_at=starts,
                                      ends_at=starts + timedelta(hours=2), capacity=5)


def test_a_volunteer_signs_up_sees_the_shift_and_cancels_it(new_page, create_user, create_org):
    volunteer = create_user(email="vol@example.org", display_name="李志愿")
    coordinator = create_user(email="coord@example.org")
    team = create_org("volunteer_team", {coordinator: "coordinator", volunteer: "member"})
    an_activity(team, coordinator, "社区长者探访")

    me = on_phone(new_page, volunteer)
    open_my_page(me)
    expect(me.locator('[data-empty="upcoming"]')).to_contain_text("You have not signed up for any activity yet.")
    me.get_by_role("link", name="Find an activity near you").click()
    me.get_by_role("link", name="社区长者探访").click()
    me.get_by_role("button", name="Sign up").click()
    expect(me.get_by_text("You are signed up.")).to_be_visible()

    open_my_page(me)
    shift = me.locator("[data-upcoming] li", has_text="社区长者探访")
    expect(shift).to_be_visible()
    no_sideways_scroll(me)
    shift.get_by_role("button", name="Cancel my place").click()
    expect(me.get_by_text("Your place is cancelled.")).to_be_visible()
    expect(me.get_by_role("heading", level=1)).to_have_text("My page")  # back where the button was
    expect(me.locator('[data-empty="upcoming"]')).to_be_visible()


def test_a_grandmother_asks_for_care_in_chinese(new_page, create_user, create_org):
    grandma = create_user(email="nainai@example.org", display_name="王奶奶", locale="zh_CN")
    create_org("volunteer_team", {grandma: "member"}, name_zh="天河义工队")
    save_hours(grandma, 180)

    me = on_phone(new_page, grandma, locale="zh-CN")
    open_my_page(me, "我的")
    me.get_by_role("link", name="申请照护，用存下的时间支付").click()
    me.get_by_label("照护对象", exact=True).fill("王奶奶")
    me.get_by_label("时间", exact=True).fill((now_utc() + timedelta(days=2)).strftime("%Y-%m-%dT10:00"))
    me.get_by_label("预计分钟数").fill("60")
    me.get_by_role("button", name="发布求助").click()

    open_my_page(me, "我的")
    care = me.locator('[data-section="care"]')
    expect(care).to_contain_text("还没有志愿者接单")
    no_sideways_scroll(me)


def test_a_donor_gives_to_a_wish_and_finds_the_receipt(new_page, station, create_listing):  # noqa: F811
    create_listing(status="published", title="冬天的棉被", value_fen=20_000)

    me = on_phone(new_page, station.donor)
    open_my_page(me)
    me.get_by_role("link", name="Help a household: give to a wish or a need").click()
    me.get_by_role("link", name=re.compile("冬天的棉被")).first.click()
    me.get_by_label(re.compile("^By money")).check()
    me.get_by_role("button", name="Claim this wish").click()
    me.get_by_role("link", name="Pay ¥200.00").click()
    me.get_by_role("button", name="Pay ¥200.00").click()
    me.get_by_role("button", name="Pay (test)").click()
    expect(me.locator("[data-donation-status]")).to_contain_text("Confirmed. Thank you!")

    open_my_page(me)
    gift = me.locator("[data-gifts] li", has_text="冬天的棉被")
    expect(gift).to_contain_text("¥200.00")
    with me.expect_download() as download:
        gift.locator("[data-receipt]").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    no_sideways_scroll(me)


def test_a_firm_member_finds_the_firms_points_and_public_page(new_page, station):  # noqa: F811
    me = on_phone(new_page, station.firm_member)
    open_my_page(me)
    firm = me.locator('[data-section="firm"]')
    expect(firm.locator("[data-firm-points]")).to_contain_text("points this month")
    firm.get_by_role("link", name="The firm’s points and badges").click()
    expect(me.get_by_role("heading", level=1)).to_contain_text("Kind Firm")
    no_sideways_scroll(me)
    open_my_page(me)
    me.get_by_role("link", name="The firm’s public page").click()
    expect(me.get_by_role("heading", level=1)).to_have_text("Kind Firm")


def test_a_social_worker_finds_a_households_need(new_page, station, create_household, create_listing):  # noqa: F811
    household = create_household(pseudonym="青禾七号")
    create_listing(status="published", kind="household_need", household=household, title="修补漏雨的屋顶")

    me = on_phone(new_page, station.worker)
    open_my_page(me)
    casework = me.locator('[data-section="casework"]')
    expect(casework).to_contain_text("Tianhe Station")
    casework.get_by_role("link", name="青禾七号").click()
    expect(me.get_by_role("main")).to_contain_text("修补漏雨的屋顶")
    no_sideways_scroll(me)


def test_staff_approve_an_hour_report_from_the_queue(new_page, create_user, create_org):
    staff = create_user(email="staff@example.org")
    volunteer = create_user(email="vol@example.org", display_name="李志愿")
    charity = create_org("charity", {staff: "staff", volunteer: "member"}, name_en="Kind Charity")
    reports.submit_report(volunteer, charity.id, now_utc().date() - timedelta(days=1), 90, "搬家帮忙",
                          FileStorage(io.BytesIO(PDF), filename="e.pdf"))

    me = on_phone(new_page, staff)
    open_my_page(me)
    queue = me.locator('[data-queue="hours"]')
    expect(queue.locator(".badge")).to_have_text("1")
    queue.get_by_role("link", name="Hour reports to review").click()
    me.get_by_role("button", name="Approve").first.click()
    open_my_page(me)
    expect(me.locator('[data-queue="hours"] .badge')).to_have_text("0")
    no_sideways_scroll(me)


def test_a_charity_admin_finds_the_team_and_the_activity_to_manage(new_page, create_user, create_org):
    admin = create_user(email="admin@example.org")
    helper = create_user(email="helper@example.org", display_name="张义工")
    charity = create_org("charity", {admin: "admin", helper: "member"}, name_en="Kind Charity")
    an_activity(charity, admin, "周末探访")

    me = on_phone(new_page, admin)
    open_my_page(me)
    team = me.locator('[data-section="team"]')
    team.get_by_role("link", name="Manage: 周末探访").click()
    expect(me.get_by_role("heading", level=1)).to_contain_text("周末探访")
    open_my_page(me)
    no_sideways_scroll(me)
    me.locator('[data-section="team"]').get_by_role("link", name="The team: 2 members").click()
    expect(me.get_by_role("main")).to_contain_text("张义工")
