"""Forms of the referral loop's pages: they check shape only; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.referrals.labels import NEED_KINDS, URGENCIES
from marketplace.timebank.forms import service_choices
from marketplace.web.too_large import UploadField
from marketplace.wishes.forms import YuanField

REQUIRED = _l("This field is required.")


class IntakeForm(FlaskForm):
    need_kind = SelectField(_l("Kind of help needed"), choices=lambda: NEED_KINDS.choices(),
                            validators=[InputRequired(REQUIRED)])
    item_id = SelectField(_l("Catalogue item (if known)"), choices=[], validate_choice=False, default="")
    urgency = RadioField(_l("How urgent"), choices=lambda: URGENCIES.choices(), default="normal",
                         validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l("What is needed"), [InputRequired(REQUIRED), Length(max=2000)],
                                description=_l("Read by the organisation that helps; never shown in public."))
    private_details = TextAreaField(_l("Private details"), [Optional(), Length(max=2000)],
                                    description=_l("Only the household's own organisation reads these."))


class AskForm(FlaskForm):
    """The household's own form, on its link: the fewest questions."""

    need_kind = SelectField(_l("Kind of help needed"), choices=lambda: NEED_KINDS.choices(),
                            validators=[InputRequired(REQUIRED)])
    urgency = RadioField(_l("How urgent"), choices=lambda: URGENCIES.choices(), default="normal",
                         validators=[InputRequired(REQUIRED)])
    description = TextAreaField(_l("What do you need?"), [InputRequired(REQUIRED), Length(max=2000)])
    proxy_name = StringField(_l("Filled in by (if not the household itself)"), [Optional(), Length(max=80)])


class DispatchForm(FlaskForm):
    organisation_ids = SelectMultipleField(_l("Send to"), choices=[], coerce=str,
                                           validators=[InputRequired(REQUIRED)])
    owner_id = SelectField(_l("Person expected to handle it (optional)"), choices=[], validate_choice=False,
                           default="")


class ReasonForm(FlaskForm):
    reason = StringField(_l("Reason"), [InputRequired(REQUIRED), Length(max=300)])


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Note"), [InputRequired(REQUIRED), Length(max=2000)])


class InKindForm(FlaskForm):
    what = StringField(_l("Goods or services given"), [InputRequired(REQUIRED), Length(max=500)])
    value = YuanField(_l("Declared value (yuan)"), [InputRequired(REQUIRED)])


class CashForm(FlaskForm):
    fund_id = SelectField(_l("From fund"), choices=[], validate_choice=False)
    payee = StringField(_l("Paid to"), [InputRequired(REQUIRED), Length(max=160)])
    purpose = StringField(_l("For"), [InputRequired(REQUIRED), Length(max=500)])
    amount = YuanField(_l("Amount (yuan)"), [InputRequired(REQUIRED)])
    evidence = UploadField(_l("Receipt or invoice (JPEG, PNG or PDF)"))


class FileForm(FlaskForm):
    upload = UploadField(_l("File (JPEG, PNG or PDF)"))
    text = StringField(_l("What it is"), [Optional(), Length(max=300)])


class DoneForm(FlaskForm):
    outcome = TextAreaField(_l("What was achieved"), [InputRequired(REQUIRED), Length(max=2000)])


class FeedbackForm(FlaskForm):
    solved = RadioField(_l("Is the need met?"), choices=[("yes", _l("Yes, it is met")),
                                                         ("no", _l("Not yet"))],
                        validators=[InputRequired(REQUIRED)])
    satisfaction = RadioField(_l("How satisfied (1–5)"), choices=[(str(n), str(n)) for n in range(1, 6)],
                              validators=[Optional()], validate_choice=True)
    note = TextAreaField(_l("Anything to add"), [Optional(), Length(max=500)],
                         description=_l("When it is not met yet, say what is missing."))


class WishForm(FlaskForm):
    """A draft micro-wish or household need made from a referral (the wishes' own rules apply)."""

    kind = SelectField(_l("Kind"), choices=[("wish", _l("Micro-wish")), ("household_need", _l("Household need"))])
    title = StringField(_l("Title"), [InputRequired(REQUIRED), Length(max=120)])
    story = TextAreaField(_l("Story (shown in public: no names)"), [Optional(), Length(max=2000)])
    value = YuanField(_l("Estimated value (yuan)"), [Optional()])


class CareTaskForm(FlaskForm):
    """A time-bank care task made from a referral, paid from the handling organisation's hour pool."""

    service = SelectField(_l("Service"), choices=service_choices)
    details = TextAreaField(_l("Details"), [Optional(), Length(max=2000)])
    scheduled_at = DateTimeLocalField(_l("When"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    minutes = IntegerField(_l("Expected minutes"), [InputRequired(REQUIRED), NumberRange(15, 720)], default=60)
