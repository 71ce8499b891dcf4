"""Forms of a listing's money on the staff page: cancel it (refund or reallocate), decide a proposed
cancellation, record a co-funding share received. Shape only; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from marketplace.web.dates import LocalDateField
from marketplace.wishes import labels
from marketplace.wishes.forms import YuanField
from marketplace.wishes.models import CancellationAction

REQUIRED = _l("This field is required.")


def money_context(user, listing) -> dict:
    """What the staff page's money section needs: the open cancellation, and which forms to offer."""
    from marketplace.orgs.policy import can
    from marketplace.wishes.rows import open_cancellation

    may = can(user, "org.manage_funds", listing.organisation)
    return {"money_staff": may, "open_cancellation": open_cancellation(listing) if may else None,
            "cancel_form": CancelForm(formdata=None), "decide_form": DecideForm(formdata=None),
            "share_form": ShareForm(formdata=None),
            "takes_shares": may and listing.kind == "household_need" and listing.status in ("published", "claimed")
            and not listing.is_funded}


class CancelForm(FlaskForm):
    action = RadioField(_l("What happens to the money"), [InputRequired(REQUIRED)], choices=[
        (CancellationAction.REFUND.value, _l("Refund every donor")),
        (CancellationAction.REALLOCATE.value, _l("Move it to the organisation's community fund")),
    ])
    reason = StringField(_l("Reason (shown with the money in the public accounts)"),
                         [InputRequired(REQUIRED), Length(max=300)])


class DecideForm(FlaskForm):
    decision = StringField(validators=[AnyOf(["confirm", "reject"])])


class ShareForm(FlaskForm):
    source = SelectField(_l("Received from"), [InputRequired(REQUIRED)], choices=lambda: [
        (s, labels.SOURCES(s)) for s in ("government", "charity", "family")])
    amount = YuanField(_l("Amount received (yuan)"), [InputRequired(REQUIRED)])
    received_on = LocalDateField(_l("Day the money arrived"), [InputRequired(REQUIRED)])
    reference = StringField(_l("Reference (optional)"), [Optional(), Length(max=120)])
