"""The firm's store pages: registering with clear errors, uploading a permit, the platform's checks, the
poster, the private permit file; and a store's pages show counts only, never who took a meal."""
from __future__ import annotations

import io
from datetime import timedelta

from marketplace.meals import days, quotas
from marketplace.meals.models import MealPerson, MealReservation, MealStore
from marketplace.meals.permits import permits_of
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.files import pdf_bytes
from tests.meals.stores_helpers import firm_with_staff, register
from tests.meals.world_stores import open_store


def test_registering_keeps_what_was_typed_and_says_what_is_wrong(client, auth, create_user, create_org):
    firm, boss, _server, _checker = firm_with_staff(create_user, create_org)
    auth.login(boss.email)
    assert "Register a store or base" in client.get("/meals/stores").get_data(as_text=True)
    form = {"firm_id": str(firm.id), "kind": "restaurant", "name": "好味快餐", "address": "福田区福华三路88号",
            "district_id": "1", "windows": "13:30-11:00"}
    response = auth.post("/meals/stores/new", form, form_page="/meals/stores/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "ends before it starts" in page and 'value="福田区福华三路88号"' in page
    response = auth.post("/meals/stores/new", form | {"windows": "11:00-13:30"}, form_page="/meals/stores/new")
    assert response.status_code == 302
    store = db.session.scalar(db.select(MealStore).where(MealStore.organisation_id == firm.id))
    assert store.status == "pending" and "Waiting for checks" in client.get(response.location).get_data(as_text=True)


def test_a_permit_is_uploaded_checked_and_kept_private(client, auth, create_user, create_org):
    firm, boss, server, checker = firm_with_staff(create_user, create_org)
    store = register(firm, boss)
    auth.login(boss.email)
    page = f"/meals/stores/{store.id}/permits/new"
    bad = auth.post(page, {"kind": "licence", "number": "91440300", "expires_on": "2020-01-01",
                           "upload": (io.BytesIO(pdf_bytes()), "p.pdf")}, form_page=page)
    assert bad.status_code == 422 and "already expired" in bad.get_data(as_text=True)
    expires = (local_today() + timedelta(days=300)).isoformat()
    good = auth.post(page, {"kind": "licence", "number": "91440300", "expires_on": expires,
                            "upload": (io.BytesIO(pdf_bytes()), "p.pdf")}, form_page=page)
    assert good.status_code == 302
    permit_id = store_permits(store)[0]
    assert client.get(f"/meals/permits/{permit_id}/file").mimetype == "application/pdf"
    auth.logout()
    auth.login(server.email)  # a member serving at the counter does not read the firm's papers
    assert client.get(f"/meals/permits/{permit_id}/file").status_code == 404
    auth.logout()
    auth.login(checker.email)
    assert f"/meals/review/permits/{permit_id}" in client.get("/meals/review").get_data(as_text=True)
    review = f"/meals/review/permits/{permit_id}"
    assert auth.post(review + "/verify", form_page=review).status_code == 302
    assert "Verified" in client.get(f"/meals/stores/{store.id}/manage").get_data(as_text=True)


def store_permits(store) -> list[int]:
    return [p.id for p in permits_of(store)]


def test_the_poster_shows_the_store_and_a_qr_code_of_its_walk_in_page(client, auth, create_user, create_org):
    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    store, _ = open_store(firm, boss, checker)
    auth.login(boss.email)
    page = client.get(f"/meals/stores/{store.id}/poster").get_data(as_text=True)
    assert store.name in page and "<svg" in page and f"/meals/walk-in/{store.poster_token}" in page


def test_store_pages_show_counts_never_who_took_a_meal(client, auth, create_user, create_org):
    firm, boss, _server, checker = firm_with_staff(create_user, create_org)
    store, _ = open_store(firm, boss, checker)
    quotas.add_quota(boss, store.id, meals_per_day=30, contents="一荤两素一汤", value_fen=1500,
                     starts_on=local_today(), ends_on=local_today() + timedelta(days=30))
    eater = create_user(display_name="PRIVATE-求职小李", email="private-eater@example.org")
    person = MealPerson(key="f" * 64, user_id=eater.id, meals_taken=2)
    db.session.add(person)
    counter = days.open_day(store, local_today())
    for _ in range(2):
        assert days.take(counter.id)
    days.serve(counter.id)
    db.session.flush()
    shown = []
    for _ in range(2):
        reservation = MealReservation(store_id=store.id, day=local_today(), meal_day_id=counter.id,
                                      person_id=person.id)
        MealReservation.machine.start(reservation, "reserved")
        db.session.flush()
        shown += [reservation.code, reservation.token]
    db.session.commit()
    auth.login(boss.email)
    for path in ("/meals/stores", f"/meals/stores/{store.id}/manage", f"/meals/stores/{store.id}/poster"):
        page = client.get(path).get_data(as_text=True)
        for secret in ["PRIVATE-求职小李", "private-eater@example.org", person.key, *shown]:
            assert secret not in page, (path, secret)
    page = client.get(f"/meals/stores/{store.id}/manage").get_data(as_text=True)
    assert '<dd data-count="offered">30</dd>' in page and '<dd data-count="reserved">1</dd>' in page
    assert '<dd data-count="served">1</dd>' in page
