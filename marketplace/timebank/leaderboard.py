"""The opt-in leaderboard of volunteers by hours of service this month or this year."""
from __future__ import annotations

from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.extensions import db
from marketplace.timebank.care_models import VolunteerPreference
from marketplace.timebank.models import Activity, Attendance, ReviewStatus
from marketplace.timeutil import day_start, local_today


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
    """Return (user, minutes of service) for volunteers who chose to appear, most first.

    A volunteer's district is that of the activities they served at.
    """
    today = local_today()
    start = today.replace(day=1) if period == "month" else today.replace(month=1, day=1)
    stmt = (select(User, func.sum(Attendance.minutes_granted).label("minutes"))
            .join(VolunteerPreference, VolunteerPreference.user_id == User.id)
            .join(Attendance, Attendance.user_id == User.id)
            .join(Activity, Activity.id == Attendance.activity_id)
            .where(VolunteerPreference.is_on_leaderboard.is_(True), Attendance.status == ReviewStatus.APPROVED,
                   Activity.starts_at >= day_start(start))
            .group_by(User.id).order_by(func.sum(Attendance.minutes_granted).desc(), User.id).limit(limit))
    if district_id:
        stmt = stmt.where(Activity.district_id == district_id)
    return [(user, int(minutes or 0)) for user, minutes in db.session.execute(stmt)]
