"""A day in the time bank, in a real browser: publish, sign up, scan in and out, approve, see the hours."""
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

GUANGZHOU = ZoneInfo("Asia/Shanghai")


def log_in(page, email):
    page.goto("/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log in").click()


def test_activity_to_saved_hours(app, new_page, live_server, create_user, create_org):
    coordinator = create_user(email="coord@example.org", display_name="陈协调")
    volunteer = create_user(email="vol@example.org", display_name="李志愿")
    team = create_org("volunteer_team", {coordinator: "coordinator"}, name_zh="天河义工队", name_en="Tianhe Team")
    app.config["TIMEBANK_SIGNUP_CUTOFF_HOURS"] = -2  # sign-up stays open into an activity already under way
    start = datetime.now(GUANGZHOU) - timedelta(minutes=30)

    boss = new_page()
    log_in(boss, coordinator.email)
    boss.goto(f"/orgs/{team.id}")
    boss.get_by_role("link", name="Publish an activity").click()
    boss.get_by_label("Title").fill("社区长者探访")
    boss.get_by_label("Category").select_option("elderly_care")
    boss.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    boss.get_by_label("Ends").fill((start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    boss.get_by_label("Places").fill("5")
    boss.get_by_role("button", name="Publish").click()
    expect(boss.get_by_role("heading", level=1)).to_contain_text("社区长者探访")
    manage_url = boss.url
    activity_url = manage_url.removesuffix("/manage")

    me = new_page()
    log_in(me, volunteer.email)
    me.goto(activity_url)
    me.get_by_role("button", name="Sign up").click()
    expect(me.get_by_text("You have a place.")).to_be_visible()

    for direction, done in (("in", "Checked in. Welcome!"), ("out", "Checked out. Thank you for serving!")):
        boss.goto(manage_url)
        link = boss.locator(f'a[data-qr="{direction}"]').get_attribute("href")
        me.goto(link)
        me.get_by_role("button", name="Record my attendance").click()
        expect(me.get_by_text(done)).to_be_visible()

    boss.goto(manage_url)
    row = boss.get_by_role("row", name=re.compile("李志愿"))
    row.get_by_label("Minutes to grant").fill("90")
    row.get_by_label("Note").fill("按纸质签到表")
    row.get_by_role("button", name="Approve").click()
    expect(boss.get_by_text("Saved.")).to_be_visible()

    me.goto("/timebank/my")
    expect(me.locator('[data-figure="saved"]')).to_have_text("1 h 30 min")
    expect(me.get_by_role("cell", name="社区长者探访")).to_be_visible()

    me.goto("/timebank/certificates")
    today = datetime.now(GUANGZHOU).date()
    me.get_by_label("First day").fill((today - timedelta(days=1)).isoformat())
    me.get_by_label("Last day").fill(today.isoformat())
    with me.expect_download() as download:
        me.get_by_role("button", name="Download certificate (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    me.goto("/timebank/certificates")
    me.get_by_role("cell").get_by_role("link").first.click()  # the code links to the public check

    public = new_page()  # anyone, without logging in
    public.goto(me.url)
    expect(public.get_by_text("李**")).to_be_visible()
    expect(public.get_by_text("1 h 30 min")).to_be_visible()
    expect(public.get_by_text("李志愿")).to_have_count(0)
