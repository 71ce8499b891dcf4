"""Overdue referrals escalate to the officers of the household's district (督办).

`escalate_overdue` is run by `flask referrals escalate` (cron, every 15 minutes) and by each round of
`flask jobs work`. Each referral is claimed by one guarded UPDATE (`… WHERE escalated_at IS NULL
RETURNING id`), so two runs at once escalate it, and notify its officers, once.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select, update

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.notifications.service import notify
from marketplace.platform.extensions import db
from marketplace.referrals.lights import Clock, overdue_referrals, scope
from marketplace.referrals.models import ActionKind, DistrictOfficer, HouseholdCare, Referral, ReferralAction
from marketplace.wishes.models import Beneficiary

KIND = "referral_escalated"
log = logging.getLogger(__name__)


def officers_of(district_id: int) -> list[User]:
    """Return the active officers who supervise the district."""
    return list(db.session.scalars(select(User).join(DistrictOfficer, DistrictOfficer.user_id == User.id).where(
        DistrictOfficer.district_id == district_id, User.is_active.is_(True)).order_by(User.id)))


def escalate_overdue(now: datetime | None = None, limit: int = 500) -> int:
    """Escalate every overdue referral not escalated yet (at most `limit` per run); each one in its own
    commit: mark it, record an escalation action and notify the district's officers. Return how many."""
    clock = Clock.read(now)
    ids = db.session.scalars(select(Referral.id).where(overdue_referrals(clock), Referral.escalated_at.is_(None))
                             .order_by(Referral.due_at, Referral.id).limit(limit)).all()
    db.session.rollback()  # end the reading transaction: each referral is claimed in its own
    escalated = 0
    for referral_id in ids:
        escalated += _escalate(referral_id, clock)
    return escalated


def sweep() -> int:
    """The worker's round (marketplace.platform.worker): escalate what is overdue now."""
    return escalate_overdue()


def _escalate(referral_id: int, clock: Clock) -> int:
    claimed = db.session.execute(
        update(Referral).where(Referral.id == referral_id, Referral.escalated_at.is_(None), overdue_referrals(clock))
        .values(escalated_at=clock.now).returning(Referral.id)
        .execution_options(synchronize_session=False)).scalar()
    if claimed is None:  # another run took it, or it moved on meanwhile
        db.session.rollback()
        return 0
    referral = db.session.get(Referral, referral_id)
    days = max(1, (clock.now - referral.due_at).days)
    db.session.add(ReferralAction(referral_id=referral_id, kind=ActionKind.ESCALATION.value, value_fen=0, text="",
                                  actor_id=None))
    for officer in officers_of(referral.district_id):
        notify(officer, KIND, link=("referrals.escalations", {}), code=referral.public_code, days=days,
               due_at=referral.due_at.isoformat())
    record("referral.escalated", subject=referral, days=days)
    db.session.commit()
    return 1


def escalations(user: User, *, limit: int = 200) -> list[tuple[Referral, str]]:
    """Return (referral, household pseudonym) for the escalated referrals still running that the user's
    board shows, the longest overdue first."""
    from marketplace.referrals.households import RUNNING

    stmt = (select(Referral, Beneficiary.pseudonym)
            .join(HouseholdCare, HouseholdCare.beneficiary_id == Referral.beneficiary_id)
            .join(Beneficiary, Beneficiary.id == Referral.beneficiary_id)
            .where(Referral.escalated_at.is_not(None), Referral.status.in_(RUNNING), scope(user))
            .order_by(Referral.due_at, Referral.id).limit(limit))
    return [(referral, name) for referral, name in db.session.execute(stmt)]
