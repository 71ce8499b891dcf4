"""A household's ID number: shown masked (`************1234`) to everyone who may see the household, in
whole only to those whose role needs it — the social worker who verified the household and the
organisation's admins — and only by asking, each time written to the audit log."""
from __future__ import annotations

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.policy import can
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.wishes.beneficiaries import get_beneficiary
from marketplace.wishes.models import Beneficiary

SHOWN = 4  # the last four characters, enough to tell two numbers apart on the telephone


def masked(id_number: str | None) -> str:
    """Return the number as `************1234` (always twelve stars: its length is not told either)."""
    if not id_number:
        return ""
    return "*" * 12 + id_number[-SHOWN:]


def may_reveal(user: User | None, beneficiary: Beneficiary) -> bool:
    """Tell whether the user's role needs the whole number: the household's verifier or an org admin."""
    if user is None:
        return False
    return beneficiary.verified_by_id == user.id or can(user, "org.reveal_id_numbers", beneficiary.organisation)


def reveal_id_number(actor: User, beneficiary_id) -> str:
    """Return a household's whole ID number and write the reveal to the audit log.

    :raise NotFound: the actor may not see the household, or sees it but their role does not need the whole
        number (a denial on an object answers like a missing object: docs/access-policy.md).
    """
    beneficiary = get_beneficiary(actor, beneficiary_id)
    if not may_reveal(actor, beneficiary):
        raise NotFound()
    record("beneficiary.id_number_revealed", actor=actor, subject=beneficiary)
    db.session.commit()
    return beneficiary.id_number
