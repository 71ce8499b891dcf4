"""Firm points: one per yuan given on the firm's behalf (less refunds) and one per hour its members
served while members (not hours received as gifts); badge levels; the opt-in leaderboard by period."""
from datetime import UTC, date, datetime, timedelta

import pytest

from marketplace.firms import service
from marketplace.orgs.models import Membership
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.timebank.hours import savings


def test_points_count_money_given_less_refunds_and_only_completed_gifts(world, give, create_org):
    give(world.fund, world.firm, 150_050, donor=world.worker)  # ¥1,500.50 → 1,500 points
    refunded = give(world.fund, world.firm, 100_000)
    refunded.refunded_fen = 40_000
    give(world.fund, world.firm, 999_900, status="pending")
    give(world.fund, world.firm, 999_900, status="failed")
    give(world.fund, None, 999_900)  # a person's own gift
    give(world.fund, create_org("firm", name_en="Other Firm"), 999_900)
    db.session.commit()
    standing = service.standing(world.firm)
    assert standing.given_fen == 150_050 + 60_000
    assert standing.minutes == 0 and standing.points == 1_500 + 600


def test_points_count_hours_members_served_while_members(world, serve, create_user):
    serve(world.worker, 90)
    serve(world.boss, 30)
    outsider = create_user()
    serve(outsider, 600)
    standing = service.standing(world.firm)
    assert standing.minutes == 120 and standing.points == 2
    newcomer = create_user()
    serve(newcomer, 300)  # before joining the firm: not the firm's
    db.session.add(Membership(organisation=world.firm, user=newcomer, role="member"))
    db.session.commit()
    serve(newcomer, 60)
    assert service.standing(world.firm).minutes == 180


def test_hours_received_as_gifts_do_not_count(world, serve, create_user):
    giver = create_user()
    serve(giver, 600)
    savings.give_hours(giver, world.worker.email, 300, key="gift-1")
    assert service.standing(world.firm).minutes == 0


def test_both_rates_are_settings(world, give, serve, app):
    give(world.fund, world.firm, 100_000)
    serve(world.worker, 120)
    assert service.standing(world.firm).points == 1_000 + 2
    app.config.update(FIRMS_POINTS_PER_YUAN=2, FIRMS_POINTS_PER_HOUR=10)
    assert service.standing(world.firm).points == 2_000 + 20


@pytest.mark.parametrize("points,level", [(0, None), (999, None), (1_000, "bronze"), (9_999, "bronze"),
                                          (10_000, "silver"), (99_999, "silver"), (100_000, "gold")])
def test_badge_levels_by_points(app, points, level):
    assert service.badge(points) == level


def test_badge_thresholds_are_settings_and_the_page_knows_the_next(world, give, app):
    give(world.fund, world.firm, 95_000)  # 950 points
    standing = service.standing(world.firm)
    assert standing.badge is None and (standing.next_badge, standing.points_to_next) == ("bronze", 50)
    app.config["FIRMS_BADGE_BRONZE_POINTS"] = 900
    standing = service.standing(world.firm)
    assert standing.badge == "bronze" and (standing.next_badge, standing.points_to_next) == ("silver", 9_050)


def test_firms_of_lists_only_firms_the_user_belongs_to(world, create_user):
    assert service.firms_of(world.worker) == [world.firm]
    assert service.firms_of(world.coordinator) == [] and service.firms_of(None) == []


def test_a_firms_standing_is_for_its_members(world, create_user):
    assert service.get_firm(world.worker, world.firm.id) == world.firm
    with pytest.raises(NotFound):
        service.get_firm(create_user(), world.firm.id)
    with pytest.raises(NotFound):
        service.get_firm(world.coordinator, world.team.id)  # not a firm


def test_only_the_firms_admins_choose_the_leaderboard(world):
    assert not service.is_on_leaderboard(world.firm)
    with pytest.raises(NotFound):
        service.set_leaderboard(world.worker, world.firm, True)
    service.set_leaderboard(world.boss, world.firm, True)
    assert service.is_on_leaderboard(world.firm)
    service.set_leaderboard(world.boss, world.firm, False)
    assert not service.is_on_leaderboard(world.firm)


def _on_board(world, firm, admin=None):
    service.set_leaderboard(admin or world.boss, firm, True)


def test_the_leaderboard_shows_verified_firms_that_opted_in_most_points_first(world, give, create_org, create_user):
    boss2, boss3, boss4 = create_user(), create_user(), create_user()
    second = create_org("firm", {boss2: "admin"}, name_en="Second Firm")
    shy = create_org("firm", {boss3: "admin"}, name_en="Shy Firm")
    unverified = create_org("firm", {boss4: "admin"}, name_en="Unverified Firm", verified=False)
    _on_board(world, world.firm)
    _on_board(world, second, boss2)
    _on_board(world, unverified, boss4)
    for firm, fen in ((world.firm, 200_000), (second, 500_000), (shy, 900_000), (unverified, 900_000)):
        give(world.fund, firm, fen)
    rows = service.leaderboard("month")
    assert [(firm.name_en, points) for firm, points, _ in rows] == [("Second Firm", 5_000), ("Kind Tech", 2_000)]
    assert rows[0][2] == "bronze"



def test_a_firms_place_is_its_rank_on_the_board_or_none_off_it(world, give, create_org, create_user):
    boss2, boss3 = create_user(), create_user()
    second, shy = create_org("firm", {boss2: "admin"}), create_org("firm", {boss3: "admin"})
    _on_board(world, world.firm)
    _on_board(world, second, boss2)
    for firm, fen in ((world.firm, 200_000), (second, 500_000), (shy, 900_000)):
        give(world.fund, firm, fen)
    assert service.leaderboard_place(second) == 1 and service.leaderboard_place(world.firm) == 2
    assert service.leaderboard_place(shy) is None

def test_the_leaderboard_counts_this_month_or_this_year(world, give, serve):
    _on_board(world, world.firm)
    today = date(2026, 5, 20)
    earlier = give(world.fund, world.firm, 300_000)
    earlier.completed_at = datetime(2026, 2, 10, 4, tzinfo=UTC)  # this year, not this month
    last_year = give(world.fund, world.firm, 700_000)
    last_year.completed_at = datetime(2025, 12, 10, 4, tzinfo=UTC)
    now = give(world.fund, world.firm, 100_000)
    now.completed_at = datetime(2026, 5, 3, 4, tzinfo=UTC)
    db.session.commit()
    month = service.leaderboard("month", today=today)
    year = service.leaderboard("year", today=today)
    assert [points for _, points, _ in month] == [1_000]
    assert [points for _, points, _ in year] == [4_000]
    assert month[0][2] == "silver"  # the badge is earned over all time: 11,000 points


def test_hours_count_in_the_period_they_were_served(world, serve):
    _on_board(world, world.firm)
    serve(world.worker, 600, days_ago=1)
    serve(world.worker, 600, days_ago=41)
    yesterday = local_today() - timedelta(days=1)
    assert service.standing(world.firm, "month", today=yesterday).minutes == 600
    assert service.standing(world.firm).minutes == 1_200
    assert service.leaderboard("month", today=yesterday)[0][1] == 10
