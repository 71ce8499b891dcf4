"""The sweep of people's traces: past days' uncollected reservations expire, old ones forget whose they were,
and phone codes long expired are deleted."""
from __future__ import annotations

from marketplace.meals.phones import forget_codes
from marketplace.meals.reservations import anonymise_sweep, expire_sweep


def sweep() -> int:
    """Expire past reservations, anonymise old ones and delete dead phone codes; return how many rows it handled."""
    return expire_sweep() + anonymise_sweep() + forget_codes()
