"""The meal domain's codes: kinds and states, and the codes and tokens a reservation is shown by."""
from __future__ import annotations

import enum
import secrets

from marketplace.platform.codes import readable_code

CODE_LENGTH = 6


def new_short_code() -> str:
    """Return a short code to type at the counter."""
    return readable_code(CODE_LENGTH)


def new_token() -> str:
    """Return a secret for a QR code or a link (a bearer: whoever holds it holds the reservation)."""
    return secrets.token_urlsafe(24)


class StoreKind(enum.StrEnum):
    RESTAURANT = "restaurant"  # serves donated meals in serving windows
    BASE = "base"  # 爱心基地, 青年驿站: hands out food blind boxes from its stock


class StoreStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for platform staff to verify its permits
    OPEN = "open"
    PAUSED = "paused"  # a permit expired, or the firm or staff paused it
    CLOSED = "closed"


class PermitKind(enum.StrEnum):
    LICENCE = "licence"  # 营业执照
    HYGIENE = "hygiene"  # 食品经营许可证 / food-hygiene permit


class PermitStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Channel(enum.StrEnum):
    ONLINE = "online"  # reserved ahead, shown at the counter as a QR or short code
    WALK_IN = "walk_in"  # the store's poster scanned on the spot


class ReservationStatus(enum.StrEnum):
    RESERVED = "reserved"
    REDEEMED = "redeemed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class EligibilityStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    VERIFIED = "verified"
    REJECTED = "rejected"


class Situation(enum.StrEnum):
    """Who M餐 serves: people looking for work with no income."""

    GRADUATE = "graduate"  # job-seeking graduate
    INTERN = "intern"
    BETWEEN_JOBS = "between_jobs"
    OTHER = "other"


class ExchangeStatus(enum.StrEnum):
    REQUESTED = "requested"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


S, P, R, E, X = StoreStatus, PermitStatus, ReservationStatus, EligibilityStatus, ExchangeStatus
