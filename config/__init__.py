"""Settings read from the environment, with embedded defaults that run alone."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

GUANGZHOU_DISTRICTS = [
    ("yuexiu", "越秀区", "Yuexiu"),
    ("liwan", "荔湾区", "Liwan"),
    ("haizhu", "海珠区", "Haizhu"),
    ("tianhe", "天河区", "Tianhe"),
    ("baiyun", "白云区", "Baiyun"),
    ("huangpu", "黄埔区", "Huangpu"),
    ("panyu", "番禺区", "Panyu"),
    ("huadu", "花都区", "Huadu"),
    ("nansha", "南沙区", "Nansha"),
    ("conghua", "从化区", "Conghua"),
    ("zengcheng", "增城区", "Zengcheng"),
]


class ConfigError(RuntimeError):
    """Raised when the environment cannot yield a safe configuration."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(env: str, instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, or one kept in instance/ outside production."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    if env == "production":
        return ""  # refused, with every other missing setting, by check_production
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{instance_path / 'goodhours.sqlite3'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _rule_settings() -> dict:
    """Integer business-rule settings from the environment: WISHES_, TIMEBANK_, PAYMENTS_, FUNDS_, FIRMS_<NAME>."""
    found = {}
    for name, value in os.environ.items():
        if name.startswith(("WISHES_", "TIMEBANK_", "PAYMENTS_", "FUNDS_", "FIRMS_", "RECONCILIATION_",
                                "TRANSPARENCY_")):
            try:
                found[name] = int(value)
            except ValueError:
                raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    return found


PRODUCTION_REQUIRED = ("SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET")


def check_production(settings: dict) -> None:
    """Refuse production settings that lack a secret or real payments (the demo checkout is for tests).

    :raise ConfigError: naming every missing setting at once.
    """
    if settings.get("ENV_NAME") != "production":
        return
    missing = [name for name in PRODUCTION_REQUIRED if not settings.get(name)]
    if missing:
        raise ConfigError("Production needs these settings, which are not set: " + ", ".join(missing)
                          + " (without Stripe keys the site would take demo payments and issue real receipts)")


def load(instance_path: str | Path) -> dict:
    """Build the settings mapping from the environment.

    :raise ConfigError: in production, when a required setting is missing (see `check_production`).
    """
    settings = _load(Path(instance_path))
    check_production(settings)
    return settings


def _load(instance_path: Path) -> dict:
    env = os.environ.get("GOODHOURS_ENV", "development")
    redis_url = os.environ.get("REDIS_URL") or None
    return {
        "ENV_NAME": env,
        "SECRET_KEY": _secret_key(env, instance_path),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        "RATELIMIT_ENABLED": _bool(os.environ.get("RATELIMIT_ENABLED"), True),
        "STRIPE_SECRET_KEY": os.environ.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_PUBLISHABLE_KEY": os.environ.get("STRIPE_PUBLISHABLE_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": os.environ.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": os.environ.get("STRIPE_API_BASE") or None,
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "console"),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(os.environ.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(os.environ.get("MAIL_USE_SSL")),
        "MAIL_TIMEOUT": 30,  # seconds; well inside the outbox's lease, so a slow server never gets a row twice
        "MAIL_DEFAULT_SENDER": os.environ.get("MAIL_DEFAULT_SENDER", "Goodhours <noreply@example.org>"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("DEFAULT_LOCALE", "zh_CN"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("DEFAULT_TIMEZONE", "Asia/Shanghai"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "PREFERRED_URL_SCHEME": "https" if env == "production" else "http",
        "SERVER_NAME": os.environ.get("SERVER_NAME") or None,
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000"),  # links in emails sent by jobs
        "TRUST_PROXY": _bool(os.environ.get("TRUST_PROXY"), env == "production"),
        "PASSWORD_RESET_MAX_AGE": int(os.environ.get("PASSWORD_RESET_MAX_AGE", "3600")),
        "EMAIL_VERIFY_MAX_AGE": int(os.environ.get("EMAIL_VERIFY_MAX_AGE", str(3 * 24 * 3600))),
        "INVITATION_MAX_AGE_DAYS": int(os.environ.get("INVITATION_MAX_AGE_DAYS", "14")),
        "LOGIN_LIMIT_PER_ACCOUNT": os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes"),
        "LOGIN_LIMIT_PER_ADDRESS": os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per 15 minutes"),
        "API_RATE_LIMIT": os.environ.get("API_RATE_LIMIT", "300 per minute"),
        "ARGON2_PROFILE": os.environ.get("ARGON2_PROFILE", "default"),
        "DEFAULT_DISTRICTS": GUANGZHOU_DISTRICTS,
        "API_TITLE": "Goodhours API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
        "WTF_CSRF_TIME_LIMIT": None,
        # 360Giving grant identifier prefix (register one with 360Giving for real publishing)
        "GIVING360_PREFIX": os.environ.get("GIVING360_PREFIX", "360G-goodhours"),
        **_rule_settings(),
    }
