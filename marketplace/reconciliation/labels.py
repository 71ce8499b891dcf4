"""Plain words for reconciliation's codes: statement line kinds, import kinds, reconciled accounts, match methods."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.platform.labels import Labels

LINE_KINDS = Labels("statement_line_kind", {
    "charge": _l("Card payment"), "fee": _l("Fee"), "refund": _l("Refund"), "payout": _l("Payout to the bank"),
    "bank": _l("Bank movement"), "other": _l("Other"),
})
IMPORT_KINDS = Labels("statement_import_kind", {"stripe": _l("Stripe"), "bank": _l("Bank")})
ACCOUNTS = Labels("reconciled_account", {"stripe_clearing": _l("Stripe clearing account"),
                                         "bank": _l("Bank account")})
MATCH_METHODS = Labels("match_method", {
    "id": _l("Matched by its payment id"), "amount": _l("Matched by amount and date"),
    "manual": _l("Matched by hand"), "correction": _l("Matched to a correcting entry"),
})
