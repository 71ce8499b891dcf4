"""Site-wide pages: home figures, language choice, security headers, health, error pages."""
import pytest

from marketplace.ledger.causes import Cause
from marketplace.platform.extensions import db


def test_home_shows_live_figures(client, create_user, create_org):
    volunteers = [create_user() for _ in range(3)]
    create_org("volunteer_team", {v: "member" for v in volunteers})
    create_org("charity", verified=False)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-figure="volunteers">3<' in page
    assert 'data-figure="organisations">1<' in page
    assert 'data-figure="money">¥0.00<' in page


@pytest.mark.parametrize("header,lang", [
    ("zh", "zh-CN"), ("zh-CN,zh;q=0.9", "zh-CN"), ("zh-Hans-CN", "zh-CN"), ("zh-TW", "zh-CN"),
    ("en-US,en;q=0.9", "en"), ("en-GB", "en"), ("fr-FR", "zh-CN"),
])
@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_LOCALE": "zh_CN"}])
def test_accept_language_picks_the_language(client, header, lang):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page


@pytest.mark.parametrize("app_config", [{"BABEL_DEFAULT_LOCALE": "en"}])
def test_default_locale_is_configurable(client):
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_switcher_choice_beats_the_browser_and_profile_beats_both(client, auth, create_user):
    auth.post("/language", {"locale": "en"})
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    user = create_user(email="zh@example.org", locale="zh_CN")
    auth.login("zh@example.org")
    assert '<html lang="zh-CN">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    auth.post("/language", {"locale": "en"})
    db.session.refresh(user)
    assert user.locale == "en"


def test_every_page_has_the_switcher_and_landmarks(client):
    page = client.get("/orgs/").get_data(as_text=True)
    for needle in ('name="locale" value="zh_CN"', 'name="locale" value="en"', "<main", "<nav",
                   "<header", "<footer", 'href="#main"'):
        assert needle in page


def test_security_headers_and_no_inline_script_without_nonce(client):
    assert "script-src 'self' 'nonce-" in client.get("/auth/login").headers["Content-Security-Policy"]
    response = client.get("/")  # shared by every visitor (web/http_cache.py): scripts from the site only
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = response.get_data(as_text=True)
    assert "<script>" not in page and " onclick=" not in page


def test_session_cookie_is_httponly_and_lax(client, auth, create_user):
    create_user(email="a@example.org")
    response = auth.login("a@example.org")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.own_app  # swaps the app's engine
def test_healthz_reports_a_broken_database(app, client):
    db.session.remove()
    db.engine.dispose()
    app.extensions["sqlalchemy"]._app_engines[app][None] = db.create_engine(
        "sqlite:////nonexistent/dir/db.sqlite3")
    assert client.get("/healthz").status_code == 503


@pytest.mark.parametrize("lang,text", [("en", "We could not find that page."), ("zh-CN", "找不到")])
def test_not_found_page_in_both_languages(client, lang, text):
    response = client.get("/no/such/page", headers={"Accept-Language": lang})
    assert response.status_code == 404 and text in response.get_data(as_text=True)


@pytest.mark.own_app  # adds a route
def test_server_error_page_is_friendly(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom-for-test")
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-test", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)
    assert "RuntimeError" not in response.get_data(as_text=True)


def test_home_counts_the_hours_banked_through_the_ledger(client):
    from marketplace.ledger import service as ledger

    volunteer = ledger.open_account("user", 1, "volunteer_savings")
    ledger.post([(ledger.platform_account("hours_issued"), -150), (volunteer, 150)], cause=Cause.test("home"), kind="t")
    db.session.commit()
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'data-figure="hours">2 h 30 min<' in page
