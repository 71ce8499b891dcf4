"""Time-bank fixtures: a volunteer team with a coordinator, activities to join, and credits to one day of service
(attendance, reports, imported rows) under a small daily cap."""
from datetime import timedelta

import pytest

from marketplace.ledger import service as ledger
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_today, now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.hours import reports
from marketplace.timebank.imports import service as imports


@pytest.fixture
def team(create_user, create_org):
    """A volunteer team: .org, .coordinator, .other_coordinator (all verified users)."""
    coordinator, other = create_user(display_name="协调员"), create_user(display_name="另一位协调员")
    org = create_org("volunteer_team", {coordinator: "coordinator", other: "coordinator"}, name_zh="天河义工队")

    class Team:
        pass

    t = Team()
    t.org, t.coordinator, t.other_coordinator = org, coordinator, other
    return t


@pytest.fixture
def create_activity(team):
    """create_activity(starts_in=timedelta(days=2), hours=3, capacity=10, **fields)."""

    def make(starts_in=timedelta(days=2), hours=3, capacity=10, **fields):
        starts = now_utc().replace(microsecond=0) + starts_in
        values = dict(title="长者探访", description="陪伴独居长者", category="elderly_care", district_id=1,
                      address="天河区某街道", starts_at=starts, ends_at=starts + timedelta(hours=hours),
                      capacity=capacity, skills="")
        values.update(fields)
        return service.create_activity(team.coordinator, team.org, **values)

    return make


CAP = 90  # one hour fits, two do not


def served_day():
    """The local day of service in these tests: three days ago (reports and imports cannot be in the future)."""
    return local_today() - timedelta(days=3)


@pytest.fixture
def capped(app):
    app.config["TIMEBANK_DAILY_CAP_MINUTES"] = CAP
    app.config["TIMEBANK_SCAN_ROTATE_SECONDS"] = 10**9  # tokens made now still work at the activity's time


@pytest.fixture
def attend(capped, create_activity):
    """attend(volunteers, minutes=60) -> attendance ids: each volunteer served an hour's activity on served_day()."""

    def make(volunteers, minutes=60):
        activity = service.get_activity(create_activity(hours=1, capacity=len(volunteers)).id)
        found = []
        for volunteer in volunteers:
            service.sign_up(activity.id, volunteer)
            service.scan(service.scan_token(activity, "in"), volunteer, now=activity.starts_at)
            found.append(service.scan(service.scan_token(activity, "out"), volunteer,
                                      now=activity.starts_at + timedelta(minutes=minutes)))
        # activities cannot be published in the past: move this one, with its check-ins, to the day of service
        shift = activity.starts_at - (day_start(served_day()) + timedelta(hours=9))
        activity.starts_at, activity.ends_at = activity.starts_at - shift, activity.ends_at - shift
        activity.signup_cutoff_at -= shift
        for attendance in found:
            attendance.checked_in_at -= shift
            attendance.checked_out_at -= shift
        db.session.commit()
        return [a.id for a in found]

    return make


@pytest.fixture
def report_for(capped, team):
    """report_for(volunteer, minutes=60) -> the id of a pending report for service on served_day()."""
    from tests.timebank.test_savings import PDF, upload

    def make(volunteer, minutes=60):
        return reports.submit_report(volunteer, team.org.id, served_day(), minutes, "帮邻居搬家",
                                   upload(PDF, "证明.pdf")).id

    return make


@pytest.fixture
def import_for(capped, team):
    """import_for(volunteers, minutes=60, title=…) -> the id of a checked sheet crediting each volunteer on
    served_day()."""
    from tests.timebank.test_imports import sheet, upload

    def make(volunteers, minutes=60, title="社区活动补录"):
        rows = [(v.email, served_day().isoformat(), "", "", str(minutes), f"{title} {v.id}") for v in volunteers]
        return imports.check_import(team.coordinator, team.org, title, upload(sheet(*rows))).id

    return make


def saved(user) -> int:
    """Return the minutes in the volunteer's savings."""
    return ledger.balance(service.savings_account(user)).posted
