"""Reconciliation forms: they check shape only; the services check the rules."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from marketplace.reconciliation.models import ENCODINGS
from marketplace.reconciliation.statement_files import DATE_FORMATS
from marketplace.web.too_large import UploadField

REQUIRED = _l("This field is required.")


class UploadForm(FlaskForm):
    kind = SelectField(_l("Statement"), choices=[("bank", _l("Bank statement (CSV)")),
                                                 ("stripe", _l("Stripe balance or payout reconciliation report"))])
    profile_id = SelectField(_l("Bank layout"), choices=[], validate_choice=False)
    upload = UploadField(_l("CSV file (up to 16 MB)"))


class ProfileForm(FlaskForm):
    name = StringField(_l("Name"), [InputRequired(REQUIRED), Length(max=80)],
                       description=_l("For example: 工商银行 基本户."))
    date_column = StringField(_l("Date column"), [InputRequired(REQUIRED), Length(max=80)],
                              description=_l("The header exactly as the bank writes it, for example 交易日期."))
    date_format = SelectField(_l("Date format"), choices=[(f, f) for f in DATE_FORMATS])
    amount_column = StringField(_l("Amount column (signed, money in positive)"), [Length(max=80)],
                                description=_l("Leave empty when the bank uses debit and credit columns."))
    debit_column = StringField(_l("Debit column (money out)"), [Length(max=80)])
    credit_column = StringField(_l("Credit column (money in)"), [Length(max=80)])
    description_column = StringField(_l("Description column"), [Length(max=80)])
    reference_column = StringField(_l("Reference column"), [Length(max=80)])
    encoding = SelectField(_l("Encoding"), choices=[(e, e) for e in ENCODINGS],
                           description=_l("Chinese banks often export GB18030 (GBK)."))


class ResolveForm(FlaskForm):
    """One statement line and one posting picked by radio buttons, and a reason for a correction."""

    line_id = StringField(_l("Statement line"))
    posting_id = StringField(_l("Ledger posting"))
    reason = TextAreaField(_l("Reason for a correcting entry"), [Length(max=300)])
    account = HiddenField()


class RunForm(FlaskForm):
    account = HiddenField()
