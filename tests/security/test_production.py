"""Production refuses to start with a weak secret, SQLite, cheap hashing, the debugger or no https address —
naming every problem at once — and once started marks its cookies Secure and sends HSTS."""
import re

import pytest

import config
from marketplace import create_app
from tests.conftest import PASSWORD

STRONG_KEY = "kQ3v9ZrT0xW_2bLm8NcYp4sHd7EjGf1aUo6iRzVtX5wqKyB"
SAFE = {"GOODHOURS_ENV": "production", "SECRET_KEY": STRONG_KEY, "SITE_URL": "https://goodhours.example",
        "DATABASE_URL": "postgresql+psycopg://goodhours@127.0.0.1:1/goodhours",  # never reached by these tests
        "STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x", "REDIS_URL": "redis://127.0.0.1:6379/15",
        "MEALS_PHONE_KEY": "meals-phone-key-kept-apart", "MEALS_SMS_URL": "https://sms.example/send"}


def refusal(tmp_path, **changes) -> str:
    environ = {name: value for name, value in {**SAFE, **changes}.items() if value is not None}
    with pytest.raises(config.ConfigError) as refused:
        config.load(tmp_path, environ=environ)
    return str(refused.value)


def test_safe_production_settings_start_with_any_random_key_of_32_bytes_or_more(tmp_path):
    values = config.load(tmp_path, environ=SAFE)
    assert values["SITE_URL"] == "https://goodhours.example" and values["PROXY_HOPS"] == 1
    hex_key = "0f9c2e4b7a1d3f58e6a0b4c9d7e2f1a3b5"  # secrets.token_hex(17)
    assert config.load(tmp_path, environ={**SAFE, "SECRET_KEY": hex_key})["SECRET_KEY"] == hex_key


@pytest.mark.parametrize("key", [
    "...",  # the README's example
    "dev", "secret", "changeme", "change-me", "Secret_Key",
    "test-secret-key-not-for-production",  # the tests' key: 34 bytes, but known
    "kQ3v9ZrT0xW_2bLm8NcYp4sH",  # random, but 24 bytes
    "s" * 50, "abcd" * 10, "changeme" * 5, "1234567890" * 4, "passwordpassword12345678",  # long, guessable
    "aaaabbbbaaaabbbbccccaaaabbbbccccaaaab",  # few different characters
])
def test_a_weak_or_default_secret_key_is_refused(tmp_path, key):
    assert "SECRET_KEY" in refusal(tmp_path, SECRET_KEY=key)


def test_sqlite_and_a_missing_or_plain_http_site_url_are_refused(tmp_path):
    assert "the database is SQLite; production needs PostgreSQL" in refusal(tmp_path, DATABASE_URL=None)
    assert "SITE_URL is not set; production needs it" in refusal(tmp_path, SITE_URL=None)
    assert "SITE_URL must start with https:// in production" in refusal(tmp_path, SITE_URL="http://goodhours.example")


def test_every_problem_is_named_at_once_when_the_app_is_built(monkeypatch):
    for name in ("DATABASE_URL", "SITE_URL", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "REDIS_URL",
                 "MEALS_PHONE_KEY", "MEALS_SMS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in (("GOODHOURS_ENV", "production"), ("SECRET_KEY", "changeme"),
                        ("ARGON2_PROFILE", "cheapest"), ("FLASK_DEBUG", "1")):
        monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError) as refused:
        create_app()
    message = str(refused.value)
    for problem in ("SECRET_KEY is a well-known example value", "the database is SQLite", "SITE_URL is not set",
                    "STRIPE_SECRET_KEY is not set", "REDIS_URL is not set", "FLASK_DEBUG is on",
                    "ARGON2_PROFILE is cheapest", "MEALS_PHONE_KEY is not set", "MEALS_SMS_URL is not set"):
        assert problem in message
    assert message.count("\n  ") >= 6  # one line each


def test_production_cookies_are_secure_and_every_answer_sends_hsts(monkeypatch):
    for name, value in SAFE.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True})
    client = app.test_client()
    response = client.get("/auth/login", base_url="https://goodhours.example")  # its form puts a token in the session
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    [cookie] = [value for name, value in response.headers.items() if name == "Set-Cookie"]
    assert re.search(r";\s*Secure\b", cookie) and re.search(r";\s*HttpOnly\b", cookie)


def test_a_remembered_log_in_with_productions_cookie_settings_sets_secure_cookies(tmp_path, app, client,
                                                                                        create_user):
    production = config.load(tmp_path, environ=SAFE)
    app.config.update({key: production[key] for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE")})
    create_user(email="a@example.org")
    https = "https://localhost"
    page = client.get("/auth/login", base_url=https).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/auth/login", base_url=https, headers={"Referer": f"{https}/auth/login"}, data={
        "email": "a@example.org", "password": PASSWORD, "remember": "y", "csrf_token": token})
    assert response.status_code == 302
    cookies = {value.split("=", 1)[0]: value for name, value in response.headers.items() if name == "Set-Cookie"}
    assert all(re.search(r";\s*Secure\b", cookies[name]) for name in ("session", "remember_token")), cookies


def test_a_rate_limit_the_limiter_cannot_read_stops_the_start(tmp_path):
    with pytest.raises(config.ConfigError, match="'5 per fortnight' is not a rate limit"):
        config.load(tmp_path, environ={"LOGIN_LIMIT_PER_ACCOUNT": "5 per fortnight"})
