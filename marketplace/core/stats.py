"""The live figures shown on the home page, read from the database."""
from __future__ import annotations

from sqlalchemy import func

from marketplace.auth.models import User
from marketplace.orgs.models import Membership, Organisation, OrgKind
from marketplace.platform.extensions import db


def home_figures() -> dict[str, int]:
    """Return counts of volunteers, organisations, hours banked, wishes and money raised.

    Hours banked are every minute the platform has issued to volunteers, less reversals, read
    from the issuance account's running total. Wishes and money stay zero until those features exist.
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
        "minutes_banked": _minutes_issued(),
        "wishes_fulfilled": 0,
        "fen_raised": 0,
    }


def _minutes_issued() -> int:
    from marketplace.ledger.queries import posted_total

    return -posted_total("platform", "hours_issued")
