"""The reports' figures, checked against the hand-built world (tests/reports/conftest.py)."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from marketplace.platform.errors import Forbidden, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.reports import service
from marketplace.reports.tables import months


@pytest.fixture
def run(app):
    """run(user, **args) -> the report's table, read in an English request as the page reads it."""
    def call(user, **args):
        with app.test_request_context(headers={"Accept-Language": "en"}):
            return service.run(user, args)[2]
    return call


def _period(days=200):
    today = local_today()
    return {"start": (today - timedelta(days=days)).isoformat(), "end": today.isoformat()}


def test_hours_by_volunteer_count_approved_service_only(hours_world, run):
    w = hours_world
    table = run(w.team.coordinator, report="hours-by-volunteer", **_period())
    figures = {row[0]: row[1:3] for row in table.rows}
    # 阿明: the reversed report and the 30 minutes given away do not count; 陈姐: the gift received and the
    # rejected report do not, the imported hour does; 丁叔 never served
    assert figures == {"阿明": (1, 60), "小白": (2, 90), "陈姐": (1, 60), "二妹": (1, 90)}
    assert [row[0] for row in table.rows] == ["二妹", "小白", "阿明", "陈姐"]  # most first, then by name
    assert table.totals == [None, 5, 300, None]
    assert dict(zip(table.chart["labels"], table.chart["datasets"][0]["data"], strict=True))["二妹"] == 90


def test_a_period_leaves_out_service_before_it(hours_world, run):
    table = run(hours_world.team.coordinator, report="hours-by-volunteer", **_period(30))
    assert {row[0]: row[2] for row in table.rows} == {"阿明": 60, "小白": 90, "陈姐": 60}


def test_hours_by_activity_team_and_month(hours_world, run):
    w = hours_world
    coordinator = w.team.coordinator
    by_activity = {row[0]: (row[3], row[4]) for row in run(coordinator, report="hours-by-activity", **_period()).rows}
    assert by_activity == {"长者探访": (2, 120), "Hours reported by volunteers": (2, 120),
                           "Imported: 社区活动补录": (1, 60)}
    assert run(coordinator, report="hours-by-team", **_period()).rows == [("Test Org", 4, 1, 300)]
    by_month = run(coordinator, report="hours-by-month", **_period())
    expected = {m: 0 for m in months(local_today() - timedelta(days=200), local_today())}
    expected[w.served_day.replace(day=1)] += 210
    expected[w.old_day.replace(day=1)] += 90
    assert {row[0]: row[2] for row in by_month.rows} == expected  # every month shown, the empty ones as 0
    assert by_month.totals[2] == 300


def test_inactive_volunteers_are_those_without_hours_for_90_days(hours_world, run):
    w = hours_world
    table = run(w.team.coordinator, report="inactive-volunteers")
    rows = {row[0]: row for row in table.rows}
    assert set(rows) == {"丁叔", "二妹"}  # coordinators are not volunteers here; 阿明, 小白 and 陈姐 served lately
    assert rows["丁叔"][3] is None and rows["丁叔"][4] is None  # never served
    assert rows["二妹"][3] == w.old_day and rows["二妹"][4] == 100
    assert [row[0] for row in table.rows] == ["丁叔", "二妹"]  # never served first
    w.d.is_active = False  # a closed account is nobody to call back
    db.session.commit()
    assert [row[0] for row in run(w.team.coordinator, report="inactive-volunteers").rows] == ["二妹"]


def test_gifts_by_fund_and_month_net_of_refunds(gifts_world, run):
    w = gifts_world
    table = run(w.staff, report="gifts-by-fund", **_period(60))
    assert {row[0]: row[2:] for row in table.rows} == {"General Fund": (2, 15_000, 5_000, 10_000),
                                                       "School Fund": (1, 2_000, 0, 2_000)}
    assert table.totals == [None, None, 3, 17_000, 5_000, 12_000]
    by_month = run(w.staff, report="gifts-by-month", **_period(60))
    assert by_month.totals[1:] == [3, 17_000, 5_000, 12_000]
    this_month = {row[0]: row[1:] for row in by_month.rows}[local_today().replace(day=1)]
    assert this_month[2] == 5_000  # the refund counts in the month it was paid back


def test_each_role_sees_only_its_own_organisations_reports(hours_world, gifts_world, run, create_user,
                                                           create_org):
    coordinator, staff = hours_world.team.coordinator, gifts_world.staff
    assert [r.name for r in service.available(coordinator)][-1] == "inactive-volunteers"  # no gift reports
    assert [r.name for r in service.available(staff)][-2:] == ["gifts-by-fund", "gifts-by-month"]
    with pytest.raises(InvalidInput) as refused:
        run(coordinator, report="gifts-by-fund")
    assert "report" in refused.value.fields
    with pytest.raises(InvalidInput) as refused:  # another organisation answers like one that does not exist
        run(coordinator, org=str(gifts_world.org.id))
    assert "org" in refused.value.fields
    # staff of the charity see its hours too, and none of the team's
    assert run(staff, report="hours-by-volunteer").rows == []
    for outsider in (hours_world.a, gifts_world.outsider, create_user(admin=True)):
        with pytest.raises(Forbidden):
            run(outsider)
    admin = create_user(admin=True)  # a platform admin with a role in the team sees its reports, no other's
    create_org("volunteer_team", {admin: "coordinator"}, name_zh="另一队", name_en="Other team")
    assert run(admin, report="hours-by-team").rows == [("Other team", 0, 0, 0)]


@pytest.mark.parametrize("args,field", [
    ({"start": "2026-13-45"}, "start"), ({"end": "tomorrow"}, "end"), ({"start": "x" * 500}, "start"),
    ({"start": "2026-03-08", "end": "2026-03-01"}, "end"), ({"start": "2010-01-01", "end": "2026-01-01"}, "start"),
    ({"end": (date.today() + timedelta(days=2)).isoformat()}, "end"), ({"org": "abc"}, "org"),
    ({"report": "everything"}, "report"),
])
def test_bad_filters_name_the_field(hours_world, run, args, field):
    with pytest.raises(InvalidInput) as refused:
        run(hours_world.team.coordinator, **args)
    assert field in refused.value.fields


def test_dates_are_read_as_people_in_china_write_them(hours_world, run):
    table = run(hours_world.team.coordinator, report="hours-by-volunteer",
                start=f"{hours_world.old_day.year}年{hours_world.old_day.month}月{hours_world.old_day.day}日",
                end=local_today().strftime("%Y/%m/%d"))
    assert table.totals[2] == 300
