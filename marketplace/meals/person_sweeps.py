"""The daily sweep of people's reservations: past days' uncollected ones expire, old ones forget whose they were."""
from __future__ import annotations

from marketplace.meals.reservations import anonymise_sweep, expire_sweep


def sweep() -> int:
    """Expire past reservations and anonymise old ones; return how many rows were handled."""
    return expire_sweep() + anonymise_sweep()
