"""The counter page and API: big answers, today's counts, and nothing of the person who took the meal."""
# ruff: noqa: F811  (pytest fixtures imported from counter_fixtures are named as arguments)
from __future__ import annotations

from tests.meals.counter_fixtures import meals, reserve  # noqa: F401


def _page(auth, meals, code=None):
    path = f"/meals/stores/{meals.store.id}/counter"
    if code is None:
        return auth.client.get(path)
    return auth.post(path, {"code": code}, form_page=path)


def test_staff_type_a_code_and_read_the_answer(auth, meals):
    reservation = reserve(meals.store)
    auth.login(meals.worker.email)
    page = _page(auth, meals).get_data(as_text=True)
    assert "meals-scan.js" in page and "data-scan-button" in page and "<script>" not in page
    answer = _page(auth, meals, reservation.code.lower())
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'data-outcome="valid"' in text and "Give one meal" in text
    assert "一荤两素一汤" in text and 'data-served>1<' in text
    again = _page(auth, meals, reservation.code).get_data(as_text=True)
    assert 'data-outcome="used"' in again and "Already collected" in again


def test_the_answer_shows_nothing_of_the_person(auth, meals, create_user):
    person = create_user(display_name="王小明", phone="13800138000")
    reservation = reserve(meals.store)
    auth.login(meals.worker.email)
    text = _page(auth, meals, reservation.code).get_data(as_text=True)
    assert "王小明" not in text and "13800138000" not in text and person.email not in text


def test_an_empty_code_asks_for_one(auth, meals):
    auth.login(meals.worker.email)
    answer = _page(auth, meals, "   ")
    assert answer.status_code == 422 and "Type the code, or scan it." in answer.get_data(as_text=True)


def test_the_answer_is_in_chinese_for_chinese_readers(auth, meals):
    reservation = reserve(meals.store)
    auth.login(meals.worker.email)
    auth.post("/language", {"locale": "zh_CN"})
    assert 'data-outcome="unknown"' in (text := _page(auth, meals, "ZZZZZZ").get_data(as_text=True))
    assert "查无此码" in text
    assert "可以领取" in _page(auth, meals, reservation.code).get_data(as_text=True)


def test_people_of_other_firms_cannot_open_the_counter(auth, meals):
    auth.login(meals.outsider.email)
    assert _page(auth, meals).status_code == 404


def test_the_api_answers_each_outcome_with_200(client, headers, meals):
    reservation = reserve(meals.other_store)
    mine = reserve(meals.store)
    path = f"/api/v1/meals/stores/{meals.store.id}/redemptions"
    answers = [client.post(path, json={"code": code}, headers=headers(meals.worker))
               for code in (mine.code, mine.token, reservation.code, "ZZZZZZ")]
    assert [a.status_code for a in answers] == [200] * 4
    assert [a.json["outcome"] for a in answers] == ["valid", "used", "wrong_store", "unknown"]
    assert set(answers[0].json) == {"outcome", "store_id", "contents", "item"}


def test_the_api_hides_a_store_the_caller_may_not_serve(client, headers, meals):
    path = f"/api/v1/meals/stores/{meals.store.id}/redemptions"
    assert client.post(path, json={"code": "ZZZZZZ"}, headers=headers(meals.outsider)).status_code == 404
    assert client.post(path, json={}, headers=headers(meals.worker)).status_code == 422
