"""The live figures shown on the home page, read from the database."""
from __future__ import annotations

from sqlalchemy import func

from marketplace.auth.models import User
from marketplace.extensions import db
from marketplace.orgs.models import Membership, Organisation, OrgKind


def home_figures() -> dict[str, int]:
    """Return counts of volunteers, organisations, hours banked, wishes and money raised.

    Hours, wishes and money stay zero until the ledger, wishes and donations exist.
    """
    volunteers = db.session.scalar(
        db.select(func.count(func.distinct(Membership.user_id)))
        .join(Organisation, Membership.organisation_id == Organisation.id)
        .join(User, Membership.user_id == User.id)
        .where(Organisation.kind == OrgKind.VOLUNTEER_TEAM.value, User.is_active.is_(True))
    )
    organisations = db.session.scalar(
        db.select(func.count(Organisation.id)).where(Organisation.is_verified.is_(True))
    )
    return {
        "volunteers": volunteers or 0,
        "organisations": organisations or 0,
        "minutes_banked": 0,
        "wishes_fulfilled": 0,
        "fen_raised": 0,
    }
