"""Lights: red, yellow and green from the settings, in SQL; the staff board, its counts and its CSV."""
import csv
import io
from datetime import timedelta

import pytest
from flask_babel import force_locale

from marketplace.platform.errors import Forbidden
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.wishes import claims, lights, service
from tests.wishes.conftest import PRIVATE

DAY = timedelta(days=1)


def aged(listing, days: float, **fields):
    """Pretend the listing reached its status `days` ago."""
    listing.status_changed_at = now_utc() - timedelta(days=days)
    for name, value in fields.items():
        setattr(listing, name, value)
    db.session.commit()
    return listing


def light_of(user, listing) -> str:
    return {row.id: shade for row, shade in lights.board(user)}[listing.id]


@pytest.mark.parametrize("days, colour", [(0, "green"), (13.9, "green"), (14.1, "yellow"), (29.9, "yellow"),
                                          (30.1, "red")])
def test_an_unclaimed_listing_turns_yellow_after_14_days_and_red_after_30(station, create_listing, days, colour):
    assert light_of(station.worker, aged(create_listing(), days)) == colour


def test_the_unclaimed_days_are_settings(app, station, create_listing):
    wish = aged(create_listing(), 4)
    app.config.update(WISHES_UNCLAIMED_YELLOW_DAYS=3, WISHES_UNCLAIMED_RED_DAYS=10)
    assert light_of(station.worker, wish) == "yellow"
    app.config["WISHES_UNCLAIMED_RED_DAYS"] = 4
    assert light_of(station.worker, wish) == "red"


def test_a_claim_turns_yellow_within_two_days_of_its_deadline_and_red_past_it(app, station, create_listing):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    assert light_of(station.worker, wish) == "green"
    aged(wish, 0, claim_deadline_at=now_utc() + 1.9 * DAY)
    assert light_of(station.worker, wish) == "yellow"
    app.config["WISHES_DEADLINE_YELLOW_DAYS"] = 1
    assert light_of(station.worker, wish) == "green"
    aged(wish, 0, claim_deadline_at=now_utc() - timedelta(minutes=1))
    assert light_of(station.worker, wish) == "red"


def test_a_delivery_unconfirmed_for_seven_days_turns_yellow(station, create_listing):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    service.confirm_delivery(station.worker, wish.id)
    assert light_of(station.worker, aged(wish, 6.9)) == "green"
    assert light_of(station.worker, aged(wish, 7.1)) == "yellow"


def test_expired_listings_are_red_and_finished_ones_leave_the_board(station, create_listing):
    expired = aged(create_listing(), 0, status="expired")
    confirmed = aged(create_listing(), 100, status="confirmed")
    draft = create_listing(status="draft")
    submitted = aged(create_listing(status="submitted"), 100)
    shades = {row.id: shade for row, shade in lights.board(station.worker)}
    assert shades[expired.id] == "red" and shades[submitted.id] == "green"
    assert confirmed.id not in shades and draft.id not in shades


def test_the_board_shows_red_first_then_the_longest_waiting(station, create_listing):
    green, yellow, red = create_listing(), aged(create_listing(), 20), aged(create_listing(), 40)
    older_green = aged(create_listing(), 10)
    assert [row.id for row, _ in lights.board(station.worker)] == [red.id, yellow.id, older_green.id, green.id]
    assert [row.id for row, _ in lights.board(station.worker, light="yellow")] == [yellow.id]
    assert len(lights.board(station.worker, offset=1, limit=2)) == 2


def test_the_board_filters_by_organisation_district_and_category(station, create_listing, create_household,
                                                                 create_user, create_org):
    in_haizhu = create_listing(household=create_household(district_id=2, category="disability"))
    at_home = create_listing()
    stranger = create_user()
    other_org = create_org("social_work_station", {stranger: "staff"})
    board = lambda **f: {row.id for row, _ in lights.board(station.worker, **f)}  # noqa: E731
    assert board() == {in_haizhu.id, at_home.id}
    assert board(district_id=2) == {in_haizhu.id} and board(category="elderly_alone") == {at_home.id}
    assert board(organisation_id=station.org.id) == board() and board(organisation_id=other_org.id) == set()
    assert lights.board(stranger) == []  # staff see their own organisation's listings only
    admin = create_user(admin=True)
    assert {row.id for row, _ in lights.board(admin)} == board()


def test_only_staff_read_the_board(station, create_listing):
    create_listing()
    for user in (None, station.donor, station.firm_member):
        with pytest.raises(Forbidden):
            lights.board(user)
        with pytest.raises(Forbidden):
            lights.counts(user)


def test_counts_per_light_per_organisation(station, create_listing, create_household):
    create_listing(), aged(create_listing(), 20), aged(create_listing(), 40), aged(create_listing(), 50)
    create_listing(household=create_household(district_id=3))
    assert lights.counts(station.worker) == {station.org.id: {"red": 2, "yellow": 1, "green": 2}}
    assert lights.counts(station.worker, district_id=3) == {station.org.id: {"red": 0, "yellow": 0, "green": 1}}
    assert lights.counts(station.worker, category="disability") == {}


def test_households_are_red_when_reverification_is_overdue_and_yellow_when_unhelped(app, station,
                                                                                    create_household):
    helped = create_household()
    overdue = create_household()
    overdue.reverify_due_on = local_today() - DAY
    never = create_household(verified=False)
    unhelped = create_household()
    unhelped.created_at = now_utc() - 91 * DAY
    db.session.commit()
    shades = {b.id: shade for b, shade in lights.households(station.worker, station.org.id)}
    assert shades == {helped.id: "green", overdue.id: "red", never.id: "red", unhelped.id: "yellow"}
    unhelped.last_helped_at = now_utc() - 10 * DAY
    db.session.commit()
    assert dict((b.id, s) for b, s in lights.households(station.worker, station.org.id))[unhelped.id] == "green"
    app.config["WISHES_UNHELPED_YELLOW_DAYS"] = 5
    assert [b.id for b, _ in lights.households(station.worker, station.org.id, light="yellow")] == [unhelped.id]
    assert lights.households(station.donor, station.org.id) == []


def test_the_csv_has_public_fields_only_and_no_formulas(app, station, create_listing, create_household):
    household = create_household(pseudonym="=HYPERLINK(\"http://evil\")")
    create_listing(household=household, title="=1+2", story=PRIVATE["notes"])
    create_listing(title="@SUM(A1)")
    create_listing(title="-cmd|' /C calc'!A0")
    with app.test_request_context(), force_locale("en"):
        text = "".join(lights.board_csv(station.worker))
    assert text.startswith("\ufeff")
    for marker in [*PRIVATE.values(), "HYPERLINK", "奶奶的被子太薄了"]:
        assert marker not in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Code", "Kind", "Status", "Light"] and len(rows) == 4
    titles = {row[7] for row in rows[1:]}
    assert titles == {"'=1+2", "'@SUM(A1)", "'-cmd|' /C calc'!A0"}
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    with app.test_request_context(), force_locale("zh_CN"):
        chinese = next(csv.reader(io.StringIO("".join(lights.board_csv(station.worker)).lstrip("\ufeff"))))
    assert chinese[:4] == ["代码", "类型", "状态", "灯色"] and chinese[8] == "金额（元）"
