"""Forms of the staff pages (households, listings, their moves): they check shape only; the
services check the rules. Amounts are typed in yuan and held as whole fen (`forms.YuanField`)."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from marketplace.web.dates import LocalDateField
from marketplace.web.too_large import UploadField
from marketplace.wishes import labels
from marketplace.wishes.forms import YuanField

REQUIRED = _l("This field is required.")
WHOLE = _l("Enter a whole number.")
PLAN_ROWS = 4


class PlanRows(FieldList):
    """Rows of a co-funding plan; only plain ASCII row numbers count (others are ignored)."""

    def _extract_indices(self, prefix, formdata):
        for key in formdata:
            if key.startswith(prefix + "-"):
                index = key[len(prefix) + 1:].split("-", 1)[0]
                if index.isascii() and index.isdigit() and len(index) < 4:
                    yield int(index)


def source_choices():
    return [("", _("(none)"))] + labels.choices(labels.SOURCES)


class FundingRowForm(Form):
    source = SelectField(_l("Source"), choices=source_choices, default="")
    amount = YuanField(_l("Amount (yuan)"), [Optional()])
    note = StringField(_l("Note"), [Optional(), Length(max=200)])


class CostRowForm(Form):
    label = StringField(_l("What it buys"), [Optional(), Length(max=120)])
    amount = YuanField(_l("Cost (yuan)"), [Optional()])


class HouseholdForm(FlaskForm):
    pseudonym = StringField(_l("Pseudonym (shown in public)"), [InputRequired(REQUIRED), Length(max=40)],
                            description=_l("Suggested by the site; change it if you like, but never use a real name."))
    district_id = SelectField(_l("District"), [InputRequired(REQUIRED)], coerce=int)
    category = SelectField(_l("Category"), [InputRequired(REQUIRED)],
                           choices=lambda: labels.choices(labels.CATEGORIES))
    age_band = SelectField(_l("Age band"), [InputRequired(REQUIRED)], choices=lambda: labels.choices(labels.AGE_BANDS))
    full_name = StringField(_l("Full name (private)"), [InputRequired(REQUIRED), Length(max=80)])
    phone = TelField(_l("Phone (private, optional)"), [Optional(), Length(max=32)])
    id_number = StringField(_l("ID number (private, optional)"), [Optional(), Length(max=32)])
    address = StringField(_l("Address (private, optional)"), [Optional(), Length(max=200)])
    notes = TextAreaField(_l("Notes (private, optional)"), [Optional(), Length(max=5000)])
    consent_on = LocalDateField(_l("Date consent was given"), [InputRequired(REQUIRED)])
    consent_scope = StringField(_l("What the household agreed to"), [InputRequired(REQUIRED), Length(max=300)],
                                description=_l("For example: publish a micro-wish with a pseudonym and a photo."))


class ListingEditForm(FlaskForm):
    title = StringField(_l("Title"), [InputRequired(REQUIRED), Length(max=120)])
    story = TextAreaField(_l("Story (written with the household's consent)"), [Optional(), Length(max=5000)])
    quantity = IntegerField(_l("Quantity"), [InputRequired(WHOLE), NumberRange(1, 1000)], default=1)
    value = YuanField(_l("Value in yuan (a wish's estimated value, a household need's budget)"), [Optional()],
                      description=_l("Leave empty for a service need."))
    funding = PlanRows(FormField(FundingRowForm), label=_l("Co-funding plan (household needs only)"),
                       min_entries=PLAN_ROWS, max_entries=10)
    costs = PlanRows(FormField(CostRowForm), label=_l("What the money buys (household needs only)"),
                     min_entries=PLAN_ROWS, max_entries=10)
    photo = UploadField(_l("Photo (JPEG or PNG, optional; kept private, the public copy has no metadata)"))


class ListingForm(ListingEditForm):
    kind = SelectField(_l("Kind"), choices=lambda: labels.choices(labels.KINDS))


class MoveForm(FlaskForm):
    to = StringField(_l("New status"), [InputRequired(REQUIRED), Length(max=16)])
    note = StringField(_l("Note (needed to return to draft or withdraw)"), [Optional(), Length(max=300)])


class ApproveBudgetForm(FlaskForm):
    note = StringField(_l("Reason for going over the cap"), [InputRequired(REQUIRED), Length(max=300)])


class DeliveryForm(FlaskForm):
    note = StringField(_l("Note (optional)"), [Optional(), Length(max=300)])
    photo = UploadField(_l("Photo of the delivery (JPEG or PNG, optional; kept private)"))


class ThanksForm(FlaskForm):
    text = TextAreaField(_l("Thank-you note (written with the household)"), [InputRequired(REQUIRED),
                                                                             Length(max=2000)])


class UpdateForm(FlaskForm):
    text = TextAreaField(_l("What has happened (shown in public; never the household's real name or address)"),
                         [InputRequired(REQUIRED), Length(max=2000)])
    photo = UploadField(_l("Photo (JPEG or PNG, optional; the public copy has no metadata)"))


class ConvertForm(FlaskForm):
    starts_at = DateTimeLocalField(_l("Starts"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(_l("Ends"), [InputRequired(REQUIRED)], format="%Y-%m-%dT%H:%M")
    capacity = IntegerField(_l("Places"), [InputRequired(WHOLE), NumberRange(1, 10000)], default=5)
    address = StringField(_l("Address (optional)"), [Optional(), Length(max=200)])


def funding_rows(form: ListingEditForm) -> list[dict]:
    """Return the plan rows the user filled in (any of source, amount or note), for the service."""
    rows = []
    for entry in form.funding.entries:
        row = entry.form
        if row.source.data or row.amount.data is not None or (row.note.data or "").strip():
            rows.append({"source": row.source.data, "amount_fen": row.amount.data, "note": row.note.data or ""})
    return rows


def cost_rows(form: ListingEditForm) -> list[dict]:
    """Return the cost rows the user filled in (what it buys or an amount), for the service."""
    rows = [entry.form for entry in form.costs.entries]
    return [{"label": row.label.data or "", "amount_fen": row.amount.data}
            for row in rows if (row.label.data or "").strip() or row.amount.data is not None]


def page_arg(last: int = 10_000) -> int:
    """Read the page number from the query string; anything but 1 to `last` reads as the first page."""
    page = request.args.get("page", type=int)
    return page if page is not None and 1 <= page <= last else 1


def light_choices() -> list[tuple[str, str]]:
    """Return (light, name) pairs, red first, for the filters."""
    return [(light, labels.LIGHT_NAMES(light)) for light in ("red", "yellow", "green")]
