"""Dispatch (转办转介): suggest who can help, send a new referral to one or more organisations, and their
answers — the first to accept owns it (one guarded move), a decline goes back to dispatch when no
organisation is left to answer — and cancelling.

Locks in one order: the referral's row first, then its dispatches.
"""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.notifications.service import notify
from marketplace.orgs.models import Organisation
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.referrals import households
from marketplace.referrals.access import get_referral, is_staff, may_manage_household, staff_org_ids, staff_user_ids
from marketplace.referrals.models import (
    AssistanceItem,
    DispatchAnswer,
    ItemOffer,
    Referral,
    ReferralDispatch,
    ReferralStatus,
    Urgency,
)
from marketplace.web.names import local_name

R, A = ReferralStatus, DispatchAnswer
MOST_AT_ONCE = 10  # organisations one dispatch may go to


def staff_of(org_id: int) -> list[User]:
    """Return the active staff (and above) of an organisation, to tell them something."""
    return list(db.session.scalars(select(User).where(User.id.in_(staff_user_ids(org_id)),
                                                      User.is_active.is_(True)).order_by(User.id)))


def staff_organisations(user: User) -> list[Organisation]:
    """Return the organisations the user is staff (or more) of: whose inbox they answer."""
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(staff_org_ids(user)))
                                   .order_by(Organisation.id)))


def tell_staff(org_id: int | None, kind: str, referral: Referral, **params) -> None:
    """Notify every staff member of an organisation about a referral (flushed with the caller's change)."""
    if org_id is None:
        return
    for person in staff_of(org_id):
        notify(person, kind, link=("referrals.referral", {"referral_id": referral.id}),
               code=referral.public_code, **params)


def suggestions(referral: Referral) -> list[Organisation]:
    """Return the organisations offering the referral's item in its district, or (no item) any item of the
    same need kind there, by name."""
    stmt = select(ItemOffer.organisation_id).where(ItemOffer.district_id == referral.district_id)
    if referral.item_id is not None:
        stmt = stmt.where(ItemOffer.item_id == referral.item_id)
    else:
        stmt = stmt.join(AssistanceItem, AssistanceItem.id == ItemOffer.item_id).where(
            AssistanceItem.need_kind == referral.need_kind, AssistanceItem.is_active.is_(True))
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(stmt))
                                   .order_by(Organisation.name_zh, Organisation.id)))


def dispatches_of(referral: Referral) -> list[ReferralDispatch]:
    """Return the referral's dispatch history, oldest first."""
    return list(db.session.scalars(select(ReferralDispatch).where(ReferralDispatch.referral_id == referral.id)
                                   .order_by(ReferralDispatch.id)))


def open_dispatches(org_ids) -> list[ReferralDispatch]:
    """Return the dispatches still waiting for an answer from these organisations, oldest first."""
    return list(db.session.scalars(select(ReferralDispatch).where(
        ReferralDispatch.organisation_id.in_(list(org_ids)), ReferralDispatch.answer == A.OPEN.value)
        .order_by(ReferralDispatch.id)))


def _locked(referral_id: int) -> Referral:
    return db.session.scalar(select(Referral).where(Referral.id == referral_id).with_for_update(key_share=True)
                             .execution_options(populate_existing=True))


def _organisations(organisation_ids) -> list[Organisation]:
    if isinstance(organisation_ids, (str, int)):
        organisation_ids = [organisation_ids]
    ids = list(organisation_ids or [])
    if not ids or len(ids) > MOST_AT_ONCE or not all(is_id(i) for i in ids):
        raise InvalidInput(fields={"organisation_ids": [
            _l("Choose 1 to %(n)d organisations from the list.", n=MOST_AT_ONCE)]})
    orgs = list(db.session.scalars(select(Organisation).where(Organisation.id.in_({int(i) for i in ids}))))
    if len(orgs) != len({int(i) for i in ids}):
        raise InvalidInput(fields={"organisation_ids": [_l("Choose organisations from the list.")]})
    return sorted(orgs, key=lambda o: o.id)


def _owner(owner_id, orgs: list[Organisation]) -> User | None:
    if owner_id in (None, ""):
        return None
    owner = db.session.get(User, owner_id) if is_id(owner_id) else None
    if owner is None or not owner.is_active or not any(is_staff(owner, o) for o in orgs):
        raise InvalidInput(fields={"owner_id": [_l("Choose a staff member of an organisation it is sent to.")]})
    return owner


def due_from(urgency: str):
    """Return when a referral of this urgency dispatched now must be done (settings, in days)."""
    days = settings.REFERRALS_URGENT_DAYS if urgency == Urgency.URGENT else settings.REFERRALS_NORMAL_DAYS
    return now_utc() + timedelta(days=days)


def dispatch(actor: User, referral_id, organisation_ids, owner_id=None) -> Referral:
    """Send a waiting referral to the chosen organisations, due by its urgency; tell their staff. Commit.

    `owner_id` optionally names the person expected to handle it, a staff member of one of them; whichever
    organisation accepts, its accepting staff member owns it unless the named person is one of its own.
    :raise NotFound: the referral, for someone who does not manage its household.
    :raise InvalidInput: no organisation, or one not known; an owner not staff of one of them.
    :raise Conflict: it is no longer waiting.
    """
    referral = get_referral(actor, referral_id)
    if not may_manage_household(actor, referral.household):
        raise NotFound()
    orgs = _organisations(organisation_ids)
    owner = _owner(owner_id, orgs)
    referral = _locked(referral.id)
    if referral.status != R.NEW:
        raise Conflict(_l("This referral is no longer waiting for dispatch (now: %(state)s).",
                          state=Referral.machine.label(referral.status)))
    names = ", ".join(local_name(o) for o in orgs)
    # a new due date, and a new escalation should it pass (one sent back for dispatch may have been escalated)
    Referral.machine.move(referral, R.DISPATCHED, actor, names[:300], due_at=due_from(referral.urgency),
                          owner_id=owner.id if owner is not None else None, escalated_at=None)
    db.session.add_all([ReferralDispatch(referral_id=referral.id, organisation_id=o.id, dispatched_by_id=actor.id,
                                         answer=A.OPEN.value) for o in orgs])
    db.session.flush()
    for org in orgs:
        tell_staff(org.id, "referral_sent", referral, due=referral.due_at.isoformat())
    households.refresh_referrals(referral.household)
    record("referral.dispatched", actor=actor, subject=referral, organisation_ids=[o.id for o in orgs])
    db.session.commit()
    return referral


def _answerable(actor: User, dispatch_id) -> ReferralDispatch:
    found = db.session.get(ReferralDispatch, dispatch_id) if is_id(dispatch_id) else None
    if found is None or not is_staff(actor, found.organisation_id):
        raise NotFound()
    return found


def _taken(referral_id: int) -> Conflict:
    referral = db.session.get(Referral, referral_id, populate_existing=True)
    if referral.status == R.ACCEPTED and referral.organisation is not None:
        return Conflict(_l("%(org)s has already accepted this referral.", org=local_name(referral.organisation)))
    return Conflict(_l("This referral is no longer waiting for an answer (now: %(state)s).",
                       state=Referral.machine.label(referral.status)))


def accept(actor: User, dispatch_id) -> Referral:
    """Accept a referral sent to the actor's organisation: it owns it, the actor handles it, and the other
    organisations' dispatches lapse. Commit.

    :raise Conflict: another organisation accepted first (named), or it was declined or taken back.
    """
    sent = _answerable(actor, dispatch_id)
    referral_id, org_id = sent.referral_id, sent.organisation_id
    named = db.session.get(Referral, referral_id).owner
    owner_id = named.id if named is not None and is_staff(named, org_id) else actor.id
    won = Referral.machine.move_if(referral_id, R.DISPATCHED, R.ACCEPTED, actor, "accepted",
                                   sync="fetch", organisation_id=org_id, owner_id=owner_id)
    if not won:
        db.session.rollback()
        raise _taken(referral_id)
    now = now_utc()
    mine = db.session.execute(update(ReferralDispatch).where(
        ReferralDispatch.id == sent.id, ReferralDispatch.answer == A.OPEN.value).values(
        answer=A.ACCEPTED.value, answered_by_id=actor.id, answered_at=now)).rowcount
    if mine != 1:  # our own organisation declined it meanwhile
        db.session.rollback()
        raise Conflict(_l("Your organisation has already answered this referral."))
    db.session.execute(update(ReferralDispatch).where(
        ReferralDispatch.referral_id == referral_id, ReferralDispatch.answer == A.OPEN.value).values(
        answer=A.LAPSED.value, answered_at=now))
    referral = db.session.get(Referral, referral_id, populate_existing=True)
    households.refresh_referrals(referral.household)
    record("referral.accepted", actor=actor, subject=referral, organisation_id=org_id)
    db.session.commit()
    return referral


def decline(actor: User, dispatch_id, reason) -> Referral:
    """Decline a referral sent to the actor's organisation, with a reason; when no organisation is left to
    answer it goes back to dispatch and the household's organisation is told. Commit.

    :raise InvalidInput: no reason. :raise Conflict: already answered.
    """
    sent = _answerable(actor, dispatch_id)
    why = reason_given(reason)
    referral = _locked(sent.referral_id)  # one answer at a time, so the last decline is seen as last
    answered = db.session.execute(update(ReferralDispatch).where(
        ReferralDispatch.id == sent.id, ReferralDispatch.answer == A.OPEN.value).values(
        answer=A.DECLINED.value, reason=why, answered_by_id=actor.id, answered_at=now_utc())).rowcount
    if answered != 1 or referral.status != R.DISPATCHED:
        db.session.rollback()
        if referral.status == R.DISPATCHED:
            raise Conflict(_l("Your organisation has already answered this referral."))
        raise _taken(sent.referral_id)
    left = db.session.scalar(select(func.count()).where(ReferralDispatch.referral_id == referral.id,
                                                         ReferralDispatch.answer == A.OPEN.value))
    if not left:
        Referral.machine.move(referral, R.NEW, actor, why, due_at=None, owner_id=None)
        tell_staff(referral.household.organisation_id, "referral_declined", referral, reason=why)
    households.refresh_referrals(referral.household)
    record("referral.declined", actor=actor, subject=referral, organisation_id=sent.organisation_id, reason=why)
    db.session.commit()
    return referral


def cancel(actor: User, referral_id, reason) -> Referral:
    """Cancel a referral not yet accepted, with a reason (its household's managers); open dispatches lapse.

    :raise Conflict: it is already being handled or finished.
    """
    referral = get_referral(actor, referral_id)
    if not may_manage_household(actor, referral.household):
        raise NotFound()
    why = reason_given(reason)
    referral = _locked(referral.id)
    if referral.status not in (R.NEW, R.DISPATCHED):
        raise Conflict(_l("Only a referral not yet accepted can be cancelled."))
    Referral.machine.move(referral, R.CANCELLED, actor, why, due_at=None)
    lapse_open(referral.id)
    households.refresh_referrals(referral.household)
    record("referral.cancelled", actor=actor, subject=referral, reason=why)
    db.session.commit()
    return referral


def lapse_open(referral_id: int) -> None:
    """Mark the referral's unanswered dispatches as no longer needed."""
    db.session.execute(update(ReferralDispatch).where(
        ReferralDispatch.referral_id == referral_id, ReferralDispatch.answer == A.OPEN.value).values(
        answer=A.LAPSED.value, answered_at=now_utc()))
