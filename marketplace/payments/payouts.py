"""Stripe payouts entered by platform staff (for payouts whose event never arrived, or a bank
statement read by hand): the same posting as the `payout.paid` event, under the same key, so a
payout entered by hand and delivered by Stripe posts once."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.ledger import service as ledger
from marketplace.orgs.policy import require
from marketplace.payments import postings
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db

PAYOUT_ID = re.compile(r"^[A-Za-z0-9_]{3,120}$")


def record_payout(actor: User, payout_id: str, amount_fen: int) -> ledger.Entry:
    """Post a payout from Stripe's clearing account to the platform's bank (platform admins).

    :raise IdempotencyConflict: the payout was already posted with another amount (409).
    """
    require(actor, "admin.access")
    errors: dict[str, list] = {}
    if not isinstance(payout_id, str) or not PAYOUT_ID.match(payout_id):
        errors["payout_id"] = [_l("Enter the payout's id from Stripe, such as po_1AbC….")]
    if type(amount_fen) is not int or not 0 < amount_fen <= 10**12:
        errors["amount_fen"] = [_l("Enter an amount above zero.")]
    if errors:
        raise InvalidInput(fields=errors)
    entry = postings.payout(payout_id, amount_fen, actor=actor)
    record("payment.payout_recorded", actor=actor, payout=payout_id, amount_fen=amount_fen)
    db.session.commit()
    return entry
