"""Time-bank rules: places and the waitlist, scanning in and out, review and saved minutes."""
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.ledger import service as ledger
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_date, local_today, now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.models import Attendance, SignupStatus


def test_coordinators_create_activities_and_members_may_not(team, create_activity, create_user):
    activity = create_activity(title="植树")
    assert activity.confirmed_count == 0 and activity.signup_cutoff_at < activity.starts_at
    with pytest.raises(NotFound):  # a forbidden organisation answers like a missing one
        service.create_activity(create_user(), team.org, title="x", description="", category="other",
                                district_id=1, address="", starts_at=activity.starts_at,
                                ends_at=activity.ends_at, capacity=3)


def test_bad_activity_fields_are_named(team):
    start = now_utc() + timedelta(days=1)
    with pytest.raises(InvalidInput) as refused:
        service.create_activity(team.coordinator, team.org, title="", description="", category="party",
                                district_id=999, address="", starts_at=start, ends_at=start, capacity=0)
    assert set(refused.value.fields) == {"title", "category", "district_id", "ends_at", "capacity"}


def test_a_full_activity_puts_volunteers_on_the_waitlist_and_promotes_them(create_activity, create_user,
                                                                             mailbox):
    activity = create_activity(capacity=2)
    first, second, third = create_user(), create_user(), create_user(email="third@example.org")
    assert service.sign_up(activity.id, first).status == SignupStatus.CONFIRMED
    assert service.sign_up(activity.id, second).status == SignupStatus.CONFIRMED
    assert service.sign_up(activity.id, third).status == SignupStatus.WAITLISTED
    assert service.sign_up(activity.id, third).status == SignupStatus.WAITLISTED  # signing up twice changes nothing
    promoted = service.cancel_signup(activity.id, first)
    assert promoted.user_id == third.id and promoted.status == SignupStatus.CONFIRMED
    assert db.session.get(type(activity), activity.id).confirmed_count == 2
    assert any("third@example.org" in m.to for m in mailbox.messages)


def test_signing_up_and_cancelling_close_at_the_cut_off(create_activity, create_user):
    activity = create_activity(starts_in=timedelta(hours=1))
    with pytest.raises(Conflict):
        service.sign_up(activity.id, create_user())


def test_reminders_go_out_once_the_day_before(create_activity, create_user, mailbox, runner):
    soon, later = create_activity(starts_in=timedelta(hours=20)), create_activity(starts_in=timedelta(days=3))
    volunteer = create_user(email="remind@example.org")
    service.sign_up(soon.id, volunteer)
    service.sign_up(later.id, volunteer)
    result = runner.invoke(args=["timebank", "remind"])
    assert "Sent 1 reminder" in result.output
    assert runner.invoke(args=["timebank", "remind"]).output.startswith("Sent 0")
    assert len([m for m in mailbox.messages if "remind@example.org" in m.to]) == 1


@pytest.fixture
def running(create_activity, create_user):
    """An activity under way with a confirmed volunteer."""
    activity = create_activity(starts_in=timedelta(days=2))
    volunteer = create_user(display_name="志愿者")
    service.sign_up(activity.id, volunteer)
    return activity, volunteer


def test_scanning_in_and_out_records_attendance(running):
    activity, volunteer = running
    start = activity.starts_at
    token_in = service.scan_token(activity, "in", now=start)
    attendance = service.scan(token_in, volunteer, now=start + timedelta(minutes=5))
    service.scan(service.scan_token(activity, "out", now=start), volunteer, now=start + timedelta(minutes=95))
    assert attendance.checked_in_at is not None and service.minutes_earned(attendance) == 90


def test_stale_forged_foreign_and_early_scans_get_clear_messages(running, create_user, monkeypatch):
    activity, volunteer = running
    with pytest.raises(InvalidInput):
        service.scan("forged-token", volunteer)
    with pytest.raises(Conflict, match="not signed up"):
        service.scan(service.scan_token(activity, "in"), create_user())
    with pytest.raises(Conflict, match="open from"):
        service.scan(service.scan_token(activity, "in"), volunteer)  # two days early
    with monkeypatch.context() as past:  # a code shown an hour ago
        past.setattr("itsdangerous.timed.TimestampSigner.get_timestamp", lambda self: int(time.time()) - 3600)
        old = service.scan_token(activity, "in")
    with pytest.raises(Conflict, match="expired"):
        service.scan(old, volunteer, now=activity.starts_at)


def _attend(activity, volunteer, minutes):
    start = activity.starts_at
    service.scan(service.scan_token(activity, "in"), volunteer, now=start)
    return service.scan(service.scan_token(activity, "out"), volunteer, now=start + timedelta(minutes=minutes))


@pytest.fixture
def fresh_tokens(app):
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9  # tokens made now still work at the activity's time


def test_approval_saves_the_minutes_once(running, team, fresh_tokens):
    activity, volunteer = running
    attendance = _attend(activity, volunteer, 120)
    service.approve_attendance(attendance.id, team.coordinator)
    service.approve_attendance(attendance.id, team.other_coordinator)  # a second approval posts nothing
    assert ledger.balance(service.savings_account(volunteer)).posted == 120
    assert attendance.status == "approved" and attendance.minutes_granted == 120


def test_adjusting_needs_a_note_and_minutes_are_capped(running, team, fresh_tokens):
    activity, volunteer = running
    attendance = _attend(activity, volunteer, 120)
    with pytest.raises(InvalidInput) as no_note:
        service.approve_attendance(attendance.id, team.coordinator, minutes=60)
    assert "note" in no_note.value.fields
    with pytest.raises(InvalidInput):
        service.approve_attendance(attendance.id, team.coordinator, minutes=181, note="too long")
    service.approve_attendance(attendance.id, team.coordinator, minutes=60, note="left early")
    assert ledger.balance(service.savings_account(volunteer)).posted == 60


def test_the_daily_cap_limits_minutes_across_activities(team, create_activity, create_user, app, fresh_tokens):
    app.config["TIMEBANK_DAILY_CAP_MINUTES"] = 150
    volunteer = create_user()
    nine = day_start(local_today(), days_after=2) + timedelta(hours=9) - now_utc()  # both on one day, whenever run
    morning = create_activity(starts_in=nine, hours=2)
    afternoon = create_activity(starts_in=nine + timedelta(hours=3), hours=2)
    for activity in (morning, afternoon):
        service.sign_up(activity.id, volunteer)
    first, second = _attend(morning, volunteer, 120), _attend(afternoon, volunteer, 120)
    service.approve_attendance(first.id, team.coordinator)
    with pytest.raises(InvalidInput) as capped:
        service.approve_attendance(second.id, team.coordinator)
    assert "daily cap" in str(capped.value.fields["minutes"][0])
    service.approve_attendance(second.id, team.coordinator, minutes=30, note="daily cap")
    assert ledger.balance(service.savings_account(volunteer)).posted == 150


def test_days_left_over_the_cap_are_listed_for_coordinators(team, create_activity, create_user, app, fresh_tokens,
                                                          runner):
    volunteer = create_user()
    nine = day_start(local_today(), 2) + timedelta(hours=9)  # both on one local day
    morning, afternoon = (create_activity(starts_at=nine + timedelta(hours=h), ends_at=nine + timedelta(hours=h + 2))
                          for h in (0, 3))
    for activity in (morning, afternoon):
        service.sign_up(activity.id, volunteer)
    both = [_attend(morning, volunteer, 120), _attend(afternoon, volunteer, 120)]
    for attendance in both:
        service.approve_attendance(attendance.id, team.coordinator)
    assert runner.invoke(args=["timebank", "over-cap"]).exit_code == 0
    app.config["TIMEBANK_DAILY_CAP_MINUTES"] = 150  # what two approvals racing once left: 240 minutes that day
    listed = runner.invoke(args=["timebank", "over-cap"])
    assert listed.exit_code == 1, listed.output
    day = local_date(morning.starts_at).isoformat()
    assert f"volunteer {volunteer.id} on {day}: 240 minutes credited, cap 150 " \
           f"(attendance {both[0].id}, {both[1].id})" in listed.output
    service.reverse_attendance(both[1].id, team.other_coordinator, "over the daily cap")
    assert runner.invoke(args=["timebank", "over-cap"]).exit_code == 0


def test_nobody_reviews_their_own_hours(running, team, fresh_tokens):
    activity, _ = running
    service.sign_up(activity.id, team.coordinator)
    own = _attend(activity, team.coordinator, 60)
    with pytest.raises(Conflict, match="own"):
        service.approve_attendance(own.id, team.coordinator)


def test_rejection_needs_a_reason_and_corrections_are_reversals(running, team, fresh_tokens):
    activity, volunteer = running
    attendance = _attend(activity, volunteer, 60)
    service.approve_attendance(attendance.id, team.coordinator)
    with pytest.raises(Conflict):
        service.reject_attendance(attendance.id, team.coordinator, "too late")
    service.reverse_attendance(attendance.id, team.other_coordinator, "was not there")
    assert ledger.balance(service.savings_account(volunteer)).posted == 0
    assert attendance.status == "reversed"


def test_attendance_by_hand_is_audited_and_overlaps_are_refused(team, create_activity, create_user):
    from marketplace.audit.models import AuditEvent

    volunteer = create_user()
    first = create_activity(starts_in=timedelta(days=2), hours=3)
    clash = create_activity(starts_in=timedelta(days=2, hours=1), hours=3)
    start = first.starts_at
    service.record_by_hand(team.coordinator, first.id, volunteer.email, start, start + timedelta(hours=2),
                           "老人没有手机")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "attendance.recorded_by_hand"))
    assert event.detail["reason"] == "老人没有手机"
    with pytest.raises(Conflict, match="same time"):
        service.record_by_hand(team.coordinator, clash.id, volunteer.email, start, start + timedelta(hours=1), "x")
    with pytest.raises(InvalidInput) as no_reason:
        service.record_by_hand(team.coordinator, first.id, create_user().email, start, start + timedelta(hours=1), " ")
    assert "reason" in no_reason.value.fields
    assert db.session.scalar(select(Attendance).where(Attendance.user_id == volunteer.id)).recorded_by_id
