"""Plain words for ledger entry kinds (what a line of an hour history or a set of books was)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.platform.labels import Labels

ENTRY_KINDS = Labels("ledger_entry_kind", {
    # hours
    "hours.attendance": _l("Hours for an activity"),
    "hours.claim": _l("Hours reported and approved"),
    "hours.import": _l("Hours from an imported sheet"),
    "hours.gift": _l("Hours given to family"),
    "hours.pool_donation": _l("Hours given to the community pool"),
    "care.provided": _l("Care paid in hours"),
    "hold.post": _l("Held hours paid out"),
    "exchange": _l("Exchange with a neighbour"),  # member exchanges: a service between two members
    # money
    "donation": _l("Gift"),
    "refund": _l("Refund"),
    "reallocation": _l("Moved: wish or need cancelled"),
    "disbursement": _l("Payment out"),
    "disbursement.bank": _l("Payment out of the bank account"),
    "stripe.fee": _l("Payment provider's fee"),
    "stripe.payout": _l("Payout to the bank"),
    "reconciliation.correction": _l("Correction"),
    # donated meals (M餐)
    "meal.served": _l("Meal served"),
    "points.exchange": _l("Points exchanged for ingredients"),
    # both
    "reversal": _l("Correction (reversed)"),
})
