"""Test helpers for the lights part: put referrals in a running state with a due date, and date visits."""
from __future__ import annotations

from datetime import timedelta

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.referrals import households, service
from marketplace.referrals.models import DispatchAnswer, Referral, ReferralDispatch, ReferralStatus


def running(care, household, *, due_in_days: float, org=None, accepted=True, actor=None) -> Referral:
    """Record a need for `household` and move it to dispatched (sent to `org`) or accepted (owned by `org`),
    due `due_in_days` from now (negative: overdue); the household's light columns refreshed."""
    actor = actor or care.station.worker
    org = org or care.helper
    referral = service.intake(actor, household.beneficiary_id, source="social_worker", need_kind="living",
                              urgency="normal", description="送餐")
    due = now_utc() + timedelta(days=due_in_days)
    Referral.machine.move(referral, ReferralStatus.DISPATCHED, actor, "test", due_at=due)
    db.session.add(ReferralDispatch(referral_id=referral.id, organisation_id=org.id, dispatched_by_id=actor.id,
                                    answer=DispatchAnswer.ACCEPTED.value if accepted else DispatchAnswer.OPEN.value))
    if accepted:
        Referral.machine.move(referral, ReferralStatus.ACCEPTED, actor, "test", organisation_id=org.id)
    households.refresh_referrals(household)
    db.session.commit()
    return referral


def visited(household, days_ago: int) -> None:
    """Pretend the household was last visited `days_ago` days ago (its next visit moves with it)."""
    household.last_visited_on = local_today() - timedelta(days=days_ago)
    households.reschedule(household)
    db.session.commit()
