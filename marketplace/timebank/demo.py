"""Demo time-bank data: activities to join, and approved hours for the demo volunteers."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities import service
from marketplace.timebank.models import Activity

ACTIVITIES = [
    # title, category, days from now, hours, capacity
    ("独居长者上门探访", "elderly_care", 2, 3, 8),
    ("社区长者午餐送餐", "elderly_care", 4, 2, 6),
    ("珠江河涌清洁行动", "environment", 6, 3, 30),
    ("留守儿童周末课业辅导", "children", 9, 4, 10),
]
PAST = ("重阳节敬老活动", "community", 3)  # held last week; its hours are approved


def seed_time_bank(domain: str) -> int:
    """Add the demo activities and hours if they are missing; return how many activities were added."""
    team = db.session.scalar(select(Organisation).where(Organisation.name_en == "Yuexiu Time Bank Volunteers"))
    coordinator = db.session.scalar(select(User).where(User.email == f"coordinator@{domain}"))
    if team is None or coordinator is None:
        return 0
    added = 0
    for title, category, days, hours, capacity in ACTIVITIES:
        if db.session.scalar(select(Activity.id).where(Activity.title == title)) is None:
            starts = now_utc().replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
            service.create_activity(coordinator, team, title=title, description=f"{title}，欢迎报名。",
                                    category=category, district_id=team.district_id, address="越秀区北京街",
                                    starts_at=starts, ends_at=starts + timedelta(hours=hours), capacity=capacity)
            added += 1
    if db.session.scalar(select(Activity.id).where(Activity.title == PAST[0])) is None:
        added += _past_activity(team, coordinator, domain)
    return added


def _past_activity(team, coordinator, domain) -> int:
    """An activity held a week ago with the demo volunteers' approved hours (it is saved directly:
    the service only publishes activities that have not yet started)."""
    starts = now_utc().replace(minute=0, second=0, microsecond=0) - timedelta(days=7)
    activity = Activity(organisation_id=team.id, title=PAST[0], description="陪长者过重阳节。", category=PAST[1],
                        district_id=team.district_id, address="越秀区北京街", starts_at=starts,
                        ends_at=starts + timedelta(hours=PAST[2]), signup_cutoff_at=starts, capacity=20,
                        created_by_id=coordinator.id)
    db.session.add(activity)
    db.session.commit()
    admin = db.session.scalar(select(User).where(User.email == f"admin@{domain}"))
    for local in ("volunteer", "grandma"):
        volunteer = db.session.scalar(select(User).where(User.email == f"{local}@{domain}"))
        attendance = service.record_by_hand(coordinator, activity.id, volunteer.email, starts,
                                            starts + timedelta(hours=PAST[2]), "纸质签到表（示例）")
        service.approve_attendance(attendance.id, admin)
    return 1
