"""What donors read on cards and the public page: the photo (or a plain placeholder), what the money
buys, how many gave, progress, and a share link whose page carries a preview (Open Graph)."""
import re

import pytest

from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.wishes import claims, costs, pledges, service
from tests.wishes.world import photo

COSTS = [{"label": "防滑地砖", "amount_fen": 600_000}, {"label": "扶手两副", "amount_fen": 300_000},
         {"label": "师傅工钱", "amount_fen": 100_000}]


def meta(page: str, prop: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', page)
    assert found, f"no {prop} in the page"
    return found.group(1)


def card_of(page: str, code: str) -> str:
    """The card of one listing on the list page."""
    start = page.index(f'data-listing="{code}"')
    end = page.find('data-listing="', start + 1)
    return page[start:end if end > 0 else len(page)]


def test_a_need_lists_what_its_money_buys_adding_up_to_its_budget(station, create_listing):
    need = create_listing(kind="household_need", cost_rows=COSTS)
    assert [(c.label, c.amount_fen) for c in costs.costs_of(need)] == [(r["label"], r["amount_fen"]) for r in COSTS]


@pytest.mark.parametrize("rows, message", [
    ([{"label": "地砖", "amount_fen": 600_000}], "they must add up to the budget"),
    ([{"label": "", "amount_fen": 1_000_000}], "Each cost needs what it buys"),
    ([{"label": "地砖", "amount_fen": 0}, {"label": "扶手", "amount_fen": 1_000_000}], "an amount above zero"),
])
def test_costs_that_do_not_add_up_or_lack_words_are_refused_and_nothing_is_written(
        station, create_household, rows, message):
    household = create_household()
    with pytest.raises(InvalidInput) as refused:
        service.create_listing(station.worker, household.id, kind="household_need", title="修屋顶",
                               value_fen=1_000_000, cost_rows=rows)
    db.session.rollback()
    assert message in str(refused.value.fields["costs"][0])
    assert db.session.scalar(service.listings_of(station.worker, station.org).limit(1)) is None


def test_changing_the_budget_keeps_the_costs_in_step(station, create_listing):
    need = create_listing(kind="household_need", status="draft", cost_rows=COSTS)
    with pytest.raises(InvalidInput):
        service.update_listing(station.worker, need.id, value_fen=1_200_000)
    db.session.rollback()
    service.update_listing(station.worker, need.id, value_fen=1_200_000,
                           cost_rows=COSTS + [{"label": "油漆", "amount_fen": 200_000}],
                           funding=[{"source": "government", "amount_fen": 1_200_000}])
    assert sum(c.amount_fen for c in costs.costs_of(need)) == 1_200_000


def test_the_staff_form_takes_costs_in_yuan_and_keeps_them_when_refused(client, auth, station, create_household):
    household = create_household()
    auth.login(station.worker.email)
    path = f"/wishes/households/{household.id}/listings/new"
    form = {"kind": "household_need", "title": "修屋顶", "quantity": "1", "value": "10000",
            "funding-0-source": "government", "funding-0-amount": "10000",
            "costs-0-label": "防滑地砖", "costs-0-amount": "6000", "costs-1-label": "扶手", "costs-1-amount": "3000"}
    refused = auth.post(path, form, form_page=path)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "they must add up to the budget" in page and 'value="防滑地砖"' in page
    saved = auth.post(path, form | {"costs-2-label": "工钱", "costs-2-amount": "1000"}, form_page=path)
    assert saved.status_code == 302
    need = db.session.scalar(service.listings_of(station.worker, station.org).limit(1))
    assert [c.amount_fen for c in costs.costs_of(need)] == [600_000, 300_000, 100_000]


def test_cards_show_photo_or_placeholder_costs_donors_progress_and_a_share_link(
        client, station, create_listing, create_user):
    with_photo = create_listing(title="棉被", photo=photo())
    need = create_listing(kind="household_need", cost_rows=COSTS)
    pledges.pledge(need.id, station.donor, 250_000)
    pledges.pledge(need.id, create_user(), 250_000)
    page = client.get("/wishes/").get_data(as_text=True)
    card = card_of(page, with_photo.public_code)
    assert f'src="/wishes/{with_photo.public_code}/photo"' in card and 'alt="Photo: 棉被"' in card
    assert "What the money buys: 1 × 棉被, about ¥200.00" in card and "Be the first to help" in card
    card = card_of(page, need.public_code)
    assert "data-no-photo" in card and "<img" not in card
    assert "防滑地砖" in card and "¥6,000.00" in card and "扶手两副" in card
    assert '<progress max="1000000" value="500000"' in card and "¥5,000.00 of ¥10,000.00 given or pledged (50%)" in card
    assert 'data-givers="2"' in card and "2 donors have given" in card
    assert f'href="/wishes/{need.public_code}#share"' in card


def test_the_public_page_carries_a_preview_with_absolute_links_and_no_private_word(
        app, client, station, create_listing):
    from tests.wishes.conftest import PRIVATE

    wish = create_listing(title="棉被", story="奶奶的被子太薄了", photo=photo())
    bare = create_listing(title="书包", story="")
    page = client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    site = app.config.get("SITE_URL", "").rstrip("/") or "http://localhost"
    assert meta(page, "og:title") == "棉被" and meta(page, "og:description") == "奶奶的被子太薄了"
    assert meta(page, "og:url").endswith(f"/wishes/{wish.public_code}") and meta(page, "og:url").startswith("http")
    assert meta(page, "og:image") == f"{site}/wishes/{wish.public_code}/photo"
    assert meta(page, "twitter:card") == "summary_large_image"
    assert f'value="{meta(page, "og:url")}" readonly' in page  # the share box holds the same link
    assert not any(value in page for value in PRIVATE.values())
    other = client.get(f"/wishes/{bare.public_code}").get_data(as_text=True)
    assert meta(other, "og:image").endswith("/static/img/listing-preview.png") and meta(other, "og:description")


def test_a_draft_has_no_preview(client, auth, station, create_listing):
    draft = create_listing(status="draft")
    auth.login(station.worker.email)
    page = client.get(f"/wishes/{draft.public_code}").get_data(as_text=True)
    assert "og:title" not in page and 'id="share"' not in page


def test_a_wish_counts_its_claimant_as_a_donor(client, station, create_listing):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    page = client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    assert 'data-givers="1"' in page and "1 donor has given" in page


def test_the_api_takes_a_needs_costs_and_shows_them_with_its_donor_count(client, station, create_household,
                                                                          headers):
    from tests.api.conftest import api_error

    url = f"/api/v1/beneficiaries/{create_household().id}/listings"
    need = {"kind": "household_need", "title": "修屋顶", "value_fen": 1_000_000,
            "funding": [{"source": "government", "amount_fen": 1_000_000}]}
    error = api_error(client.post(url, json=need | {"costs": COSTS[:1]}, headers=headers(station.worker)), 422)
    assert "must add up to the budget" in error["fields"]["costs"][0]
    api_error(client.post(url, json=need | {"costs": [{"label": "", "amount_fen": 1}]},
                          headers=headers(station.worker)), 422)
    made = client.post(url, json=need | {"costs": COSTS}, headers=headers(station.worker))
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["costs"] == COSTS and made.get_json()["donors"] == 0
