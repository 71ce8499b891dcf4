"""Saved hours: star levels, monthly totals, gifts to family, and offline reports with evidence."""
import io
from datetime import timedelta

import pytest
from werkzeug.datastructures import FileStorage

from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause
from marketplace.ledger.errors import InsufficientBalance
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.activities.service import savings_account
from marketplace.timebank.hours import reports, savings
from tests.files import PDF as REAL_PDF

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = REAL_PDF  # uploads are parsed: a real one-page PDF


def upload(data=PNG, name="evidence.png"):
    return FileStorage(stream=io.BytesIO(data), filename=name, content_type="image/png")


def credit(user, minutes, kind="hours.attendance"):
    entry = ledger.post([(ledger.platform_account("hours_issued"), -minutes), (savings_account(user), minutes)],
                        cause=Cause.test(f"credit:{user.id}:{kind}:{minutes}"), kind=kind)
    db.session.commit()
    return entry


@pytest.mark.parametrize("hours,stars,needed", [(0, 0, 100 * 60), (99, 0, 60), (100, 1, 200 * 60),
                                                 (1000, 4, 500 * 60), (1600, 5, None)])
def test_star_levels_follow_the_national_rating(hours, stars, needed):
    assert savings.star_level(hours * 60) == (stars, needed)


def test_gifts_move_saved_hours_but_do_not_count_as_service(create_user):
    volunteer, mother = create_user(), create_user(email="mother@example.org")
    credit(volunteer, 6000 * 60 // 60)  # 100 hours of service
    savings.give_hours(volunteer, "Mother@example.org", 600, key="gift-1")
    mine, hers = savings.savings(volunteer), savings.savings(mother)
    assert (mine.posted, mine.earned, mine.stars) == (5400, 6000, 1)
    assert (hers.posted, hers.earned, hers.stars) == (600, 0, 0)
    with pytest.raises(InsufficientBalance):
        savings.give_hours(volunteer, "mother@example.org", 10**6, key="gift-2")
    savings.give_hours(volunteer, "mother@example.org", 600, key="gift-1")  # the same request again
    from marketplace.audit.models import AuditEvent

    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(AuditEvent.action == "hours.given")) == 1
    assert savings.savings(mother).posted == 600


@pytest.mark.parametrize("email,minutes,field", [("nobody@example.org", 60, "email"), ("", 60, "email"),
                                                  ("mother@example.org", 0, "minutes"),
                                                  ("mother@example.org", "60", "minutes")])
def test_bad_gifts_name_the_field(create_user, email, minutes, field):
    volunteer = create_user()
    create_user(email="mother@example.org")
    credit(volunteer, 600)
    with pytest.raises(InvalidInput) as refused:
        savings.give_hours(volunteer, email, minutes, key="gift-bad")
    assert field in refused.value.fields


def test_reversed_service_no_longer_counts_towards_stars(create_user):
    volunteer = create_user()
    entry = credit(volunteer, 100 * 60)
    assert savings.savings(volunteer).stars == 1
    ledger.reverse(entry, reason="not verified")
    db.session.commit()
    assert savings.savings(volunteer).earned == 0


def test_monthly_minutes_split_in_and_out(create_user):
    volunteer, other = create_user(), create_user()
    credit(volunteer, 300)
    savings.give_hours(volunteer, other.email, 120, key="gift-m")
    month = now_utc().strftime("%Y-%m")
    assert savings.monthly_minutes(volunteer)[-1][0][:4] == month[:4]
    assert sum(i for _, i, _ in savings.monthly_minutes(volunteer)) == 300
    assert sum(o for _, _, o in savings.monthly_minutes(volunteer)) == 120


@pytest.fixture
def report(team, create_user):
    volunteer = create_user()
    made = reports.submit_report(volunteer, team.org.id, now_utc().date() - timedelta(days=3), 90,
                               "帮邻居搬家", upload(PDF, "证明.pdf"))
    return made


def test_a_report_with_evidence_is_credited_once_when_approved(report, team):
    assert report.evidence_type == "application/pdf" and "证明" not in report.evidence_path
    reports.approve_report(report.id, team.coordinator)
    reports.approve_report(report.id, team.other_coordinator)
    assert ledger.balance(savings_account(report.user_id)).posted == 90
    reports.reverse_report(report.id, team.coordinator, "duplicate of an activity")
    assert ledger.balance(savings_account(report.user_id)).posted == 0


def test_rejection_keeps_the_reason(report, team):
    with pytest.raises(InvalidInput):
        reports.reject_report(report.id, team.coordinator, "")
    reports.reject_report(report.id, team.coordinator, "no such service that day")
    assert report.status == "rejected" and report.review_note == "no such service that day"
    with pytest.raises(Conflict):
        reports.approve_report(report.id, team.coordinator)


@pytest.mark.parametrize("data,name", [(b"GIF89a" + b"0" * 20, "photo.png"), (b"MZ\x90\x00", "evidence.pdf"),
                                       (PNG + b"0" * (5 * 1024 * 1024), "big.png")])
def test_evidence_is_checked_by_content_and_size(team, create_user, data, name):
    with pytest.raises(InvalidInput) as refused:
        reports.submit_report(create_user(), team.org.id, now_utc().date(), 60, "x", upload(data, name))
    assert "evidence" in refused.value.fields


def test_reports_check_their_fields(team, create_user):
    with pytest.raises(InvalidInput) as refused:
        reports.submit_report(create_user(), 999_999, local_today() + timedelta(days=1), 0, "", upload())
    assert set(refused.value.fields) == {"organisation_id", "served_on", "minutes", "description"}


def test_badges_follow_what_the_volunteer_has_done(create_user):
    volunteer, mother = create_user(), create_user()
    assert not any(b.earned for b in savings.badges(volunteer))
    credit(volunteer, 100 * 60)
    savings.give_hours(volunteer, mother.email, 30, key="badge-gift")
    earned = {b.code for b in savings.badges(volunteer) if b.earned}
    assert earned == {"first_service", "hundred_hours", "gave_hours"}
    assert not any(b.earned for b in savings.badges(mother))  # receiving a gift is not service


def test_the_ten_activities_badge_counts_only_attendance_still_approved(app, team, create_activity, create_user):
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9
    volunteer = create_user()
    attended = []
    for day in range(10):
        activity = create_activity(starts_in=timedelta(days=2 + day), hours=1)
        service.sign_up(activity.id, volunteer)
        service.scan(service.scan_token(activity, "in"), volunteer, now=activity.starts_at)
        attended.append(service.scan(service.scan_token(activity, "out"), volunteer, now=activity.ends_at).id)
        service.approve_attendance(attended[-1], team.coordinator)
    assert "ten_activities" in {b.code for b in savings.badges(volunteer) if b.earned}
    service.reverse_attendance(attended[0], team.other_coordinator, "was not there")
    assert "ten_activities" not in {b.code for b in savings.badges(volunteer) if b.earned}
