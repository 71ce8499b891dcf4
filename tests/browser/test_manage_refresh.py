"""The coordinator's manage page keeps its QR codes and lists fresh by itself, but never wipes what is being typed."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from marketplace.timebank.activities import service
from tests.browser.test_timebank_journey import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def managed(app, live_server, create_user, create_org):
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 1  # the page refreshes its part every second
    coordinator = create_user(email="coord@example.org", display_name="陈协调")
    team = create_org("volunteer_team", {coordinator: "coordinator"}, name_zh="天河义工队")
    starts = service.now_utc() + timedelta(days=2)
    activity = service.create_activity(coordinator, team, title="长者探访", description="", category="elderly_care",
                                       district_id=1, address="", starts_at=starts,
                                       ends_at=starts + timedelta(hours=2), capacity=5)
    return coordinator, activity


def test_the_list_updates_when_idle_and_waits_while_someone_types(new_page, managed, create_user):
    coordinator, activity = managed
    page = new_page(javascript=True)
    log_in(page, coordinator.email)
    page.goto(f"/timebank/activities/{activity.id}/manage")
    page.evaluate("window.notReloaded = true")
    volunteers = page.get_by_role("table").first

    service.sign_up(activity.id, create_user(display_name="王一"))
    expect(volunteers).to_contain_text("王一", timeout=5_000)  # idle: the list caught up by itself
    assert page.evaluate("window.notReloaded") is True  # only the list was replaced, not the page

    reason = page.get_by_label("Why by hand")
    reason.fill("他没有手机，我在")
    page.locator("h1").click()  # the field loses the focus but keeps what was typed
    service.sign_up(activity.id, create_user(display_name="李二"))
    page.wait_for_timeout(3_000)  # three refresh periods
    expect(volunteers).not_to_contain_text("李二")
    expect(reason).to_have_value("他没有手机，我在")

    reason.fill("")
    page.locator("h1").click()
    expect(volunteers).to_contain_text("李二", timeout=5_000)  # nothing typed any more: it refreshes again
    assert page.evaluate("window.notReloaded") is True


def test_a_focused_field_holds_the_refresh_too(new_page, managed, create_user):
    coordinator, activity = managed
    page = new_page(javascript=True)
    log_in(page, coordinator.email)
    page.goto(f"/timebank/activities/{activity.id}/manage")
    page.get_by_label("Volunteer's email").focus()
    service.sign_up(activity.id, create_user(display_name="赵三"))
    page.wait_for_timeout(3_000)
    expect(page.get_by_role("table").first).not_to_contain_text("赵三")
    page.locator("h1").click()
    expect(page.get_by_role("table").first).to_contain_text("赵三", timeout=5_000)


def test_without_javascript_the_page_never_refreshes_and_offers_a_link(new_page, managed, create_user):
    coordinator, activity = managed
    page = new_page()
    log_in(page, coordinator.email)
    page.goto(f"/timebank/activities/{activity.id}/manage")
    page.get_by_label("Why by hand").fill("没有手机")
    service.sign_up(activity.id, create_user(display_name="孙四"))
    page.wait_for_timeout(2_500)
    expect(page.get_by_label("Why by hand")).to_have_value("没有手机")
    expect(page.get_by_role("table").first).not_to_contain_text("孙四")
    page.get_by_role("link", name="Refresh").click()
    expect(page.get_by_role("table").first).to_contain_text("孙四")
