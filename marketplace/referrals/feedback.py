"""Feedback closes the loop: the household (through its own link) or its social worker or organisation
confirms the outcome with a satisfaction of 1–5 — only then is a referral closed — or says it is not
solved yet (back to its handlers). A closed referral may be reopened with a reason.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.platform.checks import reason_given, text_field
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.referrals import households
from marketplace.referrals.access import get_referral, may_manage_household
from marketplace.referrals.dispatch import due_from, tell_staff
from marketplace.referrals.models import HouseholdCare, Referral, ReferralStatus
from marketplace.referrals.processing import is_owner

R = ReferralStatus


def may_give_feedback(user: User | None, referral: Referral) -> bool:
    """The household's managers (its social worker, its organisation's staff, its district officer) give
    feedback for it; the household itself answers on its own link (`give_feedback(None, …, household=…)`)."""
    return may_manage_household(user, referral.household)


def _check(solved, satisfaction, note) -> tuple[bool, int | None, str]:
    errors: dict = {}
    if solved not in (True, False):
        errors["solved"] = [_l("Say whether the need is met.")]
    if solved is True and (type(satisfaction) is not int or not 1 <= satisfaction <= 5):
        errors["satisfaction"] = [_l("Choose a satisfaction from 1 to 5.")]
    text = text_field(errors, "note", note, 500, solved is False)
    if errors:
        raise InvalidInput(fields=errors)
    return solved, satisfaction if solved else None, text


def give_feedback(actor: User | None, referral_id, *, solved, satisfaction=None, note="",
                  household: HouseholdCare | None = None) -> Referral:
    """Record the household's feedback on a done referral: solved closes it (on time when it was done by its
    due date); not solved sends it back to its handlers, who are told. Commit.

    `actor` is the social worker or staff member, or None with `household` when the household answers on
    its own link.
    :raise Conflict: the referral is not waiting for feedback. :raise NotFound: not theirs.
    """
    if household is not None:
        found = db.session.get(Referral, referral_id) if is_id(referral_id) else None
        if found is None or found.beneficiary_id != household.beneficiary_id:
            raise NotFound()
    else:
        found = get_referral(actor, referral_id)
        if not may_give_feedback(actor, found):
            raise Conflict(_l("Feedback comes from the household or its social worker."))
    solved, satisfaction, text = _check(solved, satisfaction, note)
    referral = db.session.scalar(select(Referral).where(Referral.id == found.id).with_for_update(key_share=True)
                                 .execution_options(populate_existing=True))
    if referral.status != R.DONE:
        raise Conflict(_l("Feedback is given once the handlers report the referral done (now: %(state)s).",
                          state=Referral.machine.label(referral.status)))
    by = actor.id if actor is not None else None
    if solved:
        done_at = referral.status_changed_at
        on_time = referral.due_at is None or done_at <= referral.due_at
        Referral.machine.move(referral, R.CLOSED, by, text[:300] or "feedback", satisfaction=satisfaction,
                              feedback_note=text, feedback_by_id=by, closed_at=now_utc(), closed_on_time=on_time)
    else:
        # back with its handlers with a new due date (and escalated again should that pass)
        Referral.machine.move(referral, R.ACCEPTED, by, text[:300], feedback_note=text, feedback_by_id=by,
                              due_at=due_from(referral.urgency), escalated_at=None)
        tell_staff(referral.organisation_id, "referral_reopened", referral, reason=text)
    households.refresh_referrals(referral.household)
    record("referral.feedback", actor=actor, subject=referral, solved=solved, satisfaction=satisfaction)
    db.session.commit()
    return referral


def reopen(actor: User, referral_id, reason) -> Referral:
    """Reopen a closed referral with a reason (the household's managers or the organisation that handled
    it); it goes back to its handlers, who are told. Commit."""
    referral = get_referral(actor, referral_id)
    if not (may_manage_household(actor, referral.household) or is_owner(actor, referral)):
        raise Conflict(_l("Only the household's organisation or the handlers can reopen a referral."))
    why = reason_given(reason)
    referral = db.session.scalar(select(Referral).where(Referral.id == referral.id).with_for_update(key_share=True)
                                 .execution_options(populate_existing=True))
    if referral.status != R.CLOSED:
        raise Conflict(_l("Only a closed referral can be reopened."))
    # reopened work has a new due date from now (and is escalated again should it pass)
    Referral.machine.move(referral, R.ACCEPTED, actor, why, closed_at=None, closed_on_time=None,
                          due_at=due_from(referral.urgency), escalated_at=None)
    tell_staff(referral.organisation_id, "referral_reopened", referral, reason=why)
    households.refresh_referrals(referral.household)
    record("referral.reopened", actor=actor, subject=referral, reason=why)
    db.session.commit()
    return referral
