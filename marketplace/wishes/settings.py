"""Settings of micro-wishes, household needs and the lights; each is `WISHES_<NAME>` in the config."""
from __future__ import annotations

from flask import current_app

DEFAULTS = {
    "WISH_VALUE_CAP_FEN": 100_000,  # ¥1,000
    "NEED_BUDGET_CAP_FEN": 8_000_000,  # ¥80,000; more needs an organisation admin's approval
    "CLAIM_DAYS": 7,
    "MAX_ACTIVE_CLAIMS": 5,  # per donor, so nobody hoards wishes
    "REVERIFY_MONTHS": 12,
    "EXPIRE_UNCLAIMED_DAYS": 60,  # a published listing nobody takes expires
    "REPEAT_EXPIRY_COUNT": 2,  # claimants with this many expired claims are shown to staff
    # lights
    "UNCLAIMED_YELLOW_DAYS": 14,
    "UNCLAIMED_RED_DAYS": 30,
    "DEADLINE_YELLOW_DAYS": 2,
    "UNCONFIRMED_YELLOW_DAYS": 7,
    "UNHELPED_YELLOW_DAYS": 90,
}


def setting(name: str) -> int:
    """Return a wishes setting (an integer: fen, days, months or a count)."""
    return int(current_app.config.get(f"WISHES_{name}", DEFAULTS[name]))
