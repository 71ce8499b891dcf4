"""Emails the time bank sends, in the volunteer's language: queued before the commit, sent after it
from the outbox."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.platform import mailer
from marketplace.platform.links import site_url
from marketplace.timebank.models import Signup


def promoted_from_waitlist(signup: Signup) -> None:
    """Tell a volunteer a place has freed up for them."""
    mailer.send(signup.user.email, signup.user.locale, _l("You have a place: %(title)s", title=signup.activity.title),
                "timebank_promoted", signup=signup,
                link=site_url("timebank.activity", activity_id=signup.activity_id))


def reminder(signup: Signup) -> None:
    """Remind a volunteer of tomorrow's activity."""
    mailer.send(signup.user.email, signup.user.locale, _l("Reminder: %(title)s", title=signup.activity.title),
                "timebank_reminder", signup=signup,
                link=site_url("timebank.activity", activity_id=signup.activity_id))
