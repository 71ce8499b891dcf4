"""A store's meals on a day: what is offered (the agreement in force, unless the store or the day is paused),
the counter reservations take from, and where the serving windows put a moment.

`open_day` makes the day's counter once (racing callers get the same row); `take` and `give_back` move it
with guarded UPDATEs, so the day's quota is never passed however many people reserve at once.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import case, select, update
from sqlalchemy.exc import IntegrityError

from marketplace.meals.models import MealDay, MealPause, MealQuota, MealStore, StoreStatus
from marketplace.platform.extensions import db
from marketplace.platform.sqlite import savepoint
from marketplace.platform.timeutil import day_start, local_date, now_utc, site_zone

BEFORE, SERVING, AFTER = "before", "serving", "after"


def quota_on(store: MealStore | int, day: date) -> MealQuota | None:
    """Return the quota agreement in force at the store on `day` (the latest made, if several overlap)."""
    store_id = store if isinstance(store, int) else store.id
    return db.session.scalar(select(MealQuota).where(
        MealQuota.store_id == store_id, MealQuota.starts_on <= day, MealQuota.ends_on >= day)
        .order_by(MealQuota.id.desc()).limit(1))


def is_paused(store: MealStore | int, day: date) -> bool:
    store_id = store if isinstance(store, int) else store.id
    return db.session.scalar(select(MealPause.id).where(MealPause.store_id == store_id, MealPause.day == day)) \
        is not None


def offered_on(store: MealStore, day: date) -> tuple[MealQuota | None, int]:
    """Return the agreement and the meals the store offers on `day`: none unless it is open and not paused."""
    quota = quota_on(store, day)
    if quota is None or store.status != StoreStatus.OPEN.value or is_paused(store, day):
        return quota, 0
    return quota, quota.meals_per_day


def get_day(store_id: int, day: date) -> MealDay | None:
    return db.session.scalar(select(MealDay).where(MealDay.store_id == store_id, MealDay.day == day))


def open_day(store: MealStore, day: date) -> MealDay:
    """Return the store's counter for `day`, making it from what is offered if there is none yet (flushed)."""
    found = get_day(store.id, day)
    if found is not None:
        return found
    # wait for a change of the store's agreement, pauses or state that is being made (they lock the store and
    # then resync its counters), and read the store as it is after it
    store = db.session.scalar(select(MealStore).where(MealStore.id == store.id).with_for_update(read=True)
                              .execution_options(populate_existing=True))
    quota, offered = offered_on(store, day)
    try:
        with savepoint():
            found = MealDay(store_id=store.id, organisation_id=store.organisation_id, day=day,
                            quota_id=quota.id if quota else None, offered=offered,
                            value_fen=quota.value_fen if quota else 0)
            db.session.add(found)
            db.session.flush()
    except IntegrityError:  # made at the same moment by another request
        found = get_day(store.id, day)
        if found is None:
            raise
    return found


def resync_day(store: MealStore, day: date) -> MealDay | None:
    """Set an existing counter's offer again after the agreement, a pause or the store's state changed;
    never below what is already taken (those meals stay promised). Flushes."""
    found = get_day(store.id, day)
    if found is None:
        return None
    quota, offered = offered_on(store, day)
    db.session.execute(update(MealDay).where(MealDay.id == found.id).values(
        offered=case((MealDay.taken > offered, MealDay.taken), else_=offered),
        quota_id=quota.id if quota else None, value_fen=quota.value_fen if quota else found.value_fen)
        .execution_options(synchronize_session="fetch"))
    return found


def take(day_id: int) -> bool:
    """Take one meal from the day's counter if one is left, in one guarded UPDATE; tell whether it was taken."""
    return db.session.execute(update(MealDay).where(MealDay.id == day_id, MealDay.taken < MealDay.offered)
                              .values(taken=MealDay.taken + 1)
                              .execution_options(synchronize_session=False)).rowcount == 1


def give_back(day_id: int) -> None:
    """Give a reserved meal back to the day's counter (a cancellation)."""
    db.session.execute(update(MealDay).where(MealDay.id == day_id, MealDay.taken > MealDay.served)
                       .values(taken=MealDay.taken - 1).execution_options(synchronize_session=False))


def serve(day_id: int) -> None:
    """Count one taken meal as served (a redemption)."""
    db.session.execute(update(MealDay).where(MealDay.id == day_id, MealDay.served < MealDay.taken)
                       .values(served=MealDay.served + 1).execution_options(synchronize_session=False))


def hm(minutes: int) -> str:
    """Write minutes after midnight as a time of day, 11:30 (24:00 for the day's end)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def minute_of_day(moment: datetime) -> int:
    local = moment.astimezone(site_zone())
    return local.hour * 60 + local.minute


def window_state(store: MealStore, day: date, at: datetime | None = None) -> str:
    """Tell where `at` (now) falls against the store's serving windows on `day`: before, serving or after.

    A store without windows serves all day.
    """
    at = at or now_utc()
    today = local_date(at)
    if day > today:
        return BEFORE
    if day < today:
        return AFTER
    minute = minute_of_day(at)
    windows = store.windows or []
    if not windows:
        return SERVING
    if any(w.opens_at <= minute < w.closes_at for w in windows):
        return SERVING
    return AFTER if minute >= max(w.closes_at for w in windows) else BEFORE


def last_close(store: MealStore, day: date) -> datetime:
    """Return when the store's last window closes on `day` (the end of the day when it has none)."""
    closes = max((w.closes_at for w in store.windows), default=24 * 60)
    return day_start(day) + timedelta(minutes=closes)


def is_over(store: MealStore, at: datetime | None = None) -> bool:
    """Tell whether the store's last window today has closed (nothing more can be taken today)."""
    at = at or now_utc()
    return at >= last_close(store, local_date(at))
