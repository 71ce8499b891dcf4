"""The lights of reports: green, yellow in the last quarter of the time to answer, red when late."""
# ruff: noqa: F811
from __future__ import annotations

from datetime import timedelta

from marketplace.exchanges import lights, reports
from tests.exchanges.talk_helpers import talk_world  # noqa: F401


def test_a_report_turns_yellow_in_its_last_quarter_and_red_when_late(talk_world):
    w = talk_world
    found = reports.report(w.ann, w.m.ann, w.m.bob, "no_show")
    start, due = found.created_at, found.answer_due_at
    quarter = (due - start) / 4
    assert lights.light_of(found, start) == "green"
    assert lights.light_of(found, due - quarter - timedelta(seconds=1)) == "green"
    assert lights.light_of(found, due - quarter) == "yellow"
    assert lights.light_of(found, due - timedelta(seconds=1)) == "yellow"
    assert lights.light_of(found, due) == "red"
    reports.answer(w.coord, found.id, "已联系")
    assert lights.light_of(found, due + timedelta(days=3)) is None


def test_the_board_puts_the_late_first_newest_late_first(talk_world):
    w = talk_world
    a = reports.report(w.ann, w.m.ann, w.m.bob, "no_show")
    b = reports.report(w.bob, w.m.bob, w.m.ann, "harassment")
    c = reports.report(w.gran, w.m.gran, w.m.bob, "unsafe")
    a.answer_due_at = a.created_at + timedelta(hours=1)
    b.answer_due_at = b.created_at + timedelta(hours=2)
    now = b.created_at + timedelta(hours=3)
    c.created_at, c.answer_due_at = now - timedelta(hours=1), now + timedelta(hours=47)
    order = lights.board_order(reports.open_reports(w.coord), now)
    assert [(r.id, shade) for r, shade in order] == [(b.id, "red"), (a.id, "red"), (c.id, "green")]
    assert lights.counts(order) == {"red": 2, "yellow": 0, "green": 1}
    assert reports.open_reports(w.stranger) == []
