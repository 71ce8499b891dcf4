"""The weekly digest: one email per person who asked for it, listing their notifications of the week still
unread. A week's digest row is written with its email, so running the job twice sends once."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.auth.models import User
from marketplace.notifications.kinds import DIGEST, text_of
from marketplace.notifications.models import Notification, NotificationDigest, NotificationPreference
from marketplace.platform import mailer
from marketplace.platform.extensions import db
from marketplace.platform.links import site_url
from marketplace.platform.timeutil import local_date, now_utc

MOST = 50  # lines in one digest; the rest are on the site


def send_weekly_digests(now: datetime | None = None) -> int:
    """Send this week's digest to each person who chose it and has unread notifications; return how many."""
    now = now or now_utc()
    today = local_date(now)
    week_start = today - timedelta(days=today.weekday())
    since = now - timedelta(days=7)
    user_ids = db.session.scalars(select(NotificationPreference.user_id).where(
        NotificationPreference.kind == DIGEST, NotificationPreference.is_emailed.is_(True))
        .order_by(NotificationPreference.user_id)).all()
    sent = 0
    for user_id in user_ids:
        try:
            sent += _send_one(user_id, week_start, since)
        except IntegrityError:  # another run sent this week's digest first
            db.session.rollback()
    return sent


def _send_one(user_id: int, week_start, since: datetime) -> int:
    done = db.session.scalar(select(NotificationDigest.id).where(NotificationDigest.user_id == user_id,
                                                                 NotificationDigest.week_start == week_start))
    user = db.session.get(User, user_id)
    if done is not None or user is None or not user.email:
        return 0
    rows = db.session.scalars(select(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None), Notification.created_at >= since)
        .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(MOST + 1)).all()
    if not rows:
        return 0
    db.session.add(NotificationDigest(user_id=user_id, week_start=week_start, count=len(rows[:MOST])))
    db.session.flush()
    mailer.send(user.email, user.locale, _l("Your week on Goodhours: %(n)d unread", n=len(rows[:MOST])),
                "notification_digest", recipient=user, rows=rows[:MOST], more=len(rows) > MOST, text_of=text_of,
                link=site_url("notifications.index"), settings_link=site_url("notifications.settings"))
    db.session.commit()
    return 1
