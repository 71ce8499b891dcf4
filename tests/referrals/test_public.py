"""The public figures: by district only, small counts hidden, never a household, community or organisation."""
from datetime import timedelta

from marketplace.platform.timeutil import local_today
from marketplace.referrals import figures
from tests.referrals.conftest import PRIVATE
from tests.referrals.lights_helpers import closed, visit


def test_counts_under_the_minimum_are_hidden(care):
    today = local_today()
    for days in range(6):
        visit(care, care.home, today - timedelta(days=days))
    closed(care, care.home, on_time=True, satisfaction=5, cash_fen=50_000)
    shown = figures.public(today.replace(month=1, day=1), today)[1]
    assert shown["visits"] == figures.Shown(6)
    assert shown["households_visited"].hidden and shown["households_visited"].value is None
    assert shown["referrals_closed"].hidden and shown["cash_fen"].hidden and shown["satisfaction"].hidden


def test_the_public_page_shows_no_private_marker_nor_names(care, client, create_household):
    today = local_today()
    for n in range(6):  # enough visits in the district that the count itself is shown
        visit(care, care.home if n % 2 else care.family, today - timedelta(days=n % 3))
    closed(care, care.family, on_time=True, satisfaction=3, cash_fen=80_000, in_kind_fen=2_000)
    page = client.get("/referrals/figures")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-district="1"' in html and ">6<" in html and "fewer than 5" in html
    forbidden = list(PRIVATE.values()) + ["青禾12", "青禾13", "East Street", "West Street", "东街社区",
                                          "Elders' Canteen", "长者饭堂", "PRIVATE-PAYEE", "送餐", "米油"]
    assert not [word for word in forbidden if word in html]
    assert 'no-store' not in page.headers.get("Cache-Control", "")


def test_a_period_that_does_not_read_is_said_and_the_year_shown(client):
    page = client.get("/referrals/figures?start=31/31/2026&end=")
    assert page.status_code == 422
    assert "31/31/2026" in page.get_data(as_text=True)


def test_the_public_accounts_link_to_the_figures(client):
    assert "/referrals/figures" in client.get("/transparency/").get_data(as_text=True)
