"""Lights of households, organisations, communities and districts, read from the care records' dates."""
from datetime import timedelta

import pytest

from marketplace.platform.errors import Forbidden
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.referrals import lights
from tests.referrals.lights_helpers import running, visited


def _light(user, household, **filters):
    rows = lights.board(user, **filters)
    return {care.beneficiary_id: shade for care, shade, _name in rows}.get(household.beneficiary_id)


def test_a_household_is_green_then_yellow_then_red_as_its_visit_falls_due(care):
    visited(care.home, 0)  # weekly: due in 7 days
    assert _light(care.officer, care.home) == "green"
    visited(care.home, 5)  # due in 2 days
    assert _light(care.officer, care.home) == "yellow"
    visited(care.home, 12)  # 5 days late
    assert _light(care.officer, care.home) == "red"
    assert lights.why(care.home) == {"visit_late": 5}
    assert lights.light_of(care.home) == "red"


def test_an_overdue_referral_turns_the_household_red_whatever_its_visits(care):
    visited(care.family, 0)
    running(care, care.family, due_in_days=1)
    assert _light(care.officer, care.family) == "yellow"
    running(care, care.family, due_in_days=-2.5)
    assert _light(care.officer, care.family) == "red"
    assert lights.why(care.family)["referral_late"] == 2


def test_the_board_lists_red_first_and_filters(care):
    visited(care.home, 0)
    visited(care.family, 40)
    rows = lights.board(care.officer)
    assert [shade for _c, shade, _n in rows] == ["red", "green"]
    assert rows[0][2] == "青禾13"
    assert [c.beneficiary_id for c, _s, _n in lights.board(care.officer, light="green")] == [care.home.beneficiary_id]
    assert [c.beneficiary_id for c, _s, _n in lights.board(care.officer, category="elderly_alone")] == [
        care.home.beneficiary_id]
    assert lights.board(care.officer, community_id=care.east.id)[0][0].beneficiary_id == care.home.beneficiary_id
    assert lights.board(care.officer, district_id=2) == []
    assert lights.board(care.officer, organisation_id=care.charity.id) == []


def test_counts_per_community_and_district_and_the_area_light(care):
    visited(care.home, 0)
    visited(care.family, 40)
    by_community = lights.counts(care.officer, "community")
    assert by_community[care.east.id] == {"red": 0, "yellow": 0, "green": 1}
    assert by_community[care.west.id] == {"red": 1, "yellow": 0, "green": 0}
    assert lights.counts(care.officer, "district") == {1: {"red": 1, "yellow": 0, "green": 1}}
    assert lights.area_light(lights.counts(care.officer, "district")[1]) == "red"
    assert lights.area_light({"red": 0, "yellow": 2, "green": 1}) == "yellow"


def test_an_organisation_is_red_for_an_overdue_referral_it_owns_or_was_sent(care):
    running(care, care.home, due_in_days=-1, org=care.helper)
    running(care, care.family, due_in_days=1, org=care.charity, accepted=False)
    found = lights.organisation_lights([care.helper.id, care.charity.id, care.station.org.id])
    assert found[care.helper.id] == {"light": "red", "overdue": 1, "soon": 0}
    assert found[care.charity.id] == {"light": "yellow", "overdue": 0, "soon": 1}
    assert found[care.station.org.id]["light"] == "green"


def test_who_sees_which_households(care, create_user):
    visited(care.home, 0)
    assert len(lights.board(care.station.worker)) == 2  # staff of the households' organisation
    assert len(lights.board(care.officer)) == 2  # the district's officer
    assert lights.board(care.helper_staff) == []  # staff elsewhere: a board, but not these households
    with pytest.raises(Forbidden):
        lights.board(care.volunteer)
    with pytest.raises(Forbidden):
        lights.board(create_user())


def test_the_board_page_shows_counts_reasons_and_no_private_field(care, client, auth):
    visited(care.home, 12)
    auth.login(care.officer.email)
    page = client.get("/referrals/board")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-light="red"' in html and "青禾12" in html and "East Street" in html
    assert "visit 5 days late" in html
    from tests.referrals.conftest import PRIVATE
    assert not any(value in html for value in PRIVATE.values())
    assert client.get("/referrals/board?light=red&community=x&category=rich&page=-3").status_code == 200
    care.officer.locale = "zh_CN"
    db.session.commit()
    chinese = client.get("/referrals/board").get_data(as_text=True)
    assert "探访逾期 5 天" in chinese and "东街社区" in chinese
    auth.login(care.volunteer.email)
    assert client.get("/referrals/board").status_code == 403


def test_the_clock_reads_the_yellow_horizon_from_the_settings(care):
    clock = lights.Clock.read(now_utc())
    assert clock.soon - clock.now == timedelta(days=2)
