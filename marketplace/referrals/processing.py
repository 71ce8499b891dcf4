"""Processing a referral: the owning organisation records what it did — notes, charity cash through the
fund's disbursement (so its approval, receipt, ledger posting and bank matching apply unchanged), goods or
services at a declared value, files — spawns a wish, household need or care task linked both ways, and
marks it done or hands it back to dispatch.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.funds import disbursements
from marketplace.funds.models import Disbursement, Fund
from marketplace.notifications.service import notify
from marketplace.platform.checks import reason_given, text_field
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.referrals import households
from marketplace.referrals.access import get_referral, is_staff, may_manage_household
from marketplace.referrals.dispatch import lapse_open, tell_staff
from marketplace.referrals.models import ActionKind, Referral, ReferralAction, ReferralStatus
from marketplace.referrals.service import LONGEST_TEXT
from marketplace.web import uploads

R = ReferralStatus
MAX_VALUE_FEN = 10**10
FOLDER = "referrals"


def is_owner(user: User | None, referral: Referral) -> bool:
    """Tell whether the user is staff of the organisation that accepted the referral."""
    return referral.organisation_id is not None and is_staff(user, referral.organisation_id)


def owned(actor: User, referral_id, *states) -> Referral:
    """Return a referral the actor's organisation owns, locked, in one of `states` (default: accepted).

    :raise NotFound: the actor may not read it. :raise Conflict: it is not owned by them or not in the state.
    """
    referral = get_referral(actor, referral_id)
    referral = db.session.scalar(select(Referral).where(Referral.id == referral.id).with_for_update(key_share=True)
                                 .execution_options(populate_existing=True))
    if not is_owner(actor, referral):
        raise Conflict(_l("Only the organisation handling this referral can do this."))
    if referral.status not in (states or (R.ACCEPTED,)):
        raise Conflict(_l("This cannot be done while the referral is “%(state)s”.",
                          state=Referral.machine.label(referral.status)))
    return referral


def actions_of(referral: Referral) -> list[ReferralAction]:
    return list(db.session.scalars(select(ReferralAction).where(ReferralAction.referral_id == referral.id)
                                   .order_by(ReferralAction.id)))


def _action(referral: Referral, actor: User, kind: ActionKind, text: str = "", **values) -> ReferralAction:
    action = ReferralAction(referral_id=referral.id, kind=kind.value, text=text, actor_id=actor.id, **values)
    db.session.add(action)
    db.session.flush()
    record(f"referral.{kind.value}", actor=actor, subject=referral, action_id=action.id)
    return action


def add_note(actor: User, referral_id, text) -> ReferralAction:
    """Write a note on a referral: its handlers or its household's managers, while it is open. Commit."""
    referral = get_referral(actor, referral_id)
    if not (is_owner(actor, referral) or may_manage_household(actor, referral.household)):
        raise Conflict(_l("Only the organisation handling this referral can do this."))
    if referral.status == R.CANCELLED:
        raise Conflict(_l("This referral is cancelled."))
    errors: dict = {}
    cleaned = text_field(errors, "text", text, LONGEST_TEXT, True)
    if errors:
        raise InvalidInput(fields=errors)
    action = _action(referral, actor, ActionKind.NOTE, cleaned)
    db.session.commit()
    return action


def _amount(value, field: str) -> int:
    if type(value) is not int or not 0 < value <= MAX_VALUE_FEN:
        raise InvalidInput(fields={field: [_l("Enter an amount above zero.")]})
    return value


def give_in_kind(actor: User, referral_id, *, what, value_fen) -> ReferralAction:
    """Record goods or services given at a declared value (no money moves, nothing in the ledger). Commit."""
    errors: dict = {}
    text = text_field(errors, "what", what, 500, True)
    if errors:
        raise InvalidInput(fields=errors)
    value = _amount(value_fen, "value")
    referral = owned(actor, referral_id)
    action = _action(referral, actor, ActionKind.IN_KIND, text, value_fen=value)
    db.session.commit()
    return action


def pay_cash(actor: User, referral_id, *, fund_id, payee, purpose, amount_fen, evidence_file) -> ReferralAction:
    """Pay charity cash for the referral out of one of the owning organisation's funds, through the fund's
    disbursement (paid at once up to the second-person amount, else waiting for a second staff member);
    record the action with the disbursement, in the same transaction. Commit.

    :raise InvalidInput: no such fund of the organisation, or the disbursement's own field errors.
    :raise Conflict: the fund holds too little (nothing written).
    """
    referral = owned(actor, referral_id)
    fund = db.session.get(Fund, int(fund_id)) if is_id(fund_id) else None
    if fund is None or fund.organisation_id != referral.organisation_id or not fund.is_open:
        raise InvalidInput(fields={"fund_id": [_l("Choose one of your organisation's funds.")]})
    actions: list[ReferralAction] = []
    disbursements.request_disbursement(
        actor, fund, payee=payee, purpose=purpose, amount_fen=amount_fen, evidence_file=evidence_file,
        referral_id=referral.id, also=lambda paid: actions.append(_action(
            referral, actor, ActionKind.CASH, paid.purpose, value_fen=paid.amount_fen, disbursement_id=paid.id)))
    return actions[0]


def attach(actor: User, referral_id, *, upload, text="") -> ReferralAction:
    """Keep a file (JPEG, PNG or PDF, checked from its content) on the referral, privately. Commit."""
    errors: dict = {}
    caption = text_field(errors, "text", text, 300, False)
    if errors:
        raise InvalidInput(fields=errors)
    referral = owned(actor, referral_id)
    name, content_type = uploads.store(upload, "upload", FOLDER)
    try:
        action = _action(referral, actor, ActionKind.ATTACHMENT, caption, attachment_path=name,
                         attachment_type=content_type)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.path_of(name).unlink(missing_ok=True)
        raise
    return action


def attachment(actor: User, action_id) -> ReferralAction:
    """Return a file action to those who may read the referral's notes; NotFound otherwise."""
    found = db.session.get(ReferralAction, action_id) if is_id(action_id) else None
    if found is None or found.kind != ActionKind.ATTACHMENT or not found.attachment_path:
        raise NotFound()
    get_referral(actor, found.referral_id)
    return found


def spawn_listing(actor: User, referral_id, *, kind, title, story="", quantity=1, value_fen=0) -> Referral:
    """Make a draft micro-wish or household need for the referral's household, linked both ways (staff of
    the household's organisation, through the wishes' own rules). Commit."""
    from marketplace.wishes import service as wishes

    referral = _spawnable(actor, referral_id, "listing_id")
    if kind not in ("wish", "household_need"):
        raise InvalidInput(fields={"kind": [_l("Choose a kind from the list.")]})
    listing = wishes.create_listing(actor, referral.beneficiary_id, kind=kind, title=title, story=story,
                                    quantity=quantity, value_fen=value_fen, commit=False)
    referral.listing_id = listing.id
    _action(referral, actor, ActionKind.SPAWN, listing.title)
    db.session.commit()
    return referral


def spawn_care(actor: User, referral_id, *, service, details="", scheduled_at, minutes) -> Referral:
    """Ask the time bank for a care task for the household, paid from the owning organisation's pool of
    hours (its coordinators), linked both ways. Commit."""
    from marketplace.timebank.care import service as care

    referral = _spawnable(actor, referral_id, "care_request_id")
    if referral.organisation_id is None:
        raise Conflict(_l("Only the organisation handling this referral can do this."))
    task = care.request_care(actor, organisation_id=referral.organisation_id,
                             recipient_name=referral.household.beneficiary.pseudonym, service=service,
                             details=details, district_id=referral.district_id, scheduled_at=scheduled_at,
                             minutes=minutes, from_pool=True, key=f"referral-{referral.id}")
    referral.care_request_id = task.id
    _action(referral, actor, ActionKind.SPAWN, str(service))
    db.session.commit()
    return referral


def _spawnable(actor: User, referral_id, column: str) -> Referral:
    """Return the referral locked (read fresh), so two clicks cannot each make a wish or care task for it."""
    referral = get_referral(actor, referral_id)
    referral = db.session.scalar(select(Referral).where(Referral.id == referral.id).with_for_update(key_share=True)
                                 .execution_options(populate_existing=True))
    if referral.status not in (R.ACCEPTED, R.NEW, R.DISPATCHED):
        raise Conflict(_l("This cannot be done while the referral is “%(state)s”.",
                          state=Referral.machine.label(referral.status)))
    if getattr(referral, column) is not None:
        raise Conflict(_l("This referral already has one."))
    return referral


def mark_done(actor: User, referral_id, outcome) -> Referral:
    """Report the referral done with its outcome; tell its social worker and the household's organisation.
    It closes only with the household's feedback. Commit."""
    errors: dict = {}
    text = text_field(errors, "outcome", outcome, LONGEST_TEXT, True)
    if errors:
        raise InvalidInput(fields=errors)
    referral = owned(actor, referral_id)
    Referral.machine.move(referral, R.DONE, actor, text[:300], outcome=text)
    care = referral.household
    tell_staff(care.organisation_id, "referral_done", referral)
    if care.social_worker is not None and not is_staff(care.social_worker, care.organisation_id):
        notify(care.social_worker, "referral_done", link=("referrals.referral", {"referral_id": referral.id}),
               code=referral.public_code)
    households.refresh_referrals(care)
    record("referral.done", actor=actor, subject=referral)
    db.session.commit()
    return referral


def hand_back(actor: User, referral_id, reason) -> Referral:
    """Give a referral back to dispatch, with a reason (the owning organisation). Commit."""
    why = reason_given(reason)
    referral = owned(actor, referral_id)
    Referral.machine.move(referral, R.NEW, actor, why, organisation_id=None, owner_id=None, due_at=None)
    lapse_open(referral.id)
    tell_staff(referral.household.organisation_id, "referral_declined", referral, reason=why)
    households.refresh_referrals(referral.household)
    record("referral.handed_back", actor=actor, subject=referral, reason=why)
    db.session.commit()
    return referral


def cash_of(referral: Referral) -> list[Disbursement]:
    """Return the disbursements paid or asked for the referral."""
    return list(db.session.scalars(select(Disbursement).where(Disbursement.referral_id == referral.id)
                                   .order_by(Disbursement.id)))
