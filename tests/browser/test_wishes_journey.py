"""A micro-wish in a real browser: a social worker registers a household and writes the wish, a colleague
verifies and publishes it, a donor claims it, staff confirm delivery and pass on the thanks, and the
public pages never show the household's private details."""
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.test_timebank_journey import log_in

pytestmark = pytest.mark.browser

NAME, PHONE, ADDRESS = "王秘密", "13800138000", "天河路1号3楼"
THANKS = "谢谢您，奶奶今年冬天不冷了。"


def test_wish_from_household_to_thanks(new_page, create_user, create_org):
    worker = create_user(email="worker@example.org", display_name="社工小陈")
    checker = create_user(email="checker@example.org", display_name="社工小李")
    donor = create_user(email="donor@example.org", display_name="爱心人士")
    station = create_org("social_work_station", {worker: "staff", checker: "staff"},
                         name_zh="天河社工站", name_en="Tianhe Station")

    # 1. The social worker registers and verifies a household, then writes the wish.
    sw = new_page()
    log_in(sw, worker.email)
    sw.goto(f"/orgs/{station.id}")
    sw.get_by_role("link", name="Households").click()
    sw.get_by_role("link", name="Register a household").click()
    sw.get_by_label("Pseudonym (shown in public)").fill("青禾12")
    sw.get_by_label("District").select_option(label="Tianhe")
    sw.get_by_label("Category").select_option("elderly_alone")
    sw.get_by_label("Age band").select_option(label="80 and over")
    sw.get_by_label("Full name (private)").fill(NAME)
    sw.get_by_label("Phone (private, optional)").fill(PHONE)
    sw.get_by_label("Address (private, optional)").fill(ADDRESS)
    sw.get_by_label("Date consent was given").fill(date.today().isoformat())
    sw.get_by_label("What the household agreed to").fill("发布微心愿，使用化名")
    sw.get_by_role("button", name="Register").click()
    expect(sw.get_by_role("heading", level=1)).to_have_text("青禾12")
    expect(sw.get_by_text(NAME)).to_be_visible()  # staff of the station see the private details
    household_url = sw.url

    # A colleague visits and verifies the household: whoever registered it may not.
    boss = new_page()
    log_in(boss, checker.email)
    boss.goto(household_url)
    boss.get_by_role("button", name="Record a verification visit").click()
    expect(boss.locator('[data-verification="ok"]')).to_be_visible()

    sw.reload()
    sw.get_by_role("link", name="Write a listing").click()
    sw.get_by_label("Kind").select_option(label="Micro-wish")
    sw.get_by_label("Title").fill("冬天的棉被")
    sw.get_by_label("Story (written with the household's consent)").fill("奶奶的被子太薄了，想要一床厚棉被。")
    sw.get_by_label("Quantity").fill("1")
    sw.get_by_label(re.compile(r"^Value in yuan")).fill("200")
    sw.get_by_role("button", name="Save as a draft").click()
    expect(sw.get_by_role("heading", level=1)).to_have_text("冬天的棉被")
    expect(sw.get_by_text("¥200.00", exact=True)).to_be_visible()
    sw.get_by_role("button", name="Submit for verification").click()
    expect(sw.locator("[data-status]")).to_have_text("Waiting for verification")
    staff_url = sw.url
    expect(sw.get_by_role("button", name="Verify", exact=True)).to_have_count(0)  # the author may not verify it

    # 2. The colleague verifies and publishes it.
    boss.goto(staff_url)
    boss.get_by_role("button", name="Verify", exact=True).click()
    expect(boss.locator("[data-status]")).to_have_text("Verified")
    boss.get_by_role("button", name="Publish").click()
    expect(boss.locator("[data-status]")).to_have_text("Looking for help")
    expect(boss.get_by_role("row", name=re.compile("社工小李"))).to_have_count(2)  # both moves in the history

    # 3. A donor finds the wish and claims it in kind.
    me = new_page()
    log_in(me, donor.email)
    me.goto("/wishes/")
    me.get_by_label("Search").fill("棉被")
    me.get_by_role("button", name="Filter").click()
    me.get_by_role("link", name="冬天的棉被").click()
    public_url = me.url
    me.get_by_label(re.compile("^In kind")).check()
    me.get_by_role("button", name="Claim this wish").click()
    expect(me.get_by_text("The wish is yours to fulfil before the deadline")).to_be_visible()
    expect(me.locator("[data-status]")).to_have_text("Claimed")
    me.get_by_role("link", name="My claims and pledges").first.click()
    expect(me.get_by_role("row", name=re.compile("冬天的棉被"))).to_contain_text("Bring it by")

    # 4. Staff confirm delivery and write the household's thanks.
    boss.goto(staff_url)
    expect(boss.get_by_text("Claimed by 爱心人士")).to_be_visible()
    boss.get_by_label("Note (optional)").fill("棉被已送到")
    boss.get_by_role("button", name="Confirm delivery").click()
    expect(boss.get_by_text("Delivery is confirmed.")).to_be_visible()
    boss.get_by_label("Thank-you note (written with the household)").fill(THANKS)
    boss.get_by_role("button", name="Save and send to the donors").click()
    expect(boss.get_by_text("The thank-you note is saved and sent to the donors.")).to_be_visible()

    # 5. The donor sees that the wish came true, with the thanks.
    me.goto("/wishes/my")
    expect(me.get_by_text("Your wish came true.")).to_be_visible()
    expect(me.get_by_text(THANKS)).to_be_visible()
    me.goto(public_url)
    expect(me.locator("[data-thanks]")).to_contain_text(THANKS)

    # 6. Anyone sees the pseudonym on the public pages, never the household's private details.
    public = new_page()
    for path in (public_url, "/wishes/", "/wishes/?q=棉被"):
        public.goto(path)
        expect(public.get_by_text("青禾12").first).to_be_visible()
        html = public.content()
        for secret in (NAME, PHONE, ADDRESS, THANKS):
            assert secret not in html, f"{secret} shown on {path}"
