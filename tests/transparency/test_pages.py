"""Public accounts pages over HTTP, anonymously: figures, donors as they chose, households by pseudonym."""
from __future__ import annotations

import pytest

from marketplace.funds import disbursements
from marketplace.payments import service as giving
from marketplace.platform.extensions import db
from tests.wishes.conftest import PRIVATE


@pytest.fixture(autouse=True)
def no_cache(app):
    app.config["TRANSPARENCY_CACHE_SECONDS"] = 0


def pay(station, fund, upload, amount_fen=10_000, **fields):
    values = dict(payee="天河五金店", purpose="棉被两床", amount_fen=amount_fen, evidence_file=upload())
    values.update(fields)
    return disbursements.request_disbursement(station.worker, fund, **values)


def test_the_fund_page_shows_totals_and_every_kind_of_line(client, station, create_fund, create_user, give_online,
                                                          upload):
    fund = create_fund(100_000)  # a bank transfer without a donor account
    hidden_donor = create_user(display_name="HIDDEN-DONOR-张三丰")
    give_online(hidden_donor, fund, 30_000, display="anonymous")
    masked = give_online(station.firm_member, fund, 20_000, display="masked")
    give_online(station.firm_member, fund, 40_000, display="masked", firm=station.firm)
    published = pay(station, fund, upload, 5_000)
    disbursements.publish_receipt(station.worker, published.id, upload("png"))
    hidden = pay(station, fund, upload, 7_000, purpose="大米十袋")
    giving.apply_refund(masked, 2_000)
    masked.fee_fen = 300  # as Stripe reports it on the gift
    db.session.commit()

    response = client.get(f"/transparency/funds/{fund.public_code}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "¥1,900.00" in page and "¥120.00" in page and "¥20.00" in page  # received, paid out, refunded
    assert "¥1,760.00" in page  # balance
    assert "Anonymous" in page and "HIDDEN-DONOR" not in page and hidden_donor.email not in page
    assert "企**" in page and station.firm_member.display_name not in page  # masked by the shared helper
    assert "爱心企业" in page  # a firm's gift shows the firm
    assert ">**</td>" not in page  # a bank transfer with no name behind it shows no stars
    assert "of which the payment provider kept ¥3.00" in page
    assert f"/funds/receipts/{published.public_code}" in page
    assert f"/funds/receipts/{hidden.public_code}" not in page and "大米十袋" in page
    assert page.count('data-kind="refund"') == 1 and page.count('data-kind="disbursement"') == 2
    assert page.count('data-kind="donation"') == 4
    assert "data-chart=" in page and "vendor/chart.js/chart.umd.min.js" in page
    assert "匿名爱心人士" not in page  # the reader's language only (receipts carry both)
    chinese = client.get(f"/transparency/funds/{fund.public_code}", headers={"Accept-Language": "zh-CN"})
    assert "匿名爱心人士" in chinese.get_data(as_text=True)


def test_households_appear_only_by_pseudonym(client, station, restricted_fund, upload):
    paid = pay(station, restricted_fund, upload, 20_000, listing_id=restricted_fund.listing_id)
    for path in (f"/transparency/funds/{restricted_fund.public_code}",
                 f"/transparency/wishes/{restricted_fund.listing.public_code}",
                 f"/transparency/orgs/{station.org.id}"):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert "青禾12" in page and "修补漏雨的屋顶" in page
        for private in (*PRIVATE.values(), "PRIVATE-FILENAME", paid.evidence_path, station.worker.email):
            assert private not in page, (path, private)


def test_the_wish_page_shows_money_given_and_paid_for_it(client, station, restricted_fund, upload):
    need = restricted_fund.listing
    waiting = pay(station, restricted_fund, upload, 150_000, listing_id=need.id)  # above the threshold
    assert "¥1,500.00" not in client.get(f"/transparency/wishes/{need.public_code}").get_data(as_text=True)
    disbursements.approve_disbursement(station.checker, waiting.id)
    page = client.get(f"/transparency/wishes/{need.public_code}").get_data(as_text=True)
    assert "¥5,000.00" in page and "¥1,500.00" in page and "¥3,500.00" in page


def test_a_listing_without_money_and_hidden_listings(client, create_listing):
    wish = create_listing()
    page = client.get(f"/transparency/wishes/{wish.public_code}")
    assert page.status_code == 200 and "No money has been given for this yet." in page.get_data(as_text=True)
    draft = create_listing(status="draft")
    assert client.get(f"/transparency/wishes/{draft.public_code}").status_code == 404


def test_the_organisation_page_lists_funds_balances_and_score(client, station, create_fund, upload):
    general = create_fund(300_000, name_en="General Care Fund")
    project = create_fund(50_000, kind="project", name_en="School Bags Project")
    pay(station, general, upload, 100_000)
    page = client.get(f"/transparency/orgs/{station.org.id}").get_data(as_text=True)
    assert "General Care Fund" in page and "School Bags Project" in page
    assert "¥2,000.00" in page and "¥500.00" in page  # balances
    assert "Transparency score" in page and 'data-receipts>0%' in page
    assert f"/transparency/funds/{project.public_code}" in page


def test_the_overview_sums_money_by_kind_and_links_organisations(client, station, create_fund, upload):
    general = create_fund(300_000)
    create_fund(50_000, kind="project")
    pay(station, general, upload, 100_000)
    response = client.get("/transparency/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'data-raised>¥3,500.00' in page and 'data-disbursed>¥1,000.00' in page and 'data-held>¥2,500.00' in page
    assert f"/transparency/orgs/{station.org.id}" in page and "Tianhe Station" in page
    assert "Tianhe" in page  # districts listed, with their hours


def test_unknown_codes_are_404(client):
    for path in ("/transparency/funds/NOSUCHCODE", "/transparency/wishes/NOSUCHCODE", "/transparency/orgs/999999"):
        assert client.get(path).status_code == 404, path


def test_the_pages_render_in_chinese(client, station, create_fund):
    fund = create_fund(10_000)
    for path in ("/transparency/", f"/transparency/orgs/{station.org.id}", f"/transparency/funds/{fund.public_code}"):
        response = client.get(path, headers={"Accept-Language": "zh-CN"})
        assert response.status_code == 200 and 'lang="zh-CN"' in response.get_data(as_text=True), path
    assert "社区关爱基金" in client.get(f"/transparency/funds/{fund.public_code}",
                                     headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)


def test_cached_figures_say_when_they_were_computed_serve_every_language_and_follow_a_gift(
        app, client, station, create_fund, give):
    from marketplace.transparency import cache, overview

    app.config["TRANSPARENCY_CACHE_SECONDS"] = 300
    cache.clear()
    fund = create_fund(10_000)
    first = client.get(f"/transparency/funds/{fund.public_code}").get_data(as_text=True)
    computed = overview.fund_figures(fund)[1]
    again = client.get(f"/transparency/funds/{fund.public_code}", headers={"Accept-Language": "zh-CN"})
    text = again.get_data(as_text=True)
    assert "Figures as of" in first and "data-as-of" in text
    assert "data-received>¥100.00" in text and 'lang="zh-CN"' in text  # the cached figure, in Chinese
    assert overview.fund_figures(fund)[1] == computed
    give(fund, 5_000)
    after = client.get(f"/transparency/funds/{fund.public_code}").get_data(as_text=True)
    assert "data-received>¥150.00" in after  # a new line of the fund: its figures are computed afresh
    cache.clear()


def test_the_home_page_shows_the_public_accounts_own_figures(client, create_fund, create_user, give_online):
    fund = create_fund(100_000)
    give_online(create_user(), fund, 30_000)
    db.session.commit()
    overview = client.get("/transparency/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    home = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<dd data-raised>¥1,300.00<" in overview
    assert 'data-figure="money">¥1,300.00<' in home
