"""Settings of online giving: the limits on an amount, which provider takes the money, and the
webhook secrets. `PAYMENTS_MAX_FEN` comes from the environment like the other rule settings."""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app

MIN_FEN = 100  # ¥1
DEFAULT_MAX_FEN = 5_000_000  # ¥50,000
TOLERANCE_SECONDS = 300  # how old a signed webhook may be
CURRENCY = "cny"


def max_fen() -> int:
    """Return the largest gift one may make online, in fen."""
    return int(current_app.config.get("PAYMENTS_MAX_FEN", DEFAULT_MAX_FEN))


def provider() -> str:
    """Return the provider new online gifts go through: Stripe when a secret key is set, else the demo.

    :raise ConfigError: in production without a key (the app refuses to start then; this is the backstop).
    """
    if current_app.config.get("STRIPE_SECRET_KEY"):
        return "stripe"
    if current_app.config.get("ENV_NAME") == "production":
        from config import ConfigError

        raise ConfigError("STRIPE_SECRET_KEY is not set: production takes no demo payments")
    return "demo"


def demo_webhook_secret() -> str:
    """Return the secret the demo checkout signs its events with (derived from SECRET_KEY unless set)."""
    configured = current_app.config.get("DEMO_WEBHOOK_SECRET")
    if configured:
        return configured
    derived = hmac.new(current_app.config["SECRET_KEY"].encode(), b"goodhours demo webhook", hashlib.sha256)
    return "whsec_demo_" + derived.hexdigest()


def stripe_webhook_secret() -> str | None:
    return current_app.config.get("STRIPE_WEBHOOK_SECRET") or None


def live_mode_expected(provider_name: str) -> bool:
    """Say whether events for this provider must be live ones: only Stripe with a live secret key."""
    key = current_app.config.get("STRIPE_SECRET_KEY") or ""
    return provider_name == "stripe" and key.startswith(("sk_live_", "rk_live_"))
