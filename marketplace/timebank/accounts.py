"""The time bank's ledger accounts, asked for by activities, review, savings, care and imports alike."""
from __future__ import annotations

from marketplace.auth.models import User
from marketplace.ledger import service as ledger


def savings_account(user: User | int):
    """Return the user's ledger account of saved minutes."""
    return ledger.open_account("user", getattr(user, "id", user), "volunteer_savings")
