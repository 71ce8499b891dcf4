"""Reserve meals: the free ones with a phone only, then a verified statement of need; one a day; cancelling."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.meals import people, reservations
from marketplace.meals.models import MealReservation
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.people_fixtures import confirmed, firm, move_to_past, open_store, person, store  # noqa: F401

TOMORROW = timedelta(days=1)


def test_a_phone_person_takes_three_meals_then_needs_a_verified_account(store, person):  # noqa: F811
    for n in range(3):
        r = reservations.reserve(person, store.id, local_today())
        assert r.status == "reserved" and len(r.code) == 6
        move_to_past(r, n + 1)
    with pytest.raises(Conflict, match="My need for meals"):
        reservations.reserve(person, store.id, local_today())


def test_an_account_reserves_past_the_free_meals_once_its_statement_is_verified(app, store, create_user):  # noqa: F811
    user, checker = create_user(), create_user(admin=True)
    me = people.tie(confirmed("13700000001"), user)
    for n in range(3):
        move_to_past(reservations.reserve(me, store.id, local_today()), n + 1)
    with pytest.raises(Conflict):
        reservations.reserve(me, store.id, local_today())
    found = people.submit(user, "graduate", "毕业三个月还在找工作", 1)
    people.verify(checker, found.id)
    assert found.valid_until > local_today()
    assert reservations.reserve(me, store.id, local_today()).status == "reserved"


def test_a_person_holds_one_meal_a_day_at_any_store(firm, store, person):  # noqa: F811
    other = open_store(firm, name="第二家")
    reservations.reserve(person, store.id, local_today())
    with pytest.raises(Conflict, match="already have a meal"):
        reservations.reserve(person, other.id, local_today())
    assert reservations.reserve(person, other.id, local_today() + TOMORROW).status == "reserved"


def test_only_today_or_tomorrow_can_be_reserved(store, person):  # noqa: F811
    for day in (local_today() - TOMORROW, local_today() + 2 * TOMORROW, "not a day"):
        with pytest.raises(InvalidInput):
            reservations.reserve(person, store.id, day)


def test_cancelling_frees_the_meal_for_someone_else(firm):  # noqa: F811
    small = open_store(firm, meals=1)
    first, second = confirmed("13900000001"), confirmed("13900000002")
    held = reservations.reserve(first, small.id, local_today())
    with pytest.raises(Conflict, match="No meals are left"):
        reservations.reserve(second, small.id, local_today())
    assert reservations.cancel(held.token).status == "cancelled"
    assert db.session.get(type(first), first.id).meals_taken == 0
    assert reservations.reserve(second, small.id, local_today()).status == "reserved"
    with pytest.raises(Conflict):
        reservations.cancel(held.token)


def test_the_expire_sweep_ends_past_reservations_and_the_anonymise_sweep_forgets_whose(store, person):  # noqa: F811
    from marketplace.meals.person_sweeps import sweep

    r = reservations.reserve(person, store.id, local_today())
    move_to_past(r, 40)
    assert sweep() == 2
    db.session.expire_all()
    r = db.session.get(MealReservation, r.id)
    assert r.status == "expired" and r.person_id is None and r.anonymised_at is not None


def test_today_can_be_reserved_only_until_the_last_window_closes(firm, person):  # noqa: F811
    early = open_store(firm, windows=[(0, 1)], name="早餐店")  # closes at 00:01, site time
    with pytest.raises(Conflict, match="over"):
        reservations.reserve(person, early.id, local_today())
    assert reservations.reserve(person, early.id, local_today() + TOMORROW).status == "reserved"


def test_a_phone_and_the_account_it_is_tied_to_are_one_person(store, create_user):  # noqa: F811
    phone = confirmed("13700000002")
    for n in range(3):
        move_to_past(reservations.reserve(phone, store.id, local_today()), n + 1)
    user = create_user()
    me = people.tie(phone, user)
    assert people.person_of(user).id == phone.id
    with pytest.raises(Conflict, match="My need for meals"):  # no three more free meals for logging in
        reservations.reserve(me, store.id, local_today())
    with pytest.raises(Conflict, match="another account"):
        people.tie(phone, create_user())
    with pytest.raises(Conflict, match="another mobile number"):
        people.tie(confirmed("13700000003"), user)
