"""Care paid in hours is spent, not served: the payer's service figures stay, the caregiver's grow,
and the served total, stars, badges, leaderboards, certificates and the public accounts agree."""
from datetime import timedelta

import pytest

from marketplace.firms import service as firms
from marketplace.orgs.models import Membership
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.care import service as care
from marketplace.timebank.certificates import service as certificates
from marketplace.timebank.checks import leaderboard
from marketplace.timebank.hours import reports, savings
from marketplace.timebank.imports import service as imports
from marketplace.transparency import overview
from tests.timebank.test_imports import sheet
from tests.timebank.test_imports import upload as sheet_upload
from tests.timebank.test_savings import PDF, upload


@pytest.fixture
def served_three_hours(app, team, create_activity, create_user):
    """A member (on the leaderboard) whose attendance of 180 minutes was approved today."""
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9
    activity = create_activity(starts_in=-timedelta(minutes=200), hours=3)
    member = create_user(display_name="李阿姨")
    db.session.add(Membership(organisation_id=team.org.id, user_id=member.id, role="member"))
    db.session.commit()
    activity.signup_cutoff_at = now_utc() + timedelta(hours=1)  # let the member join an activity under way
    db.session.commit()
    service.sign_up(activity.id, member)
    service.scan(service.scan_token(activity, "in"), member, now=activity.starts_at)
    attendance = service.scan(service.scan_token(activity, "out"), member, now=activity.ends_at)
    service.approve_attendance(attendance.id, team.coordinator)
    leaderboard.set_leaderboard(member, True)
    return member


def _pay_for_care(member, helper, team, minutes=60):
    request = care.request_care(member, organisation_id=team.org.id, recipient_name="李妈妈", service="home_visit",
                                details="", district_id=1, scheduled_at=now_utc() - timedelta(minutes=30),
                                minutes=minutes, key="mum")
    care.accept(request.id, helper)
    return care.confirm(request.id, member)


def _badges(user):
    return {badge.code for badge in savings.badges(user) if badge.earned}


def _certified(user):
    today = local_today()
    return certificates.issue_certificate(user, today - timedelta(days=30), today).total_minutes


def test_paying_for_care_is_spent_not_served(served_three_hours, team, create_user):
    member, helper = served_three_hours, create_user(display_name="志愿者小陈")
    leaderboard.set_leaderboard(helper, True)
    _pay_for_care(member, helper, team)
    mine = savings.savings(member)
    assert (mine.posted, mine.earned, mine.spent) == (120, 180, 60)
    assert "gave_care" not in _badges(member) and "first_service" in _badges(member)
    theirs = savings.savings(helper)
    assert (theirs.posted, theirs.earned, theirs.spent) == (60, 60, 0)
    assert "gave_care" in _badges(helper)
    board = dict((user.id, minutes) for user, minutes in leaderboard.ranking("month"))
    assert board == {member.id: 180, helper.id: 60}
    assert dict((user.id, m) for user, m in leaderboard.ranking("month", district_id=1)) == board
    assert leaderboard.ranking("month", district_id=2) == []  # served in district 1 only
    assert _certified(member) == 180 and _certified(helper) == 60


def test_a_firms_points_count_its_members_service_not_their_care(served_three_hours, team, create_user,
                                                                 create_org):
    member, helper = served_three_hours, create_user()
    firm = create_org("firm", {member: "member"}, name_zh="爱心公司")
    db.session.execute(db.update(Membership).where(Membership.organisation_id == firm.id)
                       .values(created_at=now_utc() - timedelta(days=1)))
    db.session.commit()
    _pay_for_care(member, helper, team)
    assert firms.minutes_served([firm.id]) == {firm.id: 180}


def test_the_hours_page_and_api_show_spent_hours(client, auth, served_three_hours, team, create_user, headers):
    member = served_three_hours
    _pay_for_care(member, create_user(), team)
    body = client.get("/api/v1/me/hours", headers=headers(member, "read")).get_json()
    assert (body["earned"], body["spent"], body["posted"]) == (180, 60, 120)
    auth.login(member.email)
    page = client.get("/timebank/my").get_data(as_text=True)
    assert "Spent on care" in page


def test_the_public_accounts_count_all_service_by_district_and_not_care_spent(app, served_three_hours, team,
                                                                             create_user, create_org):
    app.config["TRANSPARENCY_CACHE_SECONDS"] = 0
    member, helper = served_three_hours, create_user()  # district 1: 180 minutes of attendance
    _pay_for_care(member, helper, team)  # district 1: 60 minutes of care given; the member's 60 spent are not service
    haizhu = create_org("volunteer_team", {team.coordinator: "coordinator", team.other_coordinator: "coordinator"},
                        name_zh="海珠义工队", district_id=2)
    yesterday = local_today() - timedelta(days=1)
    kept, taken_back = (reports.submit_report(member, haizhu.id, yesterday, minutes, "帮邻居搬家",
                                            upload(PDF, "证明.pdf")) for minutes in (90, 30))
    for report in (kept, taken_back):
        reports.approve_report(report.id, team.coordinator)
    reports.reverse_report(taken_back.id, team.coordinator, "counted twice")
    batch = imports.check_import(team.coordinator, haizhu, "河涌清洁", sheet_upload(
        sheet((helper.email, yesterday.isoformat(), "", "", "45", "河涌清洁"))))
    imports.confirm_import(team.other_coordinator, batch.id)  # district 2: 90 reported and 45 imported
    figures, _ = overview.platform()
    assert {district: f["minutes"] for district, f in figures["by_district"].items() if f["minutes"]} == {
        "1": 240, "2": 135}
