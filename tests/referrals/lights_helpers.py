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


def visit(care, household, day, by=None) -> None:
    """Record a bare visit row on `day` (the visits part writes them for real)."""
    from marketplace.referrals.models import Visit

    db.session.add(Visit(beneficiary_id=household.beneficiary_id, organisation_id=household.organisation_id,
                         visited_on=day, mode="home", minutes=30, recorded_by_id=(by or care.station.worker).id))
    db.session.commit()


def closed(care, household, *, on_time: bool, satisfaction: int, cash_fen: int = 0, in_kind_fen: int = 0):
    """A referral taken through to the household's feedback, with charity cash paid and goods given."""
    from marketplace.funds.models import Disbursement, DisbursementStatus, Fund
    from marketplace.referrals.models import ReferralAction

    referral = running(care, household, due_in_days=2)
    actor = care.station.worker
    Referral.machine.move(referral, ReferralStatus.DONE, actor, "test", outcome="送到了")
    Referral.machine.move(referral, ReferralStatus.CLOSED, actor, "test", closed_at=now_utc(),
                          closed_on_time=on_time, satisfaction=satisfaction)
    if cash_fen:
        fund = Fund(organisation_id=care.helper.id, kind="general", name_zh="救助金", name_en="Relief")
        db.session.add(fund)
        db.session.flush()
        paid = Disbursement(fund_id=fund.id, payee="PRIVATE-PAYEE", purpose="救助", amount_fen=cash_fen,
                            referral_id=referral.id, evidence_path="x.pdf", evidence_type="application/pdf",
                            requested_by_id=actor.id)
        Disbursement.machine.start(paid, DisbursementStatus.REQUESTED, actor)
        db.session.flush()
        Disbursement.machine.move(paid, DisbursementStatus.PAID, actor, decided_at=now_utc())
    if in_kind_fen:
        db.session.add(ReferralAction(referral_id=referral.id, kind="in_kind", value_fen=in_kind_fen, text="米油"))
    households.refresh_referrals(household)
    db.session.commit()
    return referral
