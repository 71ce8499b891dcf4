"""A restaurant's quota agreements (how many meals a day, what one holds and is worth, from when to when) and
the days its firm pauses ahead of time. After each change today's and tomorrow's counters are set again,
never below what is already taken.
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.meals.access import get_store
from marketplace.meals.models import MealPause, MealQuota, MealStore, StoreKind, StoreStatus
from marketplace.meals.stores import locked, resync
from marketplace.platform.checks import text_field
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today

MAX_MEALS = 10_000
MAX_VALUE_FEN = 100_000  # ¥1,000 a meal
LONGEST_AGREEMENT_DAYS = 3 * 366


def quotas_of(store: MealStore) -> list[MealQuota]:
    return list(db.session.scalars(select(MealQuota).where(MealQuota.store_id == store.id)
                                   .order_by(MealQuota.starts_on.desc())))


def pauses_of(store: MealStore, since: date | None = None) -> list[MealPause]:
    since = since or local_today()
    return list(db.session.scalars(select(MealPause).where(MealPause.store_id == store.id, MealPause.day >= since)
                                   .order_by(MealPause.day)))


def _restaurant(actor: User, store_id) -> MealStore:
    store = locked(actor, store_id)
    if store.status == StoreStatus.CLOSED:
        raise Conflict(_l("This store is closed."))
    if store.kind != StoreKind.RESTAURANT:
        raise Conflict(_l("Only a restaurant serves meals by agreement; a base hands out its stock."))
    return store


def add_quota(actor: User, store_id, *, meals_per_day, contents, value_fen, starts_on, ends_on) -> MealQuota:
    """Agree how many meals a restaurant gives each day between two dates (not overlapping another of its
    agreements, not starting in the past). Commit."""
    errors: dict = {}
    if type(meals_per_day) is not int or not 0 < meals_per_day <= MAX_MEALS:
        errors["meals_per_day"] = [_l("Enter a whole number of meals from 1 to %(n)d.", n=MAX_MEALS)]
    contents = text_field(errors, "contents", contents, 300)
    if type(value_fen) is not int or not 0 <= value_fen <= MAX_VALUE_FEN:
        errors["value"] = [_l("Enter a meal's value in yuan, for example 15 or 15.50 (at most ¥1,000).")]
    if not isinstance(starts_on, date):
        errors["starts_on"] = [_l("Enter the first day, such as 2027-01-01.")]
    elif starts_on < local_today():
        errors["starts_on"] = [_l("The first day cannot be in the past.")]
    if not isinstance(ends_on, date):
        errors["ends_on"] = [_l("Enter the last day, such as 2027-12-31.")]
    elif isinstance(starts_on, date) and ends_on < starts_on:
        errors["ends_on"] = [_l("The last day cannot be before the first day.")]
    elif isinstance(starts_on, date) and (ends_on - starts_on).days > LONGEST_AGREEMENT_DAYS:
        errors["ends_on"] = [_l("An agreement lasts at most three years.")]
    if errors:
        raise InvalidInput(fields=errors)
    store = _restaurant(actor, store_id)
    clash = db.session.scalar(select(MealQuota).where(
        MealQuota.store_id == store.id, MealQuota.starts_on <= ends_on, MealQuota.ends_on >= starts_on).limit(1))
    if clash is not None:
        raise InvalidInput(fields={"starts_on": [_l(
            "These days overlap the agreement from %(start)s to %(end)s. Choose other days, or end that one "
            "first.", start=clash.starts_on.isoformat(), end=clash.ends_on.isoformat())]})
    quota = MealQuota(store_id=store.id, meals_per_day=meals_per_day, contents=contents, value_fen=value_fen,
                      starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id)
    db.session.add(quota)
    db.session.flush()
    resync(store)
    record("meals.quota_added", actor=actor, subject=store, quota_id=quota.id)
    db.session.commit()
    return quota


def end_quota(actor: User, quota_id) -> MealQuota | None:
    """End an agreement early: one not started yet is removed; one running ends after tomorrow (days already
    promised keep their meals). Commit; return the agreement, or None when removed."""
    quota = db.session.get(MealQuota, as_id(quota_id)) if as_id(quota_id) else None
    if quota is None:
        raise NotFound()
    store = _restaurant(actor, quota.store_id)
    today = local_today()
    last = today + timedelta(days=settings.MEALS_PAUSE_NOTICE_DAYS)
    if quota.ends_on <= last:
        raise Conflict(_l("This agreement already ends by %(day)s.", day=quota.ends_on.isoformat()))
    if quota.starts_on > last:
        record("meals.quota_removed", actor=actor, subject=store, quota_id=quota.id)
        db.session.delete(quota)
        quota = None
    else:
        quota.ends_on = last
        record("meals.quota_ended", actor=actor, subject=store, quota_id=quota.id)
    db.session.flush()
    resync(store)
    db.session.commit()
    return quota


def _pausable(day) -> None:
    first = local_today() + timedelta(days=settings.MEALS_PAUSE_NOTICE_DAYS)
    if not isinstance(day, date):
        raise InvalidInput(fields={"day": [_l("Enter the day, such as 2027-01-01.")]})
    if day < first:
        raise InvalidInput(fields={"day": [_l(
            "Days are paused ahead of time: choose %(day)s or later, so nobody who reserved is turned away.",
            day=first.isoformat())]})
    if day > local_today() + timedelta(days=366):
        raise InvalidInput(fields={"day": [_l("Choose a day within the next year.")]})


def pause_day(actor: User, store_id, *, day, reason="") -> MealPause:
    """Mark a day the restaurant will not serve, at least MEALS_PAUSE_NOTICE_DAYS ahead. Commit."""
    errors: dict = {}
    reason = text_field(errors, "reason", reason, 300, False)
    if errors:
        raise InvalidInput(fields=errors)
    _pausable(day)
    store = _restaurant(actor, store_id)
    if db.session.scalar(select(MealPause.id).where(MealPause.store_id == store.id, MealPause.day == day)):
        raise Conflict(_l("This day is already paused."))
    pause = MealPause(store_id=store.id, day=day, reason=reason, created_by_id=actor.id)
    db.session.add(pause)
    db.session.flush()
    resync(store)
    record("meals.day_paused", actor=actor, subject=store, day=day.isoformat())
    db.session.commit()
    return pause


def unpause_day(actor: User, pause_id) -> None:
    """Serve again on a paused day (not one already begun). Commit."""
    pause = db.session.get(MealPause, as_id(pause_id)) if as_id(pause_id) else None
    if pause is None:
        raise NotFound()
    store = _restaurant(actor, pause.store_id)
    if pause.day <= local_today():
        raise Conflict(_l("This day has already begun; it stays paused."))
    record("meals.day_unpaused", actor=actor, subject=store, day=pause.day.isoformat())
    db.session.delete(pause)
    db.session.flush()
    resync(store)
    db.session.commit()


def quota_store(actor: User, quota_id) -> MealStore:
    """Return the store of an agreement, if the actor runs it; NotFound otherwise."""
    quota = db.session.get(MealQuota, as_id(quota_id)) if as_id(quota_id) else None
    if quota is None:
        raise NotFound()
    return get_store(actor, quota.store_id)


def paused_store(actor: User, pause_id) -> MealStore:
    """Return the store of a paused day, if the actor runs it; NotFound otherwise."""
    pause = db.session.get(MealPause, as_id(pause_id)) if as_id(pause_id) else None
    if pause is None:
        raise NotFound()
    return get_store(actor, pause.store_id)
