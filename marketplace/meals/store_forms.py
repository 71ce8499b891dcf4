"""Forms of a firm's store pages and the platform's checks: they check shape only; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.meals.labels import PERMIT_KINDS, STORE_KINDS
from marketplace.web.dates import LocalDateField
from marketplace.web.too_large import UploadField
from marketplace.wishes.forms import YuanField

REQUIRED = _l("This field is required.")
WHOLE = _l("Enter a whole number.")
WINDOWS_HINT = _l("When meals are handed out each day, e.g. 11:00-13:30, 17:00-19:30.")


class StoreEditForm(FlaskForm):
    name = StringField(_l("Name of the store"), [InputRequired(REQUIRED), Length(max=120)])
    address = StringField(_l("Address"), [InputRequired(REQUIRED), Length(max=300)],
                          description=_l("Shown to people looking for a meal."))
    windows = StringField(_l("Serving times"), [InputRequired(REQUIRED), Length(max=200)],
                          description=WINDOWS_HINT)


class StoreForm(StoreEditForm):
    firm_id = SelectField(_l("Firm"), choices=[], validators=[InputRequired(REQUIRED)])
    kind = SelectField(_l("Kind"), choices=lambda: STORE_KINDS.choices(), validators=[InputRequired(REQUIRED)])
    district_id = SelectField(_l("District"), choices=[], validators=[InputRequired(REQUIRED)])


class PermitForm(FlaskForm):
    kind = SelectField(_l("Which permit"), choices=lambda: PERMIT_KINDS.choices(),
                       validators=[InputRequired(REQUIRED)])
    number = StringField(_l("Number on the permit"), [InputRequired(REQUIRED), Length(max=60)])
    expires_on = LocalDateField(_l("Valid until"), [InputRequired(REQUIRED)])
    upload = UploadField(_l("Photo or scan (JPEG, PNG or PDF)"))


class QuotaForm(FlaskForm):
    meals_per_day = IntegerField(_l("Meals a day"), [InputRequired(WHOLE), NumberRange(min=1, max=10_000)])
    contents = StringField(_l("What one meal holds"), [InputRequired(REQUIRED), Length(max=300)],
                           description=_l("For example 一荤两素一汤."))
    value = YuanField(_l("Value of one meal (yuan)"), [InputRequired(REQUIRED)])
    starts_on = LocalDateField(_l("First day"), [InputRequired(REQUIRED)])
    ends_on = LocalDateField(_l("Last day"), [InputRequired(REQUIRED)])


class PauseForm(FlaskForm):
    day = LocalDateField(_l("Day without meals"), [InputRequired(REQUIRED)])
    reason = StringField(_l("Why (optional)"), [Optional(), Length(max=300)])


class StockForm(FlaskForm):
    name = StringField(_l("What the blind box holds"), [InputRequired(REQUIRED), Length(max=120)])
    quantity = IntegerField(_l("How many"), [InputRequired(WHOLE), NumberRange(min=0, max=100_000)])
    value = YuanField(_l("Value of one (yuan, optional)"), [Optional()])


class QuantityForm(FlaskForm):
    quantity = IntegerField(_l("How many are left"), [InputRequired(WHOLE), NumberRange(min=0, max=100_000)])


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), [InputRequired(REQUIRED), Length(max=300)])
