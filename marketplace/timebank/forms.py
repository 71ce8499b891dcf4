"""Time-bank forms: they check shape only; the service checks the rules."""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.platform.timeutil import from_local
from marketplace.timebank.labels import CARE_SERVICES, CATEGORIES
from marketplace.web.dates import LocalDateField
from marketplace.web.too_large import UploadField

REQUIRED = _l("This field is required.")
WHOLE = _l("Enter a whole number.")


def category_choices():
    return CATEGORIES.choices()


def to_utc(local: datetime | None) -> datetime | None:
    """Read a time typed in the site's time zone (Guangzhou by default) as an aware UTC time."""
    return from_local(local) if local is not None else None


class ActivityForm(FlaskForm):
    title = StringField(_l("Title"), [InputRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    category = SelectField(_l("Category"), choices=category_choices())
    district_id = SelectField(_l("District"), coerce=int)
    address = StringField(_l("Address"), [Optional(), Length(max=200)])
    starts_at = DateTimeLocalField(_l("Starts"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Ends"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    signup_cutoff_at = DateTimeLocalField(
        _l("Sign-up closes (optional)"), [Optional()], format="%Y-%m-%dT%H:%M",
        description=_l("Volunteers see this; they can sign up or give up their place until then."))
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


class HourReportForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    served_on = LocalDateField(_l("Date of service"), [InputRequired(REQUIRED)])
    minutes = IntegerField(_l("Minutes served"), [InputRequired(WHOLE), NumberRange(1, 1440)])
    description = TextAreaField(_l("What you did"), [InputRequired(REQUIRED), Length(max=1000)])
    evidence = UploadField(_l("Evidence (photo or PDF, up to 5 MB)"))


def service_choices():
    return CARE_SERVICES.choices()


class CareForm(FlaskForm):
    organisation_id = SelectField(_l("Organisation that arranges it"), coerce=int)
    recipient_name = StringField(_l("Who is the care for"), [InputRequired(REQUIRED), Length(max=80)],
                                 description=_l("Only the volunteer who takes the request and coordinators see it."))
    service = SelectField(_l("Service"), choices=service_choices())
    details = TextAreaField(_l("Details"), [Optional(), Length(max=2000)])
    district_id = SelectField(_l("District"), coerce=int)
    address = StringField(_l("Address where the care is given"), [Optional(), Length(max=200)],
                          description=_l("The volunteer sees it once matched, until the care is given."))
    contact = StringField(_l("Phone or other contact"), [Optional(), Length(max=100)],
                          description=_l("The volunteer sees it once matched, until the care is given."))
    scheduled_at = DateTimeLocalField(_l("When"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    minutes = IntegerField(_l("Expected minutes"), [InputRequired(WHOLE), NumberRange(15, 720)], default=60)
    from_pool = BooleanField(_l("Pay from the organisation's community hour pool"))


class DisputeForm(FlaskForm):
    note = StringField(_l("What went wrong"), [InputRequired(REQUIRED), Length(max=300)])


class SettleForm(FlaskForm):
    minutes = IntegerField(_l("Minutes to pay the volunteer"), [InputRequired(WHOLE), NumberRange(0, 720)])
    note = StringField(_l("Reason"), [InputRequired(REQUIRED), Length(max=300)])


class PoolForm(FlaskForm):
    minutes = IntegerField(_l("Minutes to give to the pool"), [InputRequired(WHOLE), NumberRange(1, 6_000_000)])


class SpotCheckForm(FlaskForm):
    period_start = LocalDateField(_l("From"), [InputRequired(REQUIRED)])
    period_end = LocalDateField(_l("To"), [InputRequired(REQUIRED)])
    size = IntegerField(_l("How many to check"), [InputRequired(WHOLE), NumberRange(1, 500)], default=10)


class SpotCheckMarkForm(FlaskForm):
    outcome = SelectField(_l("Outcome"), choices=[("confirmed", _l("Confirmed")), ("disputed", _l("Disputed"))])
    note = StringField(_l("Note (needed when disputed)"), [Optional(), Length(max=300)])
    reverse = BooleanField(_l("Reverse these hours"))


class ImportForm(FlaskForm):
    title = StringField(_l("Title"), [InputRequired(REQUIRED), Length(max=120)],
                        description=_l("For example: river clean-up, 8 March, Tianhe team."))
    upload = UploadField(_l("Sheet of hours (CSV or XLSX, up to 5 MB)"))
