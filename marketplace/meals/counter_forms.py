"""The counter's form: the code typed, or the text a scan read (shape only: the service reads it)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, Length

REQUIRED = _l("Type the code, or scan it.")


class CounterForm(FlaskForm):
    code = StringField(_l("Meal code"), [DataRequired(REQUIRED), Length(max=300)],
                       filters=[lambda text: text.strip() if isinstance(text, str) else text],
                       description=_l("The 6 letters and numbers under the QR code, or scan the QR code."))
