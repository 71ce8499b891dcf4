"""Forms for offline gifts and firms' choices: they check shape only; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from marketplace.auth.models import PublicDisplay
from marketplace.payments.models import Provider
from marketplace.web.dates import LocalDateField
from marketplace.web.too_large import UploadField
from marketplace.wishes.forms import YuanField, optional_id

REQUIRED = _l("This field is required.")


def display_choices():
    return [(PublicDisplay.NAME.value, _l("By name")), (PublicDisplay.MASKED.value, _l("Masked (张**)")),
            (PublicDisplay.ANONYMOUS.value, _l("Anonymously"))]


class OfflineGiftForm(FlaskForm):
    fund_id = SelectField(_l("Fund"), coerce=optional_id, choices=[])
    method = RadioField(_l("How the money came"), default=Provider.BANK.value, choices=[
        (Provider.BANK.value, _l("Bank transfer")), (Provider.CASH.value, _l("Cash"))])
    amount = YuanField(_l("Amount (yuan)"), description=_l("For example 500 or 500.50."),
                       render_kw={"inputmode": "decimal", "maxlength": 20})
    payer_email = EmailField(_l("Payer's email (if they have an account)"), [Optional(), Length(max=254)],
                             description=_l("The receipt is emailed to them and shows on their giving page."))
    payer_name = StringField(_l("Payer's name (if they have no account)"), [Optional(), Length(max=120)])
    firm_id = SelectField(_l("Given by a firm (optional)"), coerce=optional_id, choices=[])
    display = RadioField(_l("How the donor appears"), default=PublicDisplay.MASKED.value, choices=display_choices())
    reference = StringField(_l("Bank reference or cash slip number (optional)"), [Optional(), Length(max=120)])
    received_on = LocalDateField(_l("Date received"), [InputRequired(REQUIRED)],
                            description=_l("The day the money reached the bank or the cash box; not in the future."))
    late_entry = BooleanField(_l("Late entry: the day received is in a closed period; book it in the open period"),
                              description=_l("Finance staff only. The gift and its receipt keep the day received."))
    evidence = UploadField(_l("Evidence: bank slip or cash receipt (JPEG, PNG or PDF)"))

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(str(_l("Enter the amount received, in yuan.")))

    def validate_fund_id(self, field):
        if field.data is None:
            raise ValidationError(str(_l("Choose one of the organisation's open funds.")))
