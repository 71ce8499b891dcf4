"""Phone codes: numbers are checked and never kept, codes expire and wrong tries are counted."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import String, cast, inspect, or_, select, update

from marketplace.meals import phones, reservations
from marketplace.meals.models import MealPhoneCode
from marketplace.platform.errors import InvalidInput, TooManyAttempts
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from tests.meals.people_fixtures import confirmed, firm, store  # noqa: F401

NUMBER = "13712345678"


def refused(call, *args, says: str):
    """Call and check it is refused with a field message containing `says`."""
    with pytest.raises(InvalidInput) as refusal:
        call(*args)
    assert says in " ".join(str(m) for ms in refusal.value.fields.values() for m in ms)


def test_numbers_are_normalised_and_wrong_ones_refused(app):
    assert phones.normalise("+86 137-1234-5678") == NUMBER == phones.normalise("１３７１２３４５６７８")
    assert phones.phone_key("137 1234 5678") == phones.phone_key(NUMBER)
    for bad in ("12345678901", "1371234567", "23712345678", "", None, "abc"):
        refused(phones.ask_code, bad, "192.0.2.1", says="11 digits")


def test_the_same_number_is_the_same_person(app):
    assert confirmed(NUMBER).id == confirmed("+86 " + NUMBER).id


def test_an_expired_code_is_refused(app):
    code = phones.ask_code(NUMBER, "192.0.2.1")
    db.session.execute(update(MealPhoneCode).values(expires_at=now_utc() - timedelta(seconds=1)))
    db.session.commit()
    refused(phones.confirm_code, NUMBER, code, says="expired")


def test_wrong_tries_are_counted_and_then_even_the_right_code_is_refused(app):
    code = phones.ask_code(NUMBER, "192.0.2.1")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(app.config["MEALS_CODE_ATTEMPTS"]):
        refused(phones.confirm_code, NUMBER, wrong, says="not right")
    refused(phones.confirm_code, NUMBER, code, says="Too many wrong tries")


def test_a_code_works_once(app):
    code = phones.ask_code(NUMBER, "192.0.2.1")
    phones.confirm_code(NUMBER, code)
    with pytest.raises(InvalidInput):
        phones.confirm_code(NUMBER, code)


def test_codes_asked_too_often_are_refused(app, monkeypatch):
    monkeypatch.setitem(app.config, "MEALS_CODE_LIMIT", "2 per 10 minutes")
    phones.ask_code(NUMBER, "192.0.2.1")
    phones.ask_code(NUMBER, "192.0.2.2")
    with pytest.raises(TooManyAttempts):
        phones.ask_code(NUMBER, "192.0.2.3")
    phones.ask_code("13712345679", "192.0.2.4")


def test_the_code_is_posted_to_the_sms_gateway_after_the_commit(app, httpserver, monkeypatch):
    httpserver.expect_request("/sms", method="POST").respond_with_data("ok")
    monkeypatch.setitem(app.config, "MEALS_SMS_URL", httpserver.url_for("/sms"))
    code = phones.ask_code(NUMBER, "192.0.2.1")
    sent = json.loads(httpserver.log[0][0].get_data())
    assert sent["phone"] == NUMBER and code in sent["text"]
    assert not phones.test_mode()


def test_the_page_shows_the_code_only_in_test_mode(app, client, monkeypatch):
    page = client.get("/meals/phone")
    token = page.text.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    answer = client.post("/meals/phone", data={"csrf_token": token, "phone": NUMBER})
    assert "TEST MODE" in answer.text
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    assert not phones.test_mode()


def test_no_meal_table_nor_the_outbox_holds_the_number(app, store):  # noqa: F811
    person = confirmed(NUMBER)
    reservations.reserve(person, store.id, local_today())
    tables = [t for t in db.metadata.sorted_tables if t.name.startswith("meal_") or t.name == "outbox_message"]
    assert {"meal_person", "meal_phone_code", "meal_reservation", "outbox_message"} <= {t.name for t in tables}
    for table in tables:
        columns = [c for c in table.columns]
        hits = db.session.execute(select(table).where(or_(*(cast(c, String).contains(part) for c in columns
                                                             for part in (NUMBER, NUMBER[-8:]))))).all()
        assert hits == [], table.name
    assert inspect(person).persistent


def test_the_sweep_deletes_codes_a_day_after_they_expired(app):
    from marketplace.meals.person_sweeps import sweep

    phones.ask_code(NUMBER, "192.0.2.1")
    phones.ask_code("13712345670", "192.0.2.1")
    db.session.execute(update(MealPhoneCode).where(MealPhoneCode.id == 1)
                       .values(expires_at=now_utc() - timedelta(days=2)))
    db.session.commit()
    assert sweep() == 1
    assert db.session.scalars(select(MealPhoneCode.id)).all() == [2]


def test_a_sent_codes_sealed_number_is_blanked_a_day_later(app):
    from marketplace.outbox.models import OutboxMessage

    phones.ask_code(NUMBER, "10.9.9.9")
    row = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "call").order_by(OutboxMessage.id.desc()))
    assert row.payload["build"] == "marketplace.meals.phones.deliver_code" and row.payload["args"]
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row.id)
                       .values(delivered_at=now_utc() - timedelta(days=2)))
    db.session.commit()
    phones.forget_codes()
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row.id).payload == {"build": "marketplace.meals.phones.deliver_code",
                                                             "args": []}
