"""The form to close a period: it checks shape only; the service checks the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from marketplace.reconciliation.periods import month_end


class PeriodCloseForm(FlaskForm):
    # Any month may be posted: the service answers a month not yet ended or already closed in words.
    month = SelectField(_l("Close the books through the end of"), choices=[], validate_choice=False)
    note = TextAreaField(_l("Note (optional)"), [Optional(), Length(max=500)], render_kw={"maxlength": 500})
    confirm = HiddenField()

    def validate_month(self, field):
        if month_end(field.data or "") is None:
            raise ValidationError(str(_l("Choose a month, such as 2026-10.")))
