"""Signed, expiring tokens for email links, and random tokens stored as digests."""
from __future__ import annotations

import hashlib
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from config import settings


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.SECRET_KEY, salt=f"goodhours.{purpose}")


def sign(purpose: str, payload: dict) -> str:
    """Return a URL-safe signed token carrying `payload`."""
    return _serializer(purpose).dumps(payload)


def unsign(purpose: str, token: str, max_age: int) -> dict | None:
    """Return the payload of a valid, unexpired token, else None."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    return payload if isinstance(payload, dict) else None


def fingerprint(value: str) -> str:
    """Return a short digest that changes when `value` changes (used for single-use links)."""
    return hashlib.sha256(value.encode()).hexdigest()[:16]


def random_token(prefix: str = "") -> str:
    """Return a new unguessable token."""
    return prefix + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """Return the SHA-256 hex digest under which a random token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()
