"""Settings come from the environment; secrets never live in code."""
import uuid

import pytest
import redis

import config
from marketplace import create_app
from tests.conftest import PASSWORD, AuthActions

# what production needs besides a secret key and Stripe's keys (tests/security/test_production.py checks each)
PRODUCTION_BASICS = {"DATABASE_URL": "postgresql+psycopg://goodhours@db.example/goodhours",
                     "SITE_URL": "https://goodhours.example", "REDIS_URL": "redis://127.0.0.1:6379/15",
                     "MEALS_PHONE_KEY": "meals-phone-key-kept-apart", "MEALS_SMS_URL": "https://sms.example/send"}
STRONG_KEY = "kQ3v9ZrT0xW_2bLm8NcYp4sHd7EjGf1aUo6iRzVtX5wqKyB"


def test_secret_key_is_generated_once_and_kept_in_instance(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("GOODHOURS_ENV", "development")
    first = config.load(tmp_path)["SECRET_KEY"]
    assert len(first) >= 40 and (tmp_path / "secret_key").read_text() == first
    assert config.load(tmp_path)["SECRET_KEY"] == first


def test_production_refuses_to_start_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("GOODHOURS_ENV", "production")
    with pytest.raises(config.ConfigError):
        config.load(tmp_path)
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    for name, value in PRODUCTION_BASICS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("STRIPE_SECRET_KEY", "sk_live_x")
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_x")
    settings = config.load(tmp_path)
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert not (tmp_path / "secret_key").exists()


def test_database_and_redis_urls_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = config.load(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["RATELIMIT_STORAGE_URI"] == "memory://"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/goodhours")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    settings = config.load(tmp_path)
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/goodhours"
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"


def _redis_available() -> bool:
    try:
        return redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_login_limit_is_shared_by_workers_through_redis(app, test_database, create_user):
    """Two apps with REDIS_URL keep one login limit in Redis (tests/deploy/test_two_instances.py runs two
    processes). The counters sit under a key prefix of this run's own, so no other test that resets a limiter
    bound to this Redis can wipe them halfway (that made this test flaky in full xdist runs)."""
    target = f"target-{uuid.uuid4().hex}@example.org"
    create_user(email=target)
    prefix = f"test-{uuid.uuid4().hex}"
    shared = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15", "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix},
              "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes", "TESTING": True,
              "SECRET_KEY": app.config["SECRET_KEY"], "SERVER_NAME": "localhost",
              "ARGON2_PROFILE": "cheapest",
              "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    workers = [create_app(shared), create_app(shared)]
    store = redis.Redis.from_url("redis://127.0.0.1:6379/15")
    try:
        statuses = []
        for attempt in range(4):
            worker = workers[attempt % 2]
            with worker.app_context():
                statuses.append(AuthActions(worker.test_client()).login(target, "wrong password!").status_code)
        with workers[0].app_context():
            right = AuthActions(workers[0].test_client()).login(target, PASSWORD)
        assert statuses == [401, 401, 401, 429]
        assert right.status_code == 429
        assert store.keys(f"{prefix}:*"), "the counters live in Redis, where every worker sees them"
    finally:
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)
        for worker in workers:
            with worker.app_context():
                from marketplace.platform.extensions import db

                db.engine.dispose()


def test_with_the_limits_store_unreachable_pages_still_answer_and_limits_are_skipped(app, create_user):
    """Redis down (every host's limits live there): logging in and the API go on, unlimited, rather than fail."""
    email = create_user().email  # read here: inside the other app's context, the row would load through its engine
    settings = {"RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0", "TESTING": True, "SERVER_NAME": "localhost",
                "SECRET_KEY": app.config["SECRET_KEY"], "ARGON2_PROFILE": "cheapest", "API_RATE_LIMIT": "1 per minute",
                "JOBS_RUN_INLINE": True, "MAIL_BACKEND": "locmem",
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "SQLALCHEMY_ENGINE_OPTIONS": app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    cut_off = create_app(settings)
    with cut_off.app_context():
        auth = AuthActions(cut_off.test_client())
        assert [auth.login(email, "wrong password!").status_code for _ in range(7)] == [401] * 7
        assert auth.login(email).status_code == 302
        assert [auth.client.get("/api/v1/districts").status_code for _ in range(2)] == [200, 200]
        from marketplace.platform.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.mark.parametrize("app_config", [{"API_RATE_LIMIT": "3 per minute"}])
def test_api_calls_are_rate_limited_per_caller(client):
    statuses = [client.get("/api/v1/districts").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    body = client.get("/api/v1/districts").get_json()
    assert body["error"]["code"] == "too_many_requests"
    other = client.get("/api/v1/districts", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200


def test_business_rule_settings_come_from_the_environment_as_whole_numbers(tmp_path, monkeypatch):
    monkeypatch.setenv("WISHES_CLAIM_DAYS", "3")
    assert config.load(tmp_path)["WISHES_CLAIM_DAYS"] == 3
    monkeypatch.setenv("WISHES_CLAIM_DAYS", "three")
    with pytest.raises(config.ConfigError, match="WISHES_CLAIM_DAYS"):
        config.load(tmp_path)


def test_production_without_stripe_keys_refuses_to_start_naming_every_missing_setting(tmp_path, monkeypatch):
    for name in ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GOODHOURS_ENV", "production")
    for name, value in PRODUCTION_BASICS.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError) as refused:
        create_app()
    assert all(name in str(refused.value) for name in ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"))
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    with pytest.raises(config.ConfigError) as refused:
        create_app()
    assert "STRIPE_SECRET_KEY" in str(refused.value) and "STRIPE_WEBHOOK_SECRET" in str(refused.value)
    with pytest.raises(config.ConfigError, match="STRIPE_WEBHOOK_SECRET"):
        create_app({"STRIPE_SECRET_KEY": "sk_live_x"})
    app = create_app({"STRIPE_SECRET_KEY": "sk_live_x", "STRIPE_WEBHOOK_SECRET": "whsec_x"})
    with app.app_context():
        from marketplace.payments import rules as payments

        assert payments.provider() == "stripe"


def test_production_never_offers_the_demo_provider(app):
    from marketplace.payments import rules as payments

    app.config["ENV_NAME"] = "production"
    with pytest.raises(config.ConfigError):
        payments.provider()


def test_a_wrong_type_in_the_environment_is_refused_naming_every_variable_at_once(tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_PORT", "twenty-five")
    monkeypatch.setenv("RATELIMIT_ENABLED", "maybe")
    monkeypatch.setenv("GOODHOURS_ENV", "prodution")
    with pytest.raises(config.ConfigError) as refused:
        config.load(tmp_path)
    message = str(refused.value)
    assert "MAIL_PORT must be a whole number, not 'twenty-five'" in message
    assert "RATELIMIT_ENABLED must be a yes/no" in message
    assert "GOODHOURS_ENV must be one of development, production, not 'prodution'" in message


def test_an_override_of_the_wrong_type_is_refused(tmp_path):
    with pytest.raises(config.ConfigError, match="WISHES_CLAIM_DAYS must be a whole number"):
        config.load(tmp_path, {"WISHES_CLAIM_DAYS": "7"})
    assert config.load(tmp_path, {"WISHES_CLAIM_DAYS": 2})["WISHES_CLAIM_DAYS"] == 2


def test_every_setting_has_its_default_with_nothing_set(tmp_path, monkeypatch):
    for setting in config.Settings.declared():
        monkeypatch.delenv(setting.env, raising=False)
    values = config.load(tmp_path)
    assert {setting.key for setting in config.Settings.declared()} <= values.keys()
    assert values["WISHES_CLAIM_DAYS"] == 7 and values["UPLOAD_FOLDER"] == str(tmp_path / "uploads")
    assert config.Settings(values).TIMEBANK_DAILY_CAP_MINUTES == 12 * 60


def test_production_refuses_the_debugger_and_cheap_password_hashing(tmp_path, monkeypatch):
    monkeypatch.setenv("GOODHOURS_ENV", "production")
    for name, value in (("SECRET_KEY", STRONG_KEY), ("STRIPE_SECRET_KEY", "sk_live_x"), *PRODUCTION_BASICS.items(),
                        ("STRIPE_WEBHOOK_SECRET", "whsec_x"), ("ARGON2_PROFILE", "cheapest")):
        monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigError) as refused:
        config.load(tmp_path, debug=True)
    assert "FLASK_DEBUG" in str(refused.value) and "ARGON2_PROFILE" in str(refused.value)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.delenv("ARGON2_PROFILE")
    with pytest.raises(config.ConfigError, match="FLASK_DEBUG"):
        create_app()


def test_an_unknown_variable_under_a_goodhours_prefix_is_logged_and_ignored(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("WISHES_CLAIM_DAY", "3")
    values = config.load(tmp_path)
    assert values["WISHES_CLAIM_DAYS"] == 7 and "WISHES_CLAIM_DAY" not in values
    assert "WISHES_CLAIM_DAY is not a Goodhours setting and is ignored (did you mean WISHES_CLAIM_DAYS?)" \
        in caplog.text


def test_the_settings_page_is_generated_from_the_registry():
    from config import docs

    assert docs.PATH.read_text(encoding="utf-8") == docs.render(), \
        f"docs/settings.md is stale: regenerate it with `{docs.COMMAND}`"


def test_code_reads_settings_only_through_the_registry():
    """No module outside config/ reads the environment or the app config, and every name read is declared."""
    import re
    from pathlib import Path

    declared = {setting.key for setting in config.Settings.declared()}
    root = Path(__file__).resolve().parents[2] / "marketplace"
    stray, unknown = [], set()
    for path in root.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        if re.search(r"os\.environ|os\.getenv|\bconfig(\[|\.get\()", source):
            stray.append(str(path.relative_to(root)))
        unknown |= set(re.findall(r"\bsettings\.([A-Z][A-Z0-9_]+)", source)) - declared
    assert not stray and not unknown
