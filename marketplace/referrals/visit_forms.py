"""The visit form (探访记录), made for a phone: it checks shape only; `visits.record_visit` checks the rules."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, IntegerField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.referrals.labels import NEED_KINDS, URGENCIES, VISIT_MODES
from marketplace.referrals.visits import FINDINGS, LONGEST_FINDING
from marketplace.web.dates import LocalDateField
from marketplace.wishes.staff_forms import PlanRows

REQUIRED = _l("This field is required.")
WHOLE = _l("Enter a whole number.")
NEED_ROWS = 2
FINDING_LABELS = {"living": _l("Living"), "health": _l("Health"), "housing": _l("Housing"),
                  "education": _l("Education"), "medical": _l("Medical care")}


def need_kind_choices():
    return [("", _("(none)"))] + NEED_KINDS.choices()


class NeedRowForm(Form):
    """One need found on the visit; a row left empty is skipped."""

    need_kind = SelectField(_l("Kind of help needed"), choices=need_kind_choices, default="")
    urgency = SelectField(_l("Urgency"), choices=URGENCIES.choices, default="normal")
    description = TextAreaField(_l("What is needed"), [Optional(), Length(max=2000)])


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VisitForm(FlaskForm):
    visited_on = LocalDateField(_l("Day of the visit"), [InputRequired(REQUIRED)])
    mode = RadioField(_l("How"), [InputRequired(REQUIRED)], choices=VISIT_MODES.choices, default="home")
    minutes = IntegerField(_l("Minutes spent"), [InputRequired(WHOLE), NumberRange(0, 1440)], default=30,
                           description=_l("A volunteer's minutes are sent to the organisation's coordinators to "
                                          "credit as time-bank hours."))
    visitors = CheckboxesField(_l("Who else came"), coerce=int, validate_choice=False)
    living = TextAreaField(FINDING_LABELS["living"], [Optional(), Length(max=LONGEST_FINDING)])
    health = TextAreaField(FINDING_LABELS["health"], [Optional(), Length(max=LONGEST_FINDING)])
    housing = TextAreaField(FINDING_LABELS["housing"], [Optional(), Length(max=LONGEST_FINDING)])
    education = TextAreaField(FINDING_LABELS["education"], [Optional(), Length(max=LONGEST_FINDING)])
    medical = TextAreaField(FINDING_LABELS["medical"], [Optional(), Length(max=LONGEST_FINDING)])
    needs = PlanRows(FormField(NeedRowForm), label=_l("Needs found"), min_entries=NEED_ROWS, max_entries=10)

    def fields_for_service(self) -> dict:
        """The checked shape, as `visits.record_visit` takes it."""
        data = {name: getattr(self, name).data for name in ("visited_on", "mode", "minutes", "visitors")}
        data.update({name: getattr(self, name).data or "" for name in FINDINGS})
        data["needs"] = [row.data for row in self.needs]
        return data
