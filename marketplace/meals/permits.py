"""A store's business licence and food business permit: uploaded privately by its firm with number and expiry,
checked by platform admins. A waiting store opens once both are verified and in date.
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.meals.access import get_store, is_platform_staff
from marketplace.meals.models import MealPermit, MealStore, PermitStatus, StoreStatus
from marketplace.meals.stores import KINDS, locked, paused_for_permits, permits_ready, resync, tell_firm
from marketplace.platform.checks import reason_given, text_field
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today
from marketplace.web import uploads

P, S = PermitStatus, StoreStatus
FOLDER = "meal-permits"


def permits_of(store: MealStore) -> list[MealPermit]:
    return list(db.session.scalars(select(MealPermit).where(MealPermit.store_id == store.id)
                                   .order_by(MealPermit.id.desc())))


def upload_permit(actor: User, store_id, *, kind, number, expires_on, upload) -> MealPermit:
    """Keep a store's licence or hygiene permit (JPEG, PNG or PDF, checked from content) privately, with its
    number and expiry date, for platform admins to check. Commit.

    :raise InvalidInput: a field is wrong (expired, no file, not a real photo or PDF). :raise NotFound: not theirs.
    """
    errors: dict = {}
    if kind not in KINDS:
        errors["kind"] = [_l("Choose a kind from the list.")]
    number = text_field(errors, "number", number, 60)
    if not isinstance(expires_on, date):
        errors["expires_on"] = [_l("Enter the day it expires, such as 2027-12-31.")]
    elif expires_on < local_today():
        errors["expires_on"] = [_l("This permit has already expired. Upload one that is still in date.")]
    if errors:
        raise InvalidInput(fields=errors)
    store = get_store(actor, store_id)
    if store.status == S.CLOSED:
        raise Conflict(_l("This store is closed."))
    name, content_type = uploads.store(upload, "upload", FOLDER)
    try:
        permit = MealPermit(store_id=store.id, kind=kind, number=number, expires_on=expires_on,
                            attachment_path=name, attachment_type=content_type, created_by_id=actor.id)
        MealPermit.machine.start(permit, P.SUBMITTED, by=actor, why="uploaded")
        db.session.flush()
        record("meals.permit_uploaded", actor=actor, subject=store, permit_id=permit.id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.path_of(name).unlink(missing_ok=True)
        raise
    return permit


def _checked(actor: User, permit_id) -> MealPermit:
    """Return a permit waiting for checks, locked, to a platform admin. :raise NotFound: / Conflict:."""
    if not is_platform_staff(actor):
        raise NotFound()
    permit = db.session.scalar(select(MealPermit).where(MealPermit.id == as_id(permit_id)).with_for_update()
                               .execution_options(populate_existing=True)) if as_id(permit_id) else None
    if permit is None:
        raise NotFound()
    if permit.status != P.SUBMITTED:
        raise Conflict(_l("This permit was already checked."))
    return permit


def verify_permit(actor: User, permit_id) -> MealPermit:
    """Accept a permit (a platform admin, having read it); open its store if it was waiting, or paused for an
    expired permit, and now holds both permits in date. Commit."""
    permit = _checked(actor, permit_id)
    if permit.expires_on < local_today():
        raise Conflict(_l("This permit has expired; it cannot be accepted. Refuse it and say why."))
    MealPermit.machine.move(permit, P.VERIFIED, by=actor, why="verified", reviewed_by_id=actor.id)
    db.session.flush()
    record("meals.permit_verified", actor=actor, subject=permit.store, permit_id=permit.id)
    store = locked(actor, permit.store_id)
    if (store.status == S.PENDING or paused_for_permits(store)) and permits_ready(store):
        MealStore.machine.move(store, S.OPEN, by=actor, why="permits verified", pause_reason="")
        db.session.flush()
        resync(store)
        tell_firm(store, "meals_store_opened")
    db.session.commit()
    return permit


def reject_permit(actor: User, permit_id, reason) -> MealPermit:
    """Refuse a permit, saying why; tell the firm's staff. Commit."""
    why = reason_given(reason)
    permit = _checked(actor, permit_id)
    MealPermit.machine.move(permit, P.REJECTED, by=actor, why=why, reason=why, reviewed_by_id=actor.id)
    record("meals.permit_rejected", actor=actor, subject=permit.store, permit_id=permit.id)
    tell_firm(permit.store, "meals_permit_rejected", reason=why)
    db.session.commit()
    return permit


def permit_file(actor: User, permit_id) -> MealPermit:
    """Return a permit with its file to its firm's staff or platform admins; NotFound otherwise."""
    permit = db.session.get(MealPermit, as_id(permit_id)) if as_id(permit_id) else None
    if permit is None or not permit.attachment_path:
        raise NotFound()
    get_store(actor, permit.store_id)
    return permit


def waiting_permits(actor: User) -> list[MealPermit]:
    """Return the permits waiting for checks, oldest first, to a platform admin."""
    if not is_platform_staff(actor):
        raise NotFound()
    return list(db.session.scalars(select(MealPermit).where(MealPermit.status == P.SUBMITTED)
                                   .order_by(MealPermit.id)))
