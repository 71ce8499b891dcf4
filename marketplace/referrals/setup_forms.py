"""Forms of the catalogue, officers, communities, households' care records and the policy worklist: they
check shape only; the services (catalogue, officers, households, policy) check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from marketplace.orgs.forms import district_choices
from marketplace.platform.labels import Labels
from marketplace.referrals.labels import CATEGORIES, FACTS, ITEM_KINDS, NEED_KINDS
from marketplace.referrals.models import PolicyCheck
from marketplace.wishes.forms import YuanField, optional_id

REQUIRED = _l("This field is required.")


class Checkboxes(SelectMultipleField):
    """Several choices as checkboxes; a code not among the choices is refused with the field's message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label, labels: Labels, message, **kwargs):
        super().__init__(label, choices=lambda: labels.choices(), **kwargs)
        self.message = message

    def pre_validate(self, form):
        known = {str(code) for code, _label in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError(str(self.message))


class ItemForm(FlaskForm):
    code = StringField(_l("Code"), [InputRequired(REQUIRED), Length(max=32)],
                       description=_l("Small letters, digits and dashes, such as old-age-allowance."))
    kind = SelectField(_l("Kind"), [InputRequired(REQUIRED)], choices=lambda: ITEM_KINDS.choices())
    need_kind = SelectField(_l("Kind of help"), [InputRequired(REQUIRED)], choices=lambda: NEED_KINDS.choices())
    name_zh = StringField(_l("Name in Chinese"), [InputRequired(REQUIRED), Length(max=80)])
    name_en = StringField(_l("Name in English"), [InputRequired(REQUIRED), Length(max=120)])
    description = TextAreaField(_l("Description (optional)"), [Optional(), Length(max=2000)])
    categories = Checkboxes(_l("Categories it is for (none ticked: every category)"), CATEGORIES,
                            _l("Choose categories from the list."))
    required_facts = Checkboxes(_l("Facts a household must have (policy items)"), FACTS,
                                _l("Choose facts from the list."))
    organisation_id = SelectField(_l("Organisation running it (charity programmes)"), coerce=optional_id, choices=[])
    fund_id = SelectField(_l("Fund paying for it (charity programmes, optional)"), coerce=optional_id, choices=[])
    budget = YuanField(_l("Budget in yuan (charity programmes)"), [Optional()],
                       render_kw={"inputmode": "decimal", "maxlength": 20})


class ActiveForm(FlaskForm):
    active = SelectField(_l("In the catalogue"), [InputRequired(REQUIRED)], choices=[("1", _l("Yes")), ("0", _l("No"))])


class OfferForm(FlaskForm):
    item_id = SelectField(_l("Item"), [InputRequired(REQUIRED)], coerce=optional_id, choices=[])
    district_id = SelectField(_l("District"), [InputRequired(REQUIRED)], coerce=optional_id,
                              choices=lambda: district_choices())


class OfficerForm(FlaskForm):
    email = EmailField(_l("Email of the person's account"), [InputRequired(REQUIRED), Length(max=254)])
    district_id = SelectField(_l("District"), [InputRequired(REQUIRED)], coerce=optional_id,
                              choices=lambda: district_choices())


class CommunityForm(FlaskForm):
    code = StringField(_l("Code"), [InputRequired(REQUIRED), Length(max=32)],
                       description=_l("Small letters, digits and dashes, such as east-street."))
    name_zh = StringField(_l("Name in Chinese"), [InputRequired(REQUIRED), Length(max=60)])
    name_en = StringField(_l("Name in English"), [InputRequired(REQUIRED), Length(max=100)])
    district_id = SelectField(_l("District"), [InputRequired(REQUIRED)], coerce=optional_id,
                              choices=lambda: district_choices())
    sort_order = IntegerField(_l("Order"), [Optional(), NumberRange(min=0, max=10000)], default=0)


class CareForm(FlaskForm):
    categories = Checkboxes(_l("Categories (at least one)"), CATEGORIES,
                            _l("Choose at least one category from the list."))
    community_id = SelectField(_l("Community"), coerce=optional_id, choices=[])
    facts = Checkboxes(_l("Recorded facts"), FACTS, _l("Choose facts from the list."),
                       description=_l("Policy items a household may be eligible for are found from these."))
    social_worker_id = SelectField(_l("Social worker"), coerce=optional_id, choices=[])
    visitors = TextAreaField(_l("Visitors (emails of their accounts, one a line)"), [Optional(), Length(max=2000)],
                             description=_l("Each visitor sees this household's record and its due visits."))


class PolicyForm(FlaskForm):
    status = SelectField(_l("What became of it"), [InputRequired(REQUIRED)],
                         choices=lambda: [(s, PolicyCheck.machine.label(s)) for s in PolicyCheck.machine.states])
    reason = StringField(_l("Why (required for not eligible)"), [Optional(), Length(max=300)])


def choices_with_none(choices) -> list:
    """A select's choices with an empty first choice."""
    return [("", _l("(none)"))] + list(choices)
