"""`flask transparency refresh` recomputes the cached public figures, so visitors see new money without
waiting for the cache to expire, and nobody pays for a cold page."""
from __future__ import annotations

from marketplace.transparency import cache


def test_refresh_puts_new_money_on_the_cached_pages(app, client, runner, station, create_fund, give):
    app.config["TRANSPARENCY_CACHE_SECONDS"] = 300
    cache.clear()
    fund = create_fund(10_000)
    pages = ["/transparency/", f"/transparency/orgs/{station.org.id}", f"/transparency/funds/{fund.public_code}"]
    for page in pages:
        assert client.get(page).status_code == 200
    give(fund, 5_000)
    assert "data-received>¥150.00" in client.get(pages[2]).get_data(as_text=True)  # a fund follows its newest line
    assert "¥150.00" not in client.get(pages[0]).get_data(as_text=True)  # the platform's: still the cached figure

    result = runner.invoke(args=["transparency", "refresh"])

    assert result.exit_code == 0, result.output
    assert "1 organisation(s) and 1 fund(s)" in result.output
    assert "data-received>¥150.00" in client.get(pages[2]).get_data(as_text=True)
    assert "¥150.00" in client.get(pages[0]).get_data(as_text=True)
    cache.clear()


def test_refresh_says_when_there_is_no_cache(app, runner):
    app.config["TRANSPARENCY_CACHE_SECONDS"] = 0
    result = runner.invoke(args=["transparency", "refresh"])
    assert result.exit_code == 1 and "nothing to refresh" in result.output
