"""The figures dashboard: visits, referrals, on-time share, satisfaction, charity cash and in-kind value."""
from datetime import timedelta

import pytest

from marketplace.platform.errors import Forbidden
from marketplace.platform.timeutil import local_today
from marketplace.referrals import figures
from tests.referrals.lights_helpers import closed, running, visit


@pytest.fixture
def busy(care):
    today = local_today()
    visit(care, care.home, today)
    visit(care, care.home, today - timedelta(days=3))
    visit(care, care.family, today - timedelta(days=1))
    visit(care, care.family, today - timedelta(days=90))  # outside the last 30 days
    closed(care, care.home, on_time=True, satisfaction=5, cash_fen=50_000)
    closed(care, care.family, on_time=False, satisfaction=4, in_kind_fen=12_000)
    running(care, care.family, due_in_days=5)
    return care


def test_the_dashboard_counts_the_period(busy):
    start, end = figures.default_period()
    total, per = figures.dashboard(busy.officer, start, end)
    assert (total.visits, total.households_visited) == (3, 2)
    assert (total.referrals_received, total.referrals_closed) == (3, 2)
    assert total.on_time_percent == 50 and total.satisfaction == 4.5
    assert (total.cash_fen, total.in_kind_fen) == (50_000, 12_000)
    assert set(per) == {1}
    assert figures.dashboard(busy.officer, start, end, district_id=2)[0].visits == 0
    longer, _per = figures.dashboard(busy.officer, start - timedelta(days=100), end)
    assert longer.visits == 4


def test_staff_elsewhere_count_none_of_these_households(busy, create_user):
    start, end = figures.default_period()
    assert figures.dashboard(busy.helper_staff, start, end)[0].visits == 0
    with pytest.raises(Forbidden):
        figures.dashboard(create_user(), start, end)


def test_the_dashboard_page_and_a_period_that_does_not_read(busy, client, auth):
    auth.login(busy.officer.email)
    page = client.get("/referrals/dashboard")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-visits>3<" in html and "50%" in html
    bad = client.get("/referrals/dashboard?start=2026-13-01&end=yesterday")
    assert bad.status_code == 422
    assert "2026-13-01" in bad.get_data(as_text=True)
    backwards = client.get("/referrals/dashboard?start=2026-03-10&end=2026-03-01")
    assert backwards.status_code == 422
    assert figures.check_period(local_today(), local_today()) == {}
