"""The meal stores' daily sweep: pause open stores whose licence or hygiene permit has expired, and remind
firms once, MEALS_PERMIT_REMIND_DAYS ahead, that a permit is about to expire.

Each store and permit is claimed by a guarded UPDATE before anyone is told, so runs at once (cron and the
worker's round) pause and remind each exactly once. When nothing is due it costs two indexed queries.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, not_, select, update
from sqlalchemy.orm import aliased

from config import settings
from marketplace.audit.service import record
from marketplace.meals.models import MealPermit, MealStore, PermitStatus, StoreStatus
from marketplace.meals.stores import KINDS, PERMIT_EXPIRED, resync
from marketplace.notifications.service import notify
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.referrals.dispatch import staff_of

P, S = PermitStatus, StoreStatus
EXPIRED = _l("its business licence or food business permit has expired. Upload the new one; the store opens "
             "again once it is checked.")


def _in_date(kind: str, day: date):
    """SQL: the store holds a verified permit of `kind` in date on `day`."""
    return exists().where(MealPermit.store_id == MealStore.id, MealPermit.kind == kind,
                          MealPermit.status == P.VERIFIED, MealPermit.expires_on >= day)


def _lacking(day: date):
    """SQL: the store lacks a verified licence or hygiene permit in date on `day`."""
    return not_(and_(*(_in_date(kind, day) for kind in KINDS)))


def pause_expired(today: date | None = None) -> int:
    """Pause every open store whose permits are no longer in date; tell its firm's staff. Return how many."""
    today = today or local_today()
    ids = list(db.session.scalars(select(MealStore.id).where(MealStore.status == S.OPEN, _lacking(today))
                                  .order_by(MealStore.id)))
    db.session.rollback()  # end the read: each store is moved in its own transaction
    return sum(_pause(store_id, today) for store_id in ids)


def _pause(store_id: int, today: date) -> int:
    with force_locale(settings.BABEL_DEFAULT_LOCALE):
        why = str(EXPIRED)
    moved = MealStore.machine.move_if(store_id, S.OPEN, S.PAUSED, why=PERMIT_EXPIRED, pause_reason=why,
                                      conditions=(_lacking(today),), sync=False)
    if not moved:  # another run paused it, or it changed meanwhile
        db.session.rollback()
        return 0
    store = db.session.get(MealStore, store_id)
    db.session.refresh(store)
    resync(store)
    record("meals.store_paused_expired", subject=store)
    for person in staff_of(store.organisation_id):
        with force_locale(person.locale or settings.BABEL_DEFAULT_LOCALE):
            reason = str(EXPIRED)
        notify(person, "meals_store_paused", link=("meals.store", {"meal_store_id": store.id}), store=store.name,
               reason=reason)
    db.session.commit()
    return 1


def remind_expiring(today: date | None = None) -> int:
    """Remind the firm's staff once about each verified permit expiring within MEALS_PERMIT_REMIND_DAYS
    that no later verified permit of its kind replaces. Return how many permits were reminded of."""
    today = today or local_today()
    newer = aliased(MealPermit)
    replaced = exists().where(newer.store_id == MealPermit.store_id, newer.kind == MealPermit.kind,
                              newer.status == P.VERIFIED, newer.expires_on > MealPermit.expires_on)
    ids = list(db.session.scalars(select(MealPermit.id).join(MealStore, MealStore.id == MealPermit.store_id).where(
        MealPermit.status == P.VERIFIED, MealPermit.reminded_on.is_(None), MealPermit.expires_on >= today,
        MealPermit.expires_on <= today + timedelta(days=settings.MEALS_PERMIT_REMIND_DAYS),
        MealStore.status != S.CLOSED, not_(replaced)).order_by(MealPermit.id)))
    db.session.rollback()
    return sum(_remind(permit_id, today) for permit_id in ids)


def _remind(permit_id: int, today: date) -> int:
    claimed = db.session.execute(update(MealPermit).where(MealPermit.id == permit_id, MealPermit.reminded_on.is_(None))
                                 .values(reminded_on=today).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        db.session.rollback()
        return 0
    permit = db.session.get(MealPermit, permit_id)
    db.session.refresh(permit)
    store = permit.store
    for person in staff_of(store.organisation_id):
        notify(person, "meals_permit_expiring", link=("meals.store", {"meal_store_id": store.id}), store=store.name,
               day=permit.expires_on.isoformat())
    record("meals.permit_reminded", subject=store, permit_id=permit.id)
    db.session.commit()
    return 1


def sweep(today: date | None = None) -> int:
    """The daily sweep (and the worker's round): remind of permits about to expire, pause stores whose
    permits expired. Return how many stores and permits it handled."""
    return remind_expiring(today) + pause_expired(today)
