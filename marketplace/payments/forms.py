"""Forms of the giving pages: they check shape only (the services check the amounts and rules).

Amounts are typed in yuan and read exactly into fen by the wishes' YuanField.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from marketplace.auth.models import PublicDisplay
from marketplace.payments.models import ExcessChoice
from marketplace.wishes.forms import YuanField, optional_id

DISPLAY_CHOICES = [
    (PublicDisplay.NAME.value, _l("By my name")),
    (PublicDisplay.MASKED.value, _l("Masked (for example 张**)")),
    (PublicDisplay.ANONYMOUS.value, _l("Anonymously")),
]


class PayForm(FlaskForm):
    """Paying an amount fixed by our records: a wish's value or a pledge."""

    display = RadioField(_l("How to appear in public lists"), choices=DISPLAY_CHOICES)
    message = TextAreaField(_l("Message (optional)"), validators=[Length(max=300)],
                            render_kw={"maxlength": 300, "rows": 3})
    excess_choice = RadioField(_l("If it is fully funded by others before your payment arrives"),
                               default=ExcessChoice.COMMUNITY.value, choices=[
                                   (ExcessChoice.COMMUNITY.value,
                                    _l("Give what it no longer needs to the organisation's community fund")),
                                   (ExcessChoice.REFUND.value, _l("Refund me what it no longer needs"))])


class NeedGiveForm(PayForm):
    """A gift of the donor's chosen amount, up to what a household need still lacks."""

    amount = YuanField(_l("Amount (yuan)"), render_kw={"inputmode": "decimal", "maxlength": 20})

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(str(_l("Enter the amount you give, in yuan.")))


class GiveForm(PayForm):
    """A gift of the donor's chosen amount to a fund."""

    amount = YuanField(_l("Amount (yuan)"), description=_l("At least ¥1."),
                       render_kw={"inputmode": "decimal", "maxlength": 20})
    organisation_id = SelectField(_l("On behalf of"), coerce=optional_id, choices=[])

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(str(_l("Enter the amount you give, in yuan.")))


class DemoCheckoutForm(FlaskForm):
    outcome = HiddenField(validators=[AnyOf(["pay", "decline"])])


class PayoutForm(FlaskForm):
    payout_id = StringField(_l("Stripe payout id"), [InputRequired(_l("This field is required.")), Length(max=120)])
    amount = YuanField(_l("Amount (yuan)"), [InputRequired(_l("This field is required."))])
