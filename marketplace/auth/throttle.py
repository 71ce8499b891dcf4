"""Wrong passwords: guesses at an account are bounded, yet no stranger can lock its owner out.

A client is a browser that has logged in to the account before (it holds a signed device cookie for it)
or, failing that, the caller's address. Failures count per (account, client), in windows that grow (a few
per quarter hour, more per hour, a few dozen per day), and, for clients new to the account, also per
account across all of them, so spreading guesses over many addresses gains nothing. A stranger's guesses
therefore never stop the owner's own phone, which counts only its own mistakes.
"""
from __future__ import annotations

import logging
import secrets
import time

from limits import RateLimitItem, parse_many

from config import settings
from marketplace.auth import tokens
from marketplace.platform.extensions import limiter

DEVICE_COOKIE = "gh_device"
DEVICE_MAX_AGE = 180 * 24 * 3600  # seconds a browser stays known to an account without logging in
log = logging.getLogger(__name__)


def account_key(email: str) -> str:
    """Return the name failures of this (canonical) email count under; the address itself is not kept."""
    return tokens.digest("login|" + email)


def device_token(email: str) -> str:
    """Return a device cookie value saying this browser has logged in to `email`'s account."""
    return tokens.sign("device", {"a": account_key(email), "n": secrets.token_urlsafe(12)})


def device_of(cookie: str | None, account: str) -> str | None:
    """Return the device's own name when the cookie is a valid one for this account, else None."""
    payload = tokens.unsign("device", cookie, DEVICE_MAX_AGE) if cookie else None
    return payload.get("n") if payload and payload.get("a") == account else None


def may_tell_owner(account: str) -> bool:
    """Allow one "someone tried to sign up with your email" message per account a day: sign-ups with a
    taken address must not become a way to flood its owner's inbox."""
    if not settings.RATELIMIT_ENABLED:
        return True
    return _hit(parse_many("1 per day")[0], "signup-taken", account)


def _counters(account: str, device: str | None, address: str) -> list[tuple[str, tuple[str, ...]]]:
    if device is not None:
        return [(settings.LOGIN_LIMIT_PER_ACCOUNT_CLIENT, ("login-device", account, device))]
    return [(settings.LOGIN_LIMIT_PER_ACCOUNT_CLIENT, ("login-client", account, address)),
            (settings.LOGIN_LIMIT_PER_ACCOUNT, ("login-account", account))]


def take_guess(account: str, device: str | None, address: str) -> int:
    """Book one try at the account from this client before its password is checked; return 0 when it may
    go ahead, else the seconds to wait. Booking first (an atomic count in the limiter's storage) means
    tries sent in parallel cannot all pass a check made before any of them was counted."""
    if not settings.RATELIMIT_ENABLED:
        return 0
    wait = 0
    for spec, ids in _counters(account, device, address):
        for item in parse_many(spec):
            if not _hit(item, *ids):
                reset_at, _left = limiter.limiter.get_window_stats(item, *ids)
                wait = max(wait, int(reset_at - time.time()) + 1)
    return wait


def forget_tries(account: str, device: str | None, address: str) -> None:
    """After the right password, clear this client's own count (not the account's count of new clients)."""
    if settings.RATELIMIT_ENABLED:
        spec, ids = _counters(account, device, address)[0]
        for item in parse_many(spec):
            try:
                limiter.limiter.clear(item, *ids)
            except Exception:  # noqa: BLE001  (no counts to clear where the counts cannot be reached)
                log.warning("Rate limit storage unreachable; login tries not cleared", exc_info=True)


def _hit(item: RateLimitItem, *ids: str) -> bool:
    """Count one try; allow it when the counts cannot be reached (Redis down), as the limiter does for routes:
    a failure of the shared store must not stop everyone logging in."""
    try:
        return limiter.limiter.hit(item, *ids)
    except Exception:  # noqa: BLE001
        log.warning("Rate limit storage unreachable; %s not counted", ids[0], exc_info=True)
        return True
