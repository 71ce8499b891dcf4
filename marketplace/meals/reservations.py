"""People's meals: reserving one at an open restaurant for today or tomorrow, a walk-in from the store's poster,
a blind box at a base, cancelling, a thank-you afterwards, and the sweeps that expire and anonymise them.

Per person, the rules (one a day, free meals, then a verified statement of need) are checked while the
person's row is locked FOR UPDATE: a person racing themselves waits for their own first request. The day's
meals are taken with guarded UPDATEs (`days.take`), so the quota is never passed. A deadlock or serialization
failure (a walk-in's ledger posting, say) is retried a few times (`transactions.retried`).
"""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from config import settings
from marketplace.auth.models import User
from marketplace.meals import days
from marketplace.meals.models import (
    Channel,
    MealPerson,
    MealReservation,
    MealStockItem,
    MealStore,
    MealThanks,
    ReservationStatus,
    StoreKind,
    StoreStatus,
    new_short_code,
)
from marketplace.meals.people import verified_statement
from marketplace.notifications.service import notify
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.platform.transactions import retried
from marketplace.referrals.dispatch import staff_of

R = ReservationStatus
HELD = (R.RESERVED.value, R.REDEEMED.value)
THANKS_MAX = 500


def _store(store_id, kind: StoreKind) -> MealStore:
    store = db.session.get(MealStore, as_id(store_id)) if as_id(store_id) else None
    if store is None or store.kind != kind.value or store.status == StoreStatus.PENDING.value:
        raise NotFound()
    if store.status != StoreStatus.OPEN.value:
        raise Conflict(_l("This place is not giving out meals at the moment."))
    return store


def _day(value) -> date:
    today = local_today()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, date) or value not in (today, today + timedelta(days=1)):
        raise InvalidInput(fields={"day": [_l("You can reserve for today or tomorrow only.")]})
    return value


def lock_person(person: MealPerson | int) -> MealPerson:
    """Return the person's row locked FOR UPDATE for the rest of the transaction (fresh values).

    A FOR KEY SHARE lock would not do: two requests of one person could both hold it and both count no meal yet
    (tests/meals/test_people_race.py fails with one).
    """
    person_id = person if isinstance(person, int) else person.id
    found = db.session.scalar(select(MealPerson).where(MealPerson.id == person_id).with_for_update()
                              .execution_options(populate_existing=True))
    if found is None:
        raise NotFound()
    return found


def held_on(person_id: int, day: date) -> int:
    """Count the person's meals and boxes reserved or collected on `day`."""
    return db.session.scalar(select(func.count()).select_from(MealReservation).where(
        MealReservation.person_id == person_id, MealReservation.day == day,
        MealReservation.status.in_(HELD))) or 0


def check_person(person: MealPerson, day: date) -> None:
    """Refuse a meal past the person's daily limit, or past the free meals without a verified statement.

    Call with the person's row locked (`lock_person`).
    """
    if held_on(person.id, day) >= settings.MEALS_PER_PERSON_PER_DAY:
        raise Conflict(_l("You already have a meal for that day. One person can take %(n)s a day.",
                          n=settings.MEALS_PER_PERSON_PER_DAY))
    if person.meals_taken < settings.MEALS_FREE_MEALS:
        return
    user = db.session.get(User, person.user_id) if person.user_id else None
    if verified_statement(user) is None:
        raise Conflict(_l(
            "You have had your %(n)s meals with a phone number only. For more, log in to your account, fill in "
            "“My need for meals” and wait for a social worker to check it; then you can reserve again.",
            n=settings.MEALS_FREE_MEALS))


def _free_code(day: date) -> str:
    """Return a short code no reservation of `day` has (at city scale a random one sometimes would)."""
    while True:
        code = new_short_code()
        if db.session.scalar(select(MealReservation.id).where(MealReservation.day == day,
                                                              MealReservation.code == code)) is None:
            return code


def _start(store: MealStore, person: MealPerson, day: date, state: R, **values) -> MealReservation:
    reservation = MealReservation(store_id=store.id, day=day, person_id=person.id, code=_free_code(day), **values)
    MealReservation.machine.start(reservation, state, why="person")
    db.session.add(reservation)
    person.meals_taken += 1
    db.session.flush()
    return reservation


def _take_meal(store: MealStore, day: date) -> int:
    meal_day = days.open_day(store, day)
    if not days.take(meal_day.id):
        raise Conflict(_l("No meals are left at this store on that day. Try another store or another day."))
    return meal_day.id


@retried
def reserve(person: MealPerson, store_id, day) -> MealReservation:
    """Reserve a meal at an open restaurant for today (until its last window closes) or tomorrow. Commit.

    :raise InvalidInput: a day other than today or tomorrow. :raise Conflict: a rule refuses, or none left.
    """
    store = _store(store_id, StoreKind.RESTAURANT)
    day = _day(day)
    if day == local_today() and days.is_over(store):
        raise Conflict(_l("Today's meals at this store are over. You can reserve for tomorrow."))
    person = lock_person(person)
    check_person(person, day)
    meal_day_id = _take_meal(store, day)
    reservation = _start(store, person, day, R.RESERVED, meal_day_id=meal_day_id, channel=Channel.ONLINE.value)
    db.session.commit()
    return reservation


@retried
def walk_in(person: MealPerson, poster_token) -> MealReservation:
    """Take one of today's meals on the spot from the store's poster, during a serving window, as a reservation
    for now: the person shows its code at the counter, which serves it (and only then is it counted). Commit.

    :raise NotFound: no such poster. :raise Conflict: not serving now, a rule refuses, or none left.
    """
    if not isinstance(poster_token, str) or not 16 <= len(poster_token) <= 40:
        raise NotFound()
    store_id = db.session.scalar(select(MealStore.id).where(MealStore.poster_token == poster_token))
    if store_id is None:
        raise NotFound()
    store = _store(store_id, StoreKind.RESTAURANT)
    day, now = local_today(), now_utc()
    if days.window_state(store, day, now) != days.SERVING:
        raise Conflict(_l("The store is not serving right now. Come back during its serving times."))
    person = lock_person(person)
    check_person(person, day)
    meal_day_id = _take_meal(store, day)
    reservation = _start(store, person, day, R.RESERVED, meal_day_id=meal_day_id, channel=Channel.WALK_IN.value)
    db.session.commit()
    return reservation


@retried
def reserve_box(person: MealPerson, base_id, stock_item_id) -> MealReservation:
    """Reserve one blind box of a base's stock item for today. Commit.

    :raise NotFound: no such base or item. :raise Conflict: a rule refuses, or none left.
    """
    store = _store(base_id, StoreKind.BASE)
    item = db.session.get(MealStockItem, as_id(stock_item_id)) if as_id(stock_item_id) else None
    if item is None or item.store_id != store.id or not item.is_active:
        raise InvalidInput(fields={"stock_item_id": [_l("Choose one of the boxes on offer.")]})
    day = local_today()
    if days.is_over(store):
        raise Conflict(_l("The base has closed for today. You can reserve a box tomorrow."))
    person = lock_person(person)
    check_person(person, day)
    taken = db.session.execute(update(MealStockItem).where(MealStockItem.id == item.id, MealStockItem.quantity > 0)
                               .values(quantity=MealStockItem.quantity - 1)
                               .execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise Conflict(_l("No boxes of this kind are left. Try another one or come back later."))
    reservation = _start(store, person, day, R.RESERVED, stock_item_id=item.id, channel=Channel.ONLINE.value)
    db.session.commit()
    return reservation


def by_token(token) -> MealReservation:
    """Return the reservation this secret link names. :raise NotFound: none."""
    if not isinstance(token, str) or not 16 <= len(token) <= 40:
        raise NotFound()
    found = db.session.scalar(select(MealReservation).where(MealReservation.token == token))
    if found is None:
        raise NotFound()
    return found


@retried
def cancel(token) -> MealReservation:
    """Free a reserved meal or box for someone else (only while reserved). Commit. :raise Conflict: too late."""
    reservation = by_token(token)
    if reservation.person_id is not None:
        lock_person(reservation.person_id)  # the same lock order as reserving: person, then the day's counter
    if not MealReservation.machine.move_if(reservation.id, R.RESERVED, R.CANCELLED, why="person"):
        db.session.rollback()
        raise Conflict(_l("This meal can no longer be cancelled."))
    _give_back(reservation)
    if reservation.person_id is not None:
        db.session.execute(update(MealPerson).where(MealPerson.id == reservation.person_id,
                                                    MealPerson.meals_taken > 0)
                           .values(meals_taken=MealPerson.meals_taken - 1)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    db.session.refresh(reservation)
    return reservation


def _give_back(reservation: MealReservation) -> None:
    if reservation.meal_day_id is not None:
        days.give_back(reservation.meal_day_id)
    elif reservation.stock_item_id is not None:
        db.session.execute(update(MealStockItem).where(MealStockItem.id == reservation.stock_item_id)
                           .values(quantity=MealStockItem.quantity + 1).execution_options(synchronize_session=False))


def thank(token, text) -> MealThanks:
    """Leave one anonymous thank-you to the firm after a collected meal (the store and day only). Commit."""
    text = (text or "").strip() if isinstance(text, str) else ""
    if not text or len(text) > THANKS_MAX:
        raise InvalidInput(fields={"text": [_l("Write a few words, under %(n)s characters.", n=THANKS_MAX)]})
    reservation = by_token(token)
    if reservation.status != R.REDEEMED.value:
        raise Conflict(_l("You can say thank you once the meal is collected."))
    marked = db.session.execute(update(MealReservation).where(MealReservation.id == reservation.id,
                                                              MealReservation.is_thanked.is_(False))
                                .values(is_thanked=True).execution_options(synchronize_session=False)).rowcount
    if marked != 1:
        db.session.rollback()
        raise Conflict(_l("You have already said thank you for this meal."))
    store = reservation.store
    thanks = MealThanks(organisation_id=store.organisation_id, store_id=store.id, text=text,
                        created_on=reservation.day)
    db.session.add(thanks)
    for user in staff_of(store.organisation_id):  # read on the firm's points page, with the other notes
        notify(user, "meals_thanks", link=("meals.points_page", {"points_firm_id": store.organisation_id}),
               store=store.name, text=text)
    db.session.commit()
    return thanks


def current_of(person_id: int | None) -> list[MealReservation]:
    """Return the person's reservations from yesterday on, newest first (what `/meals/mine` shows)."""
    if person_id is None:
        return []
    return list(db.session.scalars(select(MealReservation).where(
        MealReservation.person_id == person_id, MealReservation.day >= local_today() - timedelta(days=1))
        .order_by(MealReservation.day.desc(), MealReservation.id.desc())))


def expire_sweep() -> int:
    """Move reservations of past days still not collected to EXPIRED (boxes go back to stock); return how many."""
    ids = MealReservation.machine.move_all((MealReservation.day < local_today(),), R.RESERVED, R.EXPIRED,
                                           why="sweep")
    boxes = list(db.session.scalars(select(MealReservation.stock_item_id).where(
        MealReservation.id.in_(ids), MealReservation.stock_item_id.is_not(None)))) if ids else []
    for item_id in boxes:
        db.session.execute(update(MealStockItem).where(MealStockItem.id == item_id)
                           .values(quantity=MealStockItem.quantity + 1).execution_options(synchronize_session=False))
    db.session.commit()
    return len(ids)


def anonymise_sweep() -> int:
    """Forget whose reservations older than MEALS_ANONYMISE_DAYS were; return how many."""
    before = local_today() - timedelta(days=settings.MEALS_ANONYMISE_DAYS)
    done = db.session.execute(update(MealReservation).where(
        MealReservation.day < before, MealReservation.anonymised_at.is_(None))
        .values(person_id=None, anonymised_at=now_utc()).execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return done
