"""Anonymous public pages may be kept by browsers and proxies: they carry an ETag and answer 304 until
their figures change; nothing in them belongs to one visitor; logged-in visitors' pages are never shared."""
from __future__ import annotations

import pytest


@pytest.fixture
def fund_page(station, create_fund):
    return f"/transparency/funds/{create_fund(10_000).public_code}"


def _assert_shareable(response):
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert response.headers["ETag"] and response.headers["Last-Modified"]
    assert {"Accept-Language", "Cookie"} <= set(response.vary)
    assert "Set-Cookie" not in response.headers
    assert "csrf_token" not in response.get_data(as_text=True)
    assert "nonce-" not in response.headers["Content-Security-Policy"]


def test_public_pages_answer_304_while_their_figures_stand(client, fund_page, station):
    for page in (fund_page, "/transparency/", "/", f"/transparency/orgs/{station.org.id}"):
        first = client.get(page)
        _assert_shareable(first)
        again = client.get(page, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and again.get_data() == b"", page
        assert again.headers["ETag"] == first.headers["ETag"] and "Content-Type" not in again.headers
        assert "nonce-" not in again.headers["Content-Security-Policy"]
        weak = client.get(page, headers={"If-None-Match": "W/" + first.headers["ETag"]})  # as gzip in nginx makes it
        assert weak.status_code == 304, page
        since = client.get(page, headers={"If-Modified-Since": first.headers["Last-Modified"]})
        assert since.status_code == 304, page


def test_a_new_gift_changes_the_fund_page_at_once(client, fund_page, give, create_fund):
    from marketplace.funds.service import fund_by_code

    first = client.get(fund_page)
    give(fund_by_code(fund_page.rsplit("/", 1)[1]), 5_000)
    again = client.get(fund_page, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200 and again.headers["ETag"] != first.headers["ETag"]
    assert "data-received>¥150.00" in again.get_data(as_text=True)


def test_a_new_visitor_gets_the_kept_page_until_a_gift_changes_it(client, fund_page, give):
    from marketplace.funds.service import fund_by_code

    first = client.get(fund_page)
    second = client.get(fund_page)  # no If-None-Match: a new visitor, served the page kept under that ETag
    assert second.get_data() == first.get_data() and second.headers["ETag"] == first.headers["ETag"]
    _assert_shareable(second)
    give(fund_by_code(fund_page.rsplit("/", 1)[1]), 5_000)
    assert "data-received>¥150.00" in client.get(fund_page).get_data(as_text=True)


def test_each_language_and_text_size_has_its_own_etag(client, fund_page):
    english = client.get(fund_page, headers={"Accept-Language": "en"})
    chinese = client.get(fund_page, headers={"Accept-Language": "zh-CN", "If-None-Match": english.headers["ETag"]})
    assert chinese.status_code == 200 and 'lang="zh-CN"' in chinese.get_data(as_text=True)
    client.post("/text-size", data={"size": "large"})
    large = client.get(fund_page, headers={"Accept-Language": "en", "If-None-Match": english.headers["ETag"]})
    assert large.status_code == 200 and 'class="large-text"' in large.get_data(as_text=True)


def test_head_answers_like_get(client, fund_page):
    head = client.head(fund_page)
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["Cache-Control"].startswith("public")
    assert client.head(fund_page, headers={"If-None-Match": head.headers["ETag"]}).status_code == 304


def test_logged_in_pages_are_never_shared(client, auth, create_user, fund_page):
    anonymous = client.get(fund_page)
    create_user(email="reader@example.org")
    auth.login("reader@example.org")
    mine = client.get(fund_page, headers={"If-None-Match": anonymous.headers["ETag"]})
    assert mine.status_code == 200 and mine.headers["Cache-Control"] == "no-store"
    assert "ETag" not in mine.headers and "Last-Modified" not in mine.headers
    assert "csrf_token" in mine.get_data(as_text=True)  # the log-out form keeps its token


def test_a_waiting_message_makes_the_page_private(client, fund_page):
    with client.session_transaction() as session:
        session["_flashes"] = [("message", "Thank you for your gift.")]
    shown = client.get(fund_page)
    assert "Thank you for your gift." in shown.get_data(as_text=True)
    assert "public" not in shown.headers.get("Cache-Control", "") and "ETag" not in shown.headers
    assert client.get(fund_page).headers["Cache-Control"].startswith("public")  # shown once, then shareable


def test_the_preference_forms_work_without_a_token_for_visitors_only(client, auth, create_user, fund_page):
    assert client.post("/language", data={"locale": "zh_CN"}).status_code == 302
    page = client.get(fund_page)
    assert 'lang="zh-CN"' in page.get_data(as_text=True) and "Set-Cookie" not in page.headers
    assert page.headers["Cache-Control"].startswith("public")
    create_user(email="reader@example.org")
    auth.login("reader@example.org")
    assert client.post("/language", data={"locale": "en"}).status_code == 400  # an account's choice needs one
    assert auth.post("/language", data={"locale": "en"}).status_code == 302


def test_public_cache_seconds_0_turns_it_off(app, client, fund_page):
    app.config["PUBLIC_CACHE_SECONDS"] = 0
    response = client.get(fund_page)
    assert "ETag" not in response.headers and "public" not in response.headers.get("Cache-Control", "")


def test_meal_figures_and_their_api_revalidate_by_etag(client):
    for page in ("/meals/figures", "/api/v1/meals/figures"):
        first = client.get(page)
        assert first.headers["Cache-Control"] == "public, max-age=60" and "Set-Cookie" not in first.headers
        assert client.get(page, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304, page
