"""Spot checks of approved hours, and the opt-in leaderboard."""
from datetime import timedelta

import pytest

from marketplace.ledger import service as ledger
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.activities.service import savings_account
from marketplace.timebank.checks import leaderboard
from marketplace.timebank.checks import service as spot_checks


@pytest.fixture
def approved(team, create_activity, create_user):
    """Five volunteers with approved hours at one activity of the team."""
    activity = create_activity(starts_in=timedelta(hours=3), hours=2)
    people = [create_user(display_name=f"志愿者{n}") for n in range(5)]
    for n, person in enumerate(people):
        service.sign_up(activity.id, person)
        attendance = service.record_by_hand(team.coordinator, activity.id, person.email, activity.starts_at,
                                            activity.starts_at + timedelta(minutes=30 + 10 * n), "paper sheet")
        service.approve_attendance(attendance.id, team.other_coordinator)
    return activity, people


def staff_of(team, create_user):
    from marketplace.orgs.models import Membership
    from marketplace.platform.extensions import db

    person = create_user()
    db.session.add(Membership(organisation_id=team.org.id, user_id=person.id, role="staff"))
    db.session.commit()
    return person


def test_staff_draw_a_random_sample_and_record_outcomes(team, approved, create_user):
    staff = staff_of(team, create_user)
    today = now_utc().date()
    check = spot_checks.draw(staff, team.org, today - timedelta(days=1), today + timedelta(days=1), size=3)
    items = spot_checks.items(check)
    assert len(items) == 3 and len({i.attendance_id for i in items}) == 3
    spot_checks.mark(staff, items[0].id, "confirmed")
    with pytest.raises(InvalidInput):
        spot_checks.mark(staff, items[1].id, "disputed", "")
    disputed = spot_checks.mark(staff, items[1].id, "disputed", "不在签到表上", reverse=True)
    assert disputed.outcome == "reversed"
    volunteer = next(p for p in approved[1] if p.id == service.db.session.get(
        service.Attendance, items[1].attendance_id).user_id)
    assert ledger.balance(savings_account(volunteer)).posted == 0
    (_, counts), = spot_checks.report(team.org, staff)
    assert counts == {"confirmed": 1, "reversed": 1, "unchecked": 1}


def test_coordinators_and_members_cannot_draw_and_empty_periods_say_so(team, approved, create_user):
    today = now_utc().date()
    with pytest.raises(NotFound):
        spot_checks.draw(team.coordinator, team.org, today, today)
    staff = staff_of(team, create_user)
    with pytest.raises(Conflict):
        spot_checks.draw(staff, team.org, today - timedelta(days=30), today - timedelta(days=20))
    with pytest.raises(InvalidInput):
        spot_checks.draw(staff, team.org, today, today - timedelta(days=1))


def test_the_leaderboard_shows_only_volunteers_who_chose_it(team, approved, client, auth):
    _, people = approved
    leaderboard.set_leaderboard(people[4], True)  # 70 minutes
    leaderboard.set_leaderboard(people[1], True)  # 40 minutes
    names = [user.id for user, _ in leaderboard.ranking("month")]
    assert names == [people[4].id, people[1].id]
    page = client.get("/timebank/leaderboard").get_data(as_text=True)
    assert "志**" in page and "志愿者4" not in page  # masked, as each chose by default


def test_spot_check_pages(client, auth, team, approved, create_user):
    staff = staff_of(team, create_user)
    auth.login(staff.email)
    path = f"/timebank/orgs/{team.org.id}/spot-checks"
    today = now_utc().date()
    response = auth.post(path, {"period_start": (today - timedelta(days=1)).isoformat(),
                                "period_end": (today + timedelta(days=1)).isoformat(), "size": "2"}, form_page=path)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert page.count("Reverse these hours") == 2
    auth.logout()
    auth.login(create_user().email)
    assert client.get(path).status_code == 404
