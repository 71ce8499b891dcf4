"""Time-bank forms: they check shape only; the service checks the rules."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, DateTimeLocalField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

REQUIRED = _l("This field is required.")
WHOLE = _l("Enter a whole number.")


def category_choices():
    return [
        ("elderly_care", _l("Elderly care")), ("children", _l("Children")), ("community", _l("Community")),
        ("environment", _l("Environment")), ("disability", _l("Disability support")),
        ("poverty_relief", _l("Poverty relief")), ("emergency", _l("Emergency")), ("other", _l("Other")),
    ]


def to_utc(local: datetime | None) -> datetime | None:
    """Read a time typed in the site's time zone (Guangzhou by default) as an aware UTC time."""
    if local is None:
        return None
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))
    return local.replace(tzinfo=zone).astimezone(ZoneInfo("UTC"))


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), [InputRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    category = SelectField(_l("Category"), choices=category_choices())
    district_id = SelectField(_l("District"), coerce=int)
    address = StringField(_l("Address"), [Optional(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Ends"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    capacity = IntegerField(_l("Places"), [InputRequired(WHOLE), NumberRange(1, 10000)], default=10)
    skills = StringField(_l("Skills needed (optional)"), [Optional(), Length(max=200)])


class ManualAttendanceForm(FlaskForm):
    email = EmailField(_l("Volunteer's email"), [InputRequired(REQUIRED), Length(max=254)])
    checked_in_at = DateTimeLocalField(_l("Arrived"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    checked_out_at = DateTimeLocalField(_l("Left"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    reason = StringField(_l("Why by hand"), [InputRequired(REQUIRED), Length(max=300)],
                         description=_l("For example: the volunteer has no phone."))


class ReviewForm(FlaskForm):
    minutes = IntegerField(_l("Minutes to grant"), [Optional(), NumberRange(0, 10080)])
    note = StringField(_l("Note (needed when you change the minutes or reject)"), [Optional(), Length(max=300)])


class ReverseForm(FlaskForm):
    reason = StringField(_l("Reason for the correction"), [InputRequired(REQUIRED), Length(max=300)])


class GiveHoursForm(FlaskForm):
    email = EmailField(_l("Family member's email"), [InputRequired(REQUIRED), Length(max=254)])
    minutes = IntegerField(_l("Minutes to give"), [InputRequired(WHOLE), NumberRange(1, 6_000_000)])


class ClaimForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    served_on = DateField(_l("Date of service"), [InputRequired(REQUIRED)])
    minutes = IntegerField(_l("Minutes served"), [InputRequired(WHOLE), NumberRange(1, 1440)])
    description = TextAreaField(_l("What you did"), [InputRequired(REQUIRED), Length(max=1000)])
    evidence = FileField(_l("Evidence (photo or PDF, up to 5 MB)"))
