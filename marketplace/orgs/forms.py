"""Organisation and membership forms (shape only)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, NumberRange, Optional

from marketplace.orgs.models import ORG_KINDS, Role
from marketplace.orgs.service import districts
from marketplace.web.names import name_choices


def district_choices():
    """Return (id, name in the current language) for every district."""
    return name_choices(districts())


def kind_choices():
    return ORG_KINDS.choices()


def role_choices():
    return [
        (Role.MEMBER.value, _l("Member")),
        (Role.COORDINATOR.value, _l("Coordinator (runs activities, approves hours)")),
        (Role.STAFF.value, _l("Staff (beneficiaries, needs and funds)")),
        (Role.FINANCE.value, _l("Finance (staff who also close the books and book late gifts)")),
        (Role.ADMIN.value, _l("Admin (the organisation and its members)")),
    ]


class OrganisationForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=kind_choices())
    name_zh = StringField(_l("Name in Chinese"), [InputRequired(_l("This field is required.")), Length(max=120)])
    name_en = StringField(_l("Name in English"), [InputRequired(_l("This field is required.")), Length(max=160)])
    district_id = SelectField(_l("District"), coerce=int, validate_choice=False)
    description = TextAreaField(_l("Description"), [Optional(), Length(max=4000)])
    contact_name = StringField(_l("Contact person"), [Optional(), Length(max=80)])
    contact_phone = StringField(_l("Contact phone"), [Optional(), Length(max=32)])
    contact_email = EmailField(
        _l("Contact email"), [Optional(), Length(max=254), Email(_l("Enter a valid email address."))]
    )
    registered_name = StringField(_l("Registered name (as on the registration certificate)"),
                                  [Optional(), Length(max=200)],
                                  description=_l("Printed on receipts. Leave empty if it is the Chinese name."))
    credit_code = StringField(_l("Unified social credit code (统一社会信用代码)"), [Optional(), Length(max=40)],
                              render_kw={"autocapitalize": "characters", "spellcheck": "false"},
                              description=_l("18 characters, printed on donation receipts."))
    address = StringField(_l("Registered address"), [Optional(), Length(max=300)])


class InviteForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        [InputRequired(_l("Enter an email address.")), Length(max=254), Email(_l("Enter a valid email address."))],
    )
    role = SelectField(_l("Role"), choices=role_choices())


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=role_choices())


class DistrictForm(FlaskForm):
    code = StringField(_l("Code"), [InputRequired(_l("This field is required.")), Length(max=32)])
    name_zh = StringField(_l("Name in Chinese"), [InputRequired(_l("This field is required.")), Length(max=40)])
    name_en = StringField(_l("Name in English"), [InputRequired(_l("This field is required.")), Length(max=60)])
    sort_order = IntegerField(_l("Order"), [Optional(), NumberRange(min=0, max=10000)], default=0)
    is_active = BooleanField(_l("In use"), default=True)
