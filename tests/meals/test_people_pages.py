"""People's pages: confirm a phone, reserve, show the code, cancel, walk in, take a box; statements of need."""
from __future__ import annotations

import re

from sqlalchemy import select

from marketplace.meals import finder, people, reservations
from marketplace.meals.models import MealEligibility, MealPause, MealPerson, MealReservation, StoreKind
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.meals.people_fixtures import add_box, confirmed, firm, move_to_past, open_store, store  # noqa: F401

NUMBER = "13800001111"


def _confirm_phone(auth, client, number=NUMBER):
    shown = auth.post("/meals/phone", {"phone": number}, form_page="/meals/phone")
    code = re.search(r'data-test-code="(\d{6})"', shown.text).group(1)
    return auth.post("/meals/phone/confirm", {"phone": number, "code": code}, form_page="/meals/phone/confirm")


def test_a_person_confirms_a_phone_reserves_and_shows_the_code(auth, client, store):  # noqa: F811
    assert store.name in client.get("/meals/").text
    answer = auth.post(f"/meals/stores/{store.id}/reserve", {"day": local_today().isoformat()},
                       form_page=f"/meals/stores/{store.id}")
    assert answer.headers["Location"].endswith("/meals/phone")
    assert _confirm_phone(auth, client).headers["Location"].endswith(f"/meals/stores/{store.id}")
    answer = auth.post(f"/meals/stores/{store.id}/reserve", {"day": local_today().isoformat()},
                       form_page=f"/meals/stores/{store.id}")
    token = answer.headers["Location"].rsplit("/", 1)[1]
    reservation = db.session.scalar(select(MealReservation).where(MealReservation.token == token))
    page = client.get(f"/meals/r/{token}").text
    assert "<svg" in page and reservation.code in page and store.address in page
    assert token in client.get("/meals/mine").text
    auth.post(f"/meals/r/{token}/cancel", form_page=f"/meals/r/{token}")
    db.session.refresh(reservation)
    assert reservation.status == "cancelled"


def test_a_refused_reservation_says_why_on_the_store_page(auth, client, store):  # noqa: F811
    _confirm_phone(auth, client)
    answer = auth.post(f"/meals/stores/{store.id}/reserve", {"day": "2001-01-01"},
                       form_page=f"/meals/stores/{store.id}", follow_redirects=True)
    assert "today or tomorrow" in answer.text


def test_a_wrong_code_keeps_the_number_and_says_so(auth, client):
    auth.post("/meals/phone", {"phone": NUMBER}, form_page="/meals/phone")
    answer = auth.post("/meals/phone/confirm", {"phone": NUMBER, "code": "000000"}, form_page="/meals/phone/confirm")
    assert answer.status_code == 422 and "not right" in answer.text and NUMBER in answer.text


def test_walk_in_and_blind_box_pages(auth, client, firm, store):  # noqa: F811
    _confirm_phone(auth, client)
    page = f"/meals/walk-in/{store.poster_token}"
    answer = auth.post(page, form_page=page)
    assert "/meals/r/" in answer.headers["Location"]
    base = open_store(firm, kind=StoreKind.BASE, name="青年驿站")
    item = add_box(base)
    assert item.name in client.get(f"/meals/bases/{base.id}").text
    answer = auth.post(f"/meals/bases/{base.id}/reserve", {"stock_item_id": str(item.id)},
                       form_page=f"/meals/bases/{base.id}", follow_redirects=True)
    assert "already have a meal" in answer.text


def test_a_statement_of_need_is_sent_and_checked(auth, client, create_user):
    user, checker = create_user(), create_user(admin=True)
    auth.login(user.email)
    auth.post("/meals/need", {"situation": "graduate", "district_id": "1", "statement": "还在找工作"},
              form_page="/meals/need")
    found = db.session.scalar(select(MealEligibility).where(MealEligibility.user_id == user.id))
    assert found.status == "submitted"
    assert client.get("/meals/checks").status_code == 403
    auth.logout()
    auth.login(checker.email)
    assert "还在找工作" in client.get("/meals/checks").text
    auth.post(f"/meals/checks/{found.id}/verify", form_page="/meals/checks")
    db.session.refresh(found)
    assert found.status == "verified" and found.valid_until is not None


def test_the_list_counts_meals_left_today_and_tomorrow(client, firm, store):  # noqa: F811
    paused = open_store(firm, meals=4, name="休息的店")
    db.session.add(MealPause(store_id=paused.id, day=local_today()))
    db.session.commit()
    reservations.reserve(confirmed("13700000001"), store.id, local_today())
    left = {o.store.id: (o.left_today, o.left_tomorrow) for o in finder.offers()}
    assert left[store.id] == (4, 5) and left[paused.id] == (0, 4)
    assert left == {o.store.id: (o.left_today, o.left_tomorrow) for o in map(finder.offer_of, (store, paused))}
    assert "Today: 4 left" in client.get("/meals/").text


def test_the_fourth_meal_waits_for_a_verified_account(auth, client, store, create_user):  # noqa: F811
    _confirm_phone(auth, client)
    reserve = f"/meals/stores/{store.id}/reserve"
    for n in range(3):
        answer = auth.post(reserve, {"day": local_today().isoformat()}, form_page=f"/meals/stores/{store.id}")
        token = answer.headers["Location"].rsplit("/", 1)[1]
        move_to_past(db.session.scalar(select(MealReservation).where(MealReservation.token == token)), n + 1)
    refused = auth.post(reserve, {"day": local_today().isoformat()}, form_page=f"/meals/stores/{store.id}",
                        follow_redirects=True)
    assert "My need for meals" in refused.text
    user, checker = create_user(), create_user(admin=True)
    auth.login(user.email)
    auth.post("/meals/need", {"situation": "intern", "district_id": "1", "statement": "实习没有工资"},
              form_page="/meals/need")
    people.verify(checker, db.session.scalar(select(MealEligibility.id).where(MealEligibility.user_id == user.id)))
    _confirm_phone(auth, client)  # the same phone, now tied to the account: its three meals still count
    me = db.session.scalar(select(MealPerson).where(MealPerson.user_id == user.id))
    assert me is not None and me.meals_taken == 3
    answer = auth.post(reserve, {"day": local_today().isoformat()}, form_page=f"/meals/stores/{store.id}")
    assert "/meals/r/" in answer.headers["Location"]
    other = create_user()
    auth.login(other.email)  # another account cannot take the same phone's meals as its own
    refused = _confirm_phone(auth, client)
    assert refused.status_code == 422 and "another account" in refused.text
