"""Counts of people and hours, read from the database, for the public accounts and the home page."""
from __future__ import annotations

from sqlalchemy import func

from marketplace.auth.models import User
from marketplace.orgs.models import Membership, Organisation, OrgKind
from marketplace.platform.extensions import db


def people_and_hours() -> dict[str, int]:
    """Return counts of active volunteers and verified organisations, and the minutes banked.

    Minutes banked are every minute the platform has issued to volunteers, less reversals, read
    from the issuance account's running total. The public accounts (transparency/overview.py) add
    money and wishes, and the home page shows those figures.
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
    }


def _minutes_issued() -> int:
    from marketplace.ledger.queries import posted_total

    return -posted_total("platform", "hours_issued")
