"""Saved bank statement layouts (column mapping, date format, encoding), one set per set of books."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.reconciliation.books import Books, as_id
from marketplace.reconciliation.models import ENCODINGS, BankProfile
from marketplace.reconciliation.statement_files import DATE_FORMATS

TEXT_FIELDS = ("name", "date_column", "amount_column", "debit_column", "credit_column", "description_column",
               "reference_column")


def profiles_of(books: Books) -> list[BankProfile]:
    return list(db.session.scalars(select(BankProfile).where(
        BankProfile.owner_type == books.owner_type, BankProfile.owner_id == books.owner_id).order_by(BankProfile.name)))


def get_profile(books: Books, profile_id) -> BankProfile:
    profile = db.session.get(BankProfile, as_id(profile_id)) if as_id(profile_id) else None
    if profile is None or (profile.owner_type, profile.owner_id) != (books.owner_type, books.owner_id):
        raise NotFound()
    return profile


def save_profile(actor, books: Books, profile: BankProfile | None = None, **values) -> BankProfile:
    """Create (or change) a bank layout: a date column, and a signed amount column or debit and credit columns.

    :raise InvalidInput: naming the field at fault. :raise Conflict: the name is taken in these books.
    """
    clean = {k: (values.get(k) or "").strip() if isinstance(values.get(k) or "", str) else None
             for k in TEXT_FIELDS}
    errors: dict[str, list] = {}
    for key, text in clean.items():
        if text is None or len(text) > 80 or "\x00" in text:
            errors[key] = [_l("Use at most %(n)d characters.", n=80)]
    if not errors.get("name") and not clean["name"]:
        errors["name"] = [_l("Name the bank or account, for example 工商银行 基本户.")]
    if not errors.get("date_column") and not clean["date_column"]:
        errors["date_column"] = [_l("Give the header of the date column.")]
    one_amount = bool(clean["amount_column"])
    both = bool(clean["debit_column"]) and bool(clean["credit_column"])
    if not errors and one_amount == both:
        errors["amount_column"] = [_l("Give either one signed amount column, or both a debit and a credit column.")]
    if values.get("date_format") not in DATE_FORMATS:
        errors["date_format"] = [_l("Choose a date format from the list.")]
    if values.get("encoding") not in ENCODINGS:
        errors["encoding"] = [_l("Choose an encoding from the list.")]
    if errors:
        raise InvalidInput(fields=errors)
    if not one_amount:
        clean["amount_column"] = ""
    else:
        clean["debit_column"] = clean["credit_column"] = ""
    taken = db.session.scalar(select(BankProfile.id).where(
        BankProfile.owner_type == books.owner_type, BankProfile.owner_id == books.owner_id,
        BankProfile.name == clean["name"]))
    if taken and (profile is None or taken != profile.id):
        raise Conflict(_l("A bank layout with this name exists already."), fields={"name": [
            _l("A bank layout with this name exists already.")]})
    if profile is None:
        profile = BankProfile(owner_type=books.owner_type, owner_id=books.owner_id)
        db.session.add(profile)
    for key, text in clean.items():
        setattr(profile, key, text)
    profile.date_format, profile.encoding = values["date_format"], values["encoding"]
    db.session.flush()
    record("reconciliation.profile_saved", actor=actor, subject=profile, name=profile.name)
    db.session.commit()
    return profile
