"""Donor pages on a 390×844 phone, without JavaScript: the cards, a need's public page and "my gifts"
fit the screen; the progress bar has an accessible name; an unfinished gift is taken up again, then
another is cancelled."""
import pytest
from playwright.sync_api import expect

from marketplace.payments import service as payments
from marketplace.platform.extensions import db
from marketplace.wishes import pledges, updates
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_timebank_journey import log_in
from tests.wishes.conftest import create_household, create_listing, station  # noqa: F401  (fixtures)
from tests.wishes.world import photo

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
COSTS = [{"label": "防滑地砖", "amount_fen": 600_000}, {"label": "扶手两副", "amount_fen": 400_000}]


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def keep(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"donors-{name}-390.png"), full_page=True)


def test_donor_pages_on_a_phone(new_page, station, create_listing):  # noqa: F811
    wish = create_listing(title="冬天的棉被", photo=photo())
    need = create_listing(kind="household_need", cost_rows=COSTS)
    pledges.pledge(need.id, station.firm_member, 250_000)
    updates.post_update(station.worker, need.id, "师傅下周一开工", photo=photo())
    left = payments.give_to_need(station.donor, need.public_code, 10_000)
    dropped = payments.give_to_need(station.donor, need.public_code, 20_000)
    db.session.commit()

    page = new_page()
    page.set_viewport_size(PHONE)
    page.goto("/wishes/")
    expect(page.get_by_role("img", name="Photo: 冬天的棉被")).to_be_visible()
    card = page.locator(f'[data-listing="{need.public_code}"]')
    expect(card.get_by_role("progressbar", name="¥2,500.00 of ¥10,000.00 given or pledged (25%)")).to_be_visible()
    expect(card.get_by_text("防滑地砖")).to_be_visible()
    fits(page)
    keep(page, "cards")
    card.get_by_role("link", name="Share").click()
    expect(page.get_by_label("Link to this page")).to_have_value(f"{page.url.split('#')[0]}")
    expect(page.get_by_role("heading", name="Progress updates")).to_be_visible()
    fits(page)
    keep(page, "need")
    assert page.locator('meta[property="og:title"]').get_attribute("content") == need.title
    assert wish.public_code  # the wish's own page is the same template

    log_in(page, station.donor.email)
    page.goto("/payments/my")
    fits(page)
    keep(page, "my-gifts")
    page.locator(f'[data-donation="{left.public_code}"]').get_by_role("button", name="Finish paying").click()
    assert page.url.endswith(f"/payments/demo/{left.public_code}")
    page.goto("/payments/my")
    page.locator(f'[data-donation="{dropped.public_code}"]').get_by_role("button", name="Cancel this gift").click()
    expect(page.get_by_text("The gift is cancelled; nothing was charged.")).to_be_visible()
    expect(page.locator(f'[data-donation="{dropped.public_code}"]').get_by_role("button")).to_have_count(0)
