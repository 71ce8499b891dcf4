"""Forms of the agreement pages: they check shape only; agreements.py checks the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

REQUIRED = _l("This field is required.")
MINUTES = _l("Give the minutes as a whole number from 1 to 600.")


def _minutes_field(label, required=True):
    return IntegerField(label, [InputRequired(MINUTES) if required else Optional(), NumberRange(1, 600, MINUTES)],
                        render_kw={"inputmode": "numeric"})


class ActingForm(FlaskForm):
    """Every button's form: a coordinator chooses whom they act for (a side's member id); members leave it."""

    for_member = StringField(_l("For member"), [Optional(), Length(max=12)])


class ProposeForm(ActingForm):
    starts_at = DateTimeLocalField(_l("Day and time"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    minutes = _minutes_field(_l("Minutes"))
    note = TextAreaField(_l("A note for them (optional)"), [Optional(), Length(max=1000)])
    for_member = SelectField(_l("For member"), choices=[], validate_choice=False, default="")


class NoteForm(ActingForm):
    note = TextAreaField(_l("Note (optional)"), [Optional(), Length(max=1000)])


class ReasonForm(ActingForm):
    note = TextAreaField(_l("What happened"), [InputRequired(REQUIRED), Length(max=1000)])


class MinutesForm(ActingForm):
    minutes = _minutes_field(_l("Minutes served"))
    note = TextAreaField(_l("Note (optional)"), [Optional(), Length(max=1000)])


class ConfirmForm(ActingForm):
    minutes = _minutes_field(_l("Minutes served"), required=False)


class SettleForm(FlaskForm):
    outcome = RadioField(_l("Outcome"), choices=[("minutes", _l("Move these minutes")),
                                                ("none", _l("Move no minutes: call it off"))],
                         validators=[InputRequired(REQUIRED)], default="minutes")
    minutes = _minutes_field(_l("Minutes"), required=False)
    note = TextAreaField(_l("Why (both sides read this)"), [InputRequired(REQUIRED), Length(max=1000)])


class CoordinatorNoteForm(FlaskForm):
    note = TextAreaField(_l("Note to both sides"), [Optional(), Length(max=1000)])


class EndorseForm(ActingForm):
    text = TextAreaField(_l("A few words about them"), [InputRequired(REQUIRED), Length(max=300)],
                         description=_l("Shown on their public profile. Up to 300 characters."))
