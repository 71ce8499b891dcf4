"""Forms of the public and donor wish pages: they check shape only; the services check the rules.

Amounts are typed in yuan and read exactly into fen (no floats).
"""
from __future__ import annotations

import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import ValidationError

from marketplace.wishes.models import ClaimMethod

# up to ¥9,999,999,999.99, within the services' 10**12 fen
YUAN = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,2})?$")


def parse_yuan(text) -> int | None:
    """Read an amount in yuan ("150", "150.5", "1,500.00", "¥150") as fen; None when it is not one."""
    if not isinstance(text, str):
        return None
    cleaned = text.strip().replace(",", "").replace("，", "").lstrip("¥￥").strip()
    if not YUAN.match(cleaned):
        return None
    return int(Decimal(cleaned) * 100)


def optional_id(value) -> int | None:
    """Coerce a select's value to an id; the empty choice reads as None."""
    if value in ("", None):
        return None
    return int(value)


def optional_text(value) -> str | None:
    """Coerce a select's value to text; the empty choice reads as None."""
    return value or None


class YuanField(StringField):
    """An amount typed in yuan; `.data` holds it in fen, exactly."""

    def process_formdata(self, valuelist):
        self.data = None
        text = valuelist[0].strip() if valuelist else ""
        if text:
            self.data = parse_yuan(text)
            if self.data is None:
                raise ValueError(str(_l("Enter an amount in yuan, for example 150 or 150.50.")))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data // 100}.{self.data % 100:02d}"


class ClaimForm(FlaskForm):
    method = RadioField(_l("How will you fulfil it?"), default=ClaimMethod.IN_KIND.value, choices=[
        (ClaimMethod.IN_KIND.value, _l("In kind: I buy the item and bring it to the station")),
        (ClaimMethod.MONEY.value, _l("By money: I pay the estimated value")),
    ])
    organisation_id = SelectField(_l("On behalf of"), coerce=optional_id, choices=[])


class PledgeForm(FlaskForm):
    amount = YuanField(_l("Amount (yuan)"), description=_l("For example 500 or 500.50."),
                       render_kw={"inputmode": "decimal", "maxlength": 20})
    organisation_id = SelectField(_l("On behalf of"), coerce=optional_id, choices=[])

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(str(_l("Enter the amount you pledge, in yuan.")))
