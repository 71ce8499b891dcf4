"""Forms of the points pages: a reward offered, an exchange asked for, a plaque's year (shape only)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

REQUIRED = _l("This field is required.")


class RewardForm(FlaskForm):
    name = StringField(_l("What you give (e.g. 10 kg of rice)"), [InputRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("More about it (optional)"), [Optional(), Length(max=300)])
    points = StringField(_l("Points for one"), [InputRequired(REQUIRED), Length(max=12)])
    stock = StringField(_l("How many you have"), [InputRequired(REQUIRED), Length(max=12)])


class ExchangeForm(FlaskForm):
    reward_id = SelectField(_l("Reward"), choices=[], validate_choice=False, validators=[InputRequired(REQUIRED)])
    quantity = StringField(_l("How many"), [InputRequired(REQUIRED), Length(max=12)], default="1")


class PlaqueForm(FlaskForm):
    year = SelectField(_l("Year"), choices=[], validate_choice=False, validators=[InputRequired(REQUIRED)])
