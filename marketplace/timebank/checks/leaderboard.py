"""The opt-in leaderboard of volunteers by hours served for others this month or this year."""
from __future__ import annotations

from sqlalchemy import and_, func, select, union_all

from marketplace.auth.models import User
from marketplace.ledger import queries as ledger_queries
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.timebank.care.models import CareRequest
from marketplace.timebank.checks.models import VolunteerPreference
from marketplace.timebank.hours import served
from marketplace.timebank.imports.models import ImportBatch, ImportRow
from marketplace.timebank.models import Activity, Attendance, HourReport


def set_leaderboard(user: User, on: bool) -> None:
    """Choose whether to appear on the leaderboard (off until chosen)."""
    preference = db.session.get(VolunteerPreference, user.id) or VolunteerPreference(user_id=user.id)
    preference.is_on_leaderboard = bool(on)
    db.session.add(preference)
    db.session.commit()


def is_on_leaderboard(user: User) -> bool:
    preference = db.session.get(VolunteerPreference, user.id)
    return bool(preference and preference.is_on_leaderboard)


def ranking(period: str = "month", district_id: int | None = None, limit: int = 20):
    """Return (user, minutes served for others) for volunteers who chose to appear, most first.

    Minutes are those of the served total (care a volunteer paid for never counts). A minute counts in
    the district where it was served: the activity's or the care's, or the organisation's for reports and
    imported rows.
    """
    today = local_today()
    start = today.replace(day=1) if period == "month" else today.replace(month=1, day=1)
    line = ledger_queries.lines()
    minutes = func.sum(line.c.amount)
    stmt = (select(User, minutes.label("minutes"))
            .join(VolunteerPreference, VolunteerPreference.user_id == User.id)
            .join(line, and_(line.c.owner_type == "user", line.c.owner_id == User.id,
                             line.c.purpose == "volunteer_savings"))
            .where(VolunteerPreference.is_on_leaderboard.is_(True), served.is_service(line),
                   line.c.effective_date >= start)
            .group_by(User.id).having(minutes > 0).order_by(minutes.desc(), User.id).limit(limit))
    if district_id:
        stmt = stmt.where(line.c.cause_entry_id.in_(_served_in(district_id)))
    return [(user, int(minutes or 0)) for user, minutes in db.session.execute(stmt)]


def _served_in(district_id: int):
    """The ledger entries of service given in a district."""
    return union_all(
        select(Attendance.entry_id).join(Activity, Activity.id == Attendance.activity_id)
        .where(Activity.district_id == district_id, Attendance.entry_id.is_not(None)),
        select(CareRequest.entry_id).where(CareRequest.district_id == district_id, CareRequest.entry_id.is_not(None)),
        select(HourReport.entry_id).join(Organisation, Organisation.id == HourReport.organisation_id)
        .where(Organisation.district_id == district_id, HourReport.entry_id.is_not(None)),
        select(ImportRow.entry_id).join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
        .join(Organisation, Organisation.id == ImportBatch.organisation_id)
        .where(Organisation.district_id == district_id, ImportRow.entry_id.is_not(None)))
