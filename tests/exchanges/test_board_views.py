"""The coordinators' board: a report's light turns yellow, then red, as time passes; answering it."""
# ruff: noqa: F811
from __future__ import annotations

import re
from datetime import timedelta

from marketplace.exchanges import board_views, reports
from tests.conftest import AuthActions
from tests.exchanges.talk_helpers import talk_world  # noqa: F401


def _as(app, user):
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    return client, AuthActions(client)


def _light(page: str, report_id: int) -> str:
    return re.search(rf'data-report="{report_id}" data-light="(\w+)"', page).group(1)


def test_a_report_turns_yellow_then_red_on_the_board(app, talk_world, monkeypatch):
    w = talk_world
    found = reports.report(w.ann, w.m.ann, w.m.bob, "no_show", "约了两次都没来")
    coord, _auth = _as(app, w.coord)
    page = coord.get("/exchange/coordinate").get_data(as_text=True)
    assert _light(page, found.id) == "green" and "约了两次都没来" in page and "Ann reported Bob" in page
    hours = reports.settings.EXCHANGE_REPORT_ANSWER_HOURS
    monkeypatch.setattr(board_views, "now_utc", lambda: found.answer_due_at - timedelta(hours=hours / 4 - 1))
    assert _light(coord.get("/exchange/coordinate").get_data(as_text=True), found.id) == "yellow"
    monkeypatch.setattr(board_views, "now_utc", lambda: found.answer_due_at + timedelta(hours=5))
    page = coord.get("/exchange/coordinate").get_data(as_text=True)
    assert _light(page, found.id) == "red" and "5 hours late" in page


def test_a_coordinator_answers_once_and_others_have_no_board(app, talk_world):
    w = talk_world
    found = reports.report(w.ann, w.m.ann, w.m.bob, "harassment")
    coord, auth = _as(app, w.coord)
    path = f"/exchange/reports/{found.id}/answer"
    empty = coord.post(path, data={"csrf_token": auth.csrf("/exchange/coordinate"), "answer": ""})
    assert empty.status_code == 302 and "Say what was done." in coord.get("/exchange/coordinate").get_data(as_text=True)
    done = coord.post(path, data={"csrf_token": auth.csrf("/exchange/coordinate"), "answer": "已电话提醒"})
    assert done.status_code == 302
    page = coord.get("/exchange/coordinate").get_data(as_text=True)
    assert "No report waits for an answer." in page and "已电话提醒" in page
    again = coord.post(path, data={"csrf_token": auth.csrf("/exchange/coordinate"), "answer": "再说一次"})
    assert again.status_code == 302
    assert "answered this report already" in coord.get("/exchange/coordinate").get_data(as_text=True)
    bob, bob_auth = _as(app, w.bob)
    assert bob.get("/exchange/coordinate").status_code == 403
    assert bob.post(path, data={"csrf_token": bob_auth.csrf("/"), "answer": "x"}).status_code == 404
    stranger, s_auth = _as(app, w.stranger)
    assert "Ann" not in stranger.get("/exchange/coordinate").get_data(as_text=True)
    assert stranger.post(path, data={"csrf_token": s_auth.csrf("/"), "answer": "x"}).status_code == 404
