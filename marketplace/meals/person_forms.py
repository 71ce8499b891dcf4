"""Forms of people's meal pages: they check shape only; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from marketplace.meals.labels import SITUATIONS
from marketplace.orgs.forms import district_choices

REQUIRED = _l("This field is required.")


class PhoneForm(FlaskForm):
    phone = StringField(_l("Your mobile number"), [InputRequired(REQUIRED), Length(max=20)],
                        description=_l("We send you a code by text message. We never keep your number."))


class ConfirmForm(FlaskForm):
    phone = StringField(_l("Your mobile number"), [InputRequired(REQUIRED), Length(max=20)])
    code = StringField(_l("The 6-digit code"), [InputRequired(REQUIRED), Length(max=12)])


class DayForm(FlaskForm):
    day = HiddenField(_l("Day"), [InputRequired(REQUIRED), Length(max=10)])


class BoxForm(FlaskForm):
    stock_item_id = HiddenField(_l("Box"), [InputRequired(REQUIRED), Length(max=12)])


class ThanksForm(FlaskForm):
    text = TextAreaField(_l("Say thank you (no names, please)"), [InputRequired(REQUIRED), Length(max=500)])


class NeedForm(FlaskForm):
    situation = SelectField(_l("Your situation"), choices=lambda: SITUATIONS.choices(),
                            validators=[InputRequired(REQUIRED)])
    district_id = SelectField(_l("Your district"), choices=lambda: district_choices(), coerce=int,
                              validators=[InputRequired(REQUIRED)])
    statement = TextAreaField(_l("Why you need meals"), [InputRequired(REQUIRED), Length(max=2000)],
                              description=_l("Only the people who check it read this."))


class RejectForm(FlaskForm):
    reason = StringField(_l("Why not"), [InputRequired(REQUIRED), Length(max=300)])
