"""Money for a micro-wish in a real browser, on the demo provider: a donor claims a wish by money, pays it
through the TEST MODE checkout, sees it pending then confirmed, downloads the receipt; staff pay the
supplier out of the wish's restricted fund with a receipt, and the wish shows its cost as paid."""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.test_timebank_journey import log_in
from tests.funds.conftest import image_bytes
from tests.wishes.conftest import create_household, create_listing, station  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

WISH = "冬天的棉被"


def test_donor_pays_a_wish_and_staff_pay_it_out(new_page, station, create_listing, tmp_path):  # noqa: F811
    wish = create_listing(status="published", title=WISH, value_fen=20_000)

    # 1. The donor claims the wish by money and follows the link to pay it.
    me = new_page()
    log_in(me, station.donor.email)
    me.goto(f"/wishes/{wish.public_code}")
    public_url = me.url
    me.get_by_label(re.compile("^By money")).check()
    me.get_by_role("button", name="Claim this wish").click()
    expect(me.locator("[data-status]")).to_have_text("Claimed")
    me.get_by_role("link", name="Pay ¥200.00").click()

    # 2. The give page: how to appear, then the clearly labelled test checkout.
    expect(me.get_by_role("heading", level=1)).to_have_text("Give")
    expect(me.get_by_text("TEST MODE")).to_be_visible()
    me.get_by_label("Masked (for example 张**)").check()
    me.get_by_label("Message (optional)").fill("祝奶奶冬天温暖")
    me.get_by_role("button", name="Pay ¥200.00").click()
    expect(me.get_by_role("heading", level=1)).to_have_text("Test checkout")
    expect(me.locator("[data-test-mode]")).to_contain_text("No card is charged")
    expect(me.locator("[data-amount]")).to_have_text("¥200.00")
    checkout_url = me.url

    # Before paying, the donation waits for the payment service.
    me.get_by_role("link", name="See this donation").click()
    expect(me.locator("[data-donation-status]")).to_contain_text("Awaiting confirmation")
    me.goto("/payments/my")
    expect(me.get_by_role("row", name=re.compile(WISH))).to_contain_text("Awaiting confirmation")

    me.goto(checkout_url)
    me.get_by_role("button", name="Pay (test)").click()
    expect(me.get_by_role("heading", level=1)).to_have_text("Your donation")
    expect(me.locator("[data-donation-status]")).to_contain_text("Confirmed. Thank you!")
    receipt_no = re.search(r"Receipt number: (\S+)", me.locator("[data-receipt]").inner_text()).group(1)

    # 3. The receipt, from the donor's giving page: a PDF in which the number and Chinese are text.
    me.goto("/payments/my")
    row = me.get_by_role("row", name=re.compile(WISH))
    expect(row).to_contain_text("Received")
    with me.expect_download() as download:
        row.get_by_role("link", name=f"Receipt {receipt_no} (PDF)").click()
    pdf = download.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert receipt_no in text
    assert re.search(r"[\u4e00-\u9fff]", text), "the receipt holds no Chinese text"

    # 4. Staff pay the supplier out of the wish's restricted fund, with the receipt.
    receipt = tmp_path / "发票.png"
    receipt.write_bytes(image_bytes("PNG"))
    boss = new_page()
    log_in(boss, station.worker.email)
    boss.goto(f"/orgs/{station.org.id}")
    boss.get_by_role("link", name="Funds", exact=True).click()
    fund_row = boss.get_by_role("row", name=re.compile(WISH))
    expect(fund_row).to_contain_text("¥200.00")
    fund_row.get_by_role("link").click()
    expect(boss.locator("[data-balance]")).to_have_text("¥200.00")
    boss.get_by_role("link", name="Request a payment").click()
    boss.get_by_label("Payee").fill("天河百货")
    boss.get_by_label("Purpose").fill("购买棉被一床")
    boss.get_by_label("Amount (yuan)").fill("200")
    boss.get_by_label("For the wish or need").select_option(label=WISH)
    boss.get_by_label(re.compile("^Receipt or invoice")).set_input_files(receipt)
    boss.get_by_role("button", name="Request the payment").click()
    expect(boss.get_by_text("Paid.", exact=True)).to_be_visible()  # ¥200 is under the approval threshold

    # 5. The wish's staff and public pages show its cost as paid; the fund is spent.
    boss.get_by_role("link", name=WISH, exact=True).click()
    expect(boss.locator("[data-money-side]")).to_contain_text("Its cost is paid")
    expect(boss.locator("[data-money-side]")).to_contain_text("¥200.00")
    me.goto(public_url)
    expect(me.locator("[data-money-side]")).to_contain_text("Its cost is paid: ¥200.00")
