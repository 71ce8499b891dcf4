"""A visitor checks a fund's public accounts in a real browser: opens the fund page, sees the chart drawn
and the transactions, downloads the fund's open data as JSON, and tools/verify_chain.py confirms it."""
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import expect

from marketplace.funds import disbursements
from marketplace.funds import service as funds
from marketplace.payments import demo_provider
from marketplace.payments import service as giving
from marketplace.platform.extensions import db
from tests.funds.world import pdf

pytestmark = pytest.mark.browser

TOOL = Path(__file__).resolve().parents[2] / "tools" / "verify_chain.py"


@pytest.fixture
def fund(create_user, create_org):
    """A charity's fund with two online gifts (one anonymous) and a paid disbursement with its receipt."""
    staff = create_user(email="staff@example.org")
    charity = create_org("charity", {staff: "admin"})
    fund = funds.create_fund(staff, charity, kind="general", name_zh="社区关爱基金", name_en="Care Fund")
    for email, amount, display in (("named@example.org", 50_000, "name"), ("quiet@example.org", 20_000, "anonymous")):
        donor = create_user(email=email, display_name="陈大文")
        gift = giving.give_to_fund(donor, fund.public_code, amount, display=display)
        demo_provider.checkout(donor, gift.public_code, "pay")
    paid = disbursements.request_disbursement(staff, fund, payee="五金店", purpose="修门", amount_fen=10_000,
                                              evidence_file=pdf())
    disbursements.publish_receipt(staff, paid.id, pdf("redacted.pdf"))
    db.session.commit()
    return fund


def test_visitor_checks_a_fund_and_verifies_its_open_data(new_page, fund, tmp_path):
    visitor = new_page(javascript=True)
    visitor.goto("/transparency/")
    visitor.get_by_role("link", name="Test Org").first.click()
    visitor.get_by_role("link", name="Care Fund").first.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Care Fund")
    expect(visitor.locator("[data-balance]")).to_have_text("¥600.00")

    # The chart is drawn by the vendored Chart.js, with the same figures in the table beside it.
    canvas = visitor.locator("canvas[data-chart]").first
    expect(canvas).to_be_visible()
    visitor.wait_for_function("c => window.Chart && window.Chart.getChart(c)", arg=canvas.element_handle())

    # Every transaction: the named donor by name, the anonymous one not, the disbursement with its receipt.
    rows = visitor.locator("[data-lines] tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="修门")).to_contain_text("¥100.00")
    expect(rows.filter(has_text="Receipt")).to_have_count(1)
    expect(rows.filter(has_text="Anonymous")).to_have_count(1)

    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="JSON").click()
    saved = tmp_path / "fund.json"
    download.value.save_as(saved)

    checked = subprocess.run([sys.executable, str(TOOL), str(saved)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert checked.stdout.startswith("OK")

    tampered = tmp_path / "tampered.json"
    tampered.write_text(saved.read_text(encoding="utf-8").replace('"amount": 50000', '"amount": 5000', 1),
                        encoding="utf-8")
    refused = subprocess.run([sys.executable, str(TOOL), str(tampered)], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
