"""Forms of the fund pages: they check shape only; the services check the rules.
Amounts are typed in yuan and held as whole fen (`wishes.forms.YuanField`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from marketplace.funds.models import KIND_LABELS
from marketplace.web.too_large import UploadField
from marketplace.wishes.forms import YuanField, optional_id

REQUIRED = _l("This field is required.")


def kind_label(kind: str) -> str:
    return KIND_LABELS(kind)


class FundForm(FlaskForm):
    kind = SelectField(_l("Kind"), [InputRequired(REQUIRED)], choices=lambda: KIND_LABELS.choices())
    name_zh = StringField(_l("Name in Chinese"), [InputRequired(REQUIRED), Length(max=120)])
    name_en = StringField(_l("Name in English"), [InputRequired(REQUIRED), Length(max=160)])
    purpose = TextAreaField(_l("Purpose (shown in public)"), [Optional(), Length(max=5000)])
    district_id = SelectField(_l("Community (community funds)"), coerce=optional_id, choices=[])
    named_after = StringField(_l("Named after (named funds: the donor or firm)"), [Optional(), Length(max=120)])


class DisbursementForm(FlaskForm):
    payee = StringField(_l("Payee"), [InputRequired(REQUIRED), Length(max=160)],
                        description=_l("A supplier, or the organisation serving the beneficiary."))
    purpose = StringField(_l("Purpose"), [InputRequired(REQUIRED), Length(max=500)])
    amount = YuanField(_l("Amount (yuan)"), description=_l("For example 500 or 500.50."),
                       render_kw={"inputmode": "decimal", "maxlength": 20})
    listing_id = SelectField(_l("For the wish or need"), coerce=optional_id, choices=[])
    evidence = UploadField(_l("Receipt or invoice (JPEG, PNG or PDF; kept private)"))

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(str(_l("Enter the amount in yuan.")))


class RejectForm(FlaskForm):
    reason = StringField(_l("Reason"), [InputRequired(REQUIRED), Length(max=300)])


class PublishReceiptForm(FlaskForm):
    receipt = UploadField(_l("Redacted copy for the public (JPEG, PNG or PDF)"))
    confirm = BooleanField(_l("I have covered every private detail (names, phone numbers, addresses, ID numbers)."),
                           [InputRequired(_l("Confirm the copy holds no private details."))])
