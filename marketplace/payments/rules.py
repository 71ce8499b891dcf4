"""Rules of online giving: the limits on an amount, which provider takes the money, and the webhook
secrets. The settings themselves (`PAYMENTS_MAX_FEN`, the Stripe keys) are declared in config/registry.py."""
from __future__ import annotations

import hashlib
import hmac

from config import ConfigError, settings

MIN_FEN = 100  # ¥1
TOLERANCE_SECONDS = 300  # how old a signed webhook may be
CURRENCY = "cny"


def provider() -> str:
    """Return the provider new online gifts go through: Stripe when a secret key is set, else the demo.

    :raise ConfigError: in production without a key (the app refuses to start then; this is the backstop).
    """
    if settings.STRIPE_SECRET_KEY:
        return "stripe"
    if settings.ENV_NAME == "production":
        raise ConfigError("STRIPE_SECRET_KEY is not set: production takes no demo payments")
    return "demo"


def demo_webhook_secret() -> str:
    """Return the secret the demo checkout signs its events with (derived from SECRET_KEY unless set)."""
    if settings.DEMO_WEBHOOK_SECRET:
        return settings.DEMO_WEBHOOK_SECRET
    derived = hmac.new(settings.SECRET_KEY.encode(), b"goodhours demo webhook", hashlib.sha256)
    return "whsec_demo_" + derived.hexdigest()


def live_mode_expected(provider_name: str) -> bool:
    """Say whether events for this provider must be live ones: only Stripe with a live secret key."""
    key = settings.STRIPE_SECRET_KEY or ""
    return provider_name == "stripe" and key.startswith(("sk_live_", "rk_live_"))
