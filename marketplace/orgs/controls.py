"""The second-person rule for money: an offline gift, a disbursement or a reconciliation correction
above one amount is done by two people, never one. One setting, `MONEY_SECOND_PERSON_ABOVE_FEN`
(default ¥5,000), serves all three."""
from __future__ import annotations

from config import settings


def second_person_above() -> int:
    """Return the amount (fen) above which a second person must confirm a money movement."""
    return settings.MONEY_SECOND_PERSON_ABOVE_FEN


def needs_second_person(amount_fen: int) -> bool:
    """Tell whether moving this much money (in or out) waits for a second person."""
    return abs(int(amount_fen)) > second_person_above()
