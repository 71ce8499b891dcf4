"""What the time bank tells volunteers (in the site and by email, in their language) through the one
notification service: queued before the commit, sent after it from the outbox."""
from __future__ import annotations

from marketplace.notifications.service import notify
from marketplace.timebank.models import Signup


def _about(signup: Signup) -> dict:
    activity = signup.activity
    return {"link": ("timebank.activity", {"activity_id": signup.activity_id}), "title": activity.title,
            "starts_at": activity.starts_at.isoformat()}


def confirmed(signup: Signup) -> None:
    """Tell a volunteer their place is confirmed."""
    notify(signup.user, "signup_confirmed", **_about(signup))


def promoted_from_waitlist(signup: Signup) -> None:
    """Tell a volunteer a place has freed up for them."""
    notify(signup.user, "waitlist_promoted", mail={"signup": signup}, **_about(signup))


def reminder(signup: Signup) -> None:
    """Remind a volunteer of tomorrow's activity."""
    notify(signup.user, "shift_reminder", mail={"signup": signup}, **_about(signup))
