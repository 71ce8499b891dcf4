"""Beneficiary households: registered with consent by a social worker, verified and re-verified
every year by someone other than the person who registered them, and seen in full only by the
responsible organisation's staff and the verifier."""
from __future__ import annotations

import re
import secrets
from calendar import monthrange
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.models import District, Organisation
from marketplace.orgs.policy import can, require
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.wishes.models import AgeBand, Beneficiary, HouseholdCategory

PSEUDONYM_WORDS = ["青禾", "暖阳", "春芽", "星河", "晨光", "松柏", "海棠", "木棉", "小溪", "明月", "向阳", "竹影"]
PHONE = re.compile(r"^\+?[0-9 -]{5,20}$")
ID_NUMBER = re.compile(r"^([0-9]{15}|[0-9]{17}[0-9Xx])$")
MASKED_ECHO = re.compile(r"^\*+[0-9Xx]{4}$")  # as wishes/identity.py writes a number for those who may not see it
FIELDS = ("pseudonym", "district_id", "category", "age_band", "full_name", "phone", "id_number", "address",
          "notes", "consent_on", "consent_scope")


def suggest_pseudonym(full_name: str = "") -> str:
    """Return a friendly pseudonym that names nobody, nor gives away `full_name` (the social worker may change it)."""
    while True:
        pseudonym = f"{secrets.choice(PSEUDONYM_WORDS)}{secrets.randbelow(90) + 10}"
        if not gives_away(pseudonym, full_name):
            return pseudonym


def gives_away(pseudonym: str, full_name: str) -> bool:
    """Tell whether a pseudonym shows the real name: equal to it, containing it, part of it (two characters or
    more), or holding two Chinese characters of it in a row (a given name) or one of its words (Latin letters)."""
    alias, name = _plain(pseudonym), _plain(full_name)
    if not alias or not name:
        return False
    if name in alias or (len(alias) >= 2 and alias in name):
        return True
    han = re.findall(r"[\u3400-\u9fff]+", full_name)
    pairs = {run[i:i + 2] for run in han for i in range(len(run) - 1)}
    words = {w for w in re.findall(r"[^\W\d_]{3,}", full_name.casefold()) if not re.search(r"[\u3400-\u9fff]", w)}
    return any(pair in alias for pair in pairs) or bool(words & set(re.findall(r"[^\W\d_]+", pseudonym.casefold())))


def _plain(text: str) -> str:
    return re.sub(r"[\s·.\-_'’]+", "", (text or "").casefold())


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _text(errors: dict, name: str, value, longest: int, required: bool = True) -> str:
    value = value if isinstance(value, str) else ""
    if (required and not value.strip()) or len(value) > longest or "\x00" in value:
        errors[name] = [_l("Enter 1 to %(n)d characters.", n=longest) if required
                        else _l("Use at most %(n)d characters.", n=longest)]
    return value.strip()


def _clean(data: dict) -> dict:
    """Check a household's fields; return them cleaned or raise InvalidInput naming each bad one."""
    errors: dict[str, list] = {}
    clean = {
        "pseudonym": _text(errors, "pseudonym", data.get("pseudonym"), 40),
        "full_name": _text(errors, "full_name", data.get("full_name"), 80),
        "phone": _text(errors, "phone", data.get("phone", ""), 32, required=False),
        "id_number": _text(errors, "id_number", data.get("id_number", ""), 32, required=False),
        "address": _text(errors, "address", data.get("address", ""), 200, required=False),
        "notes": _text(errors, "notes", data.get("notes", ""), 5000, required=False),
        "consent_scope": _text(errors, "consent_scope", data.get("consent_scope"), 300),
    }
    if "pseudonym" not in errors and "full_name" not in errors and gives_away(clean["pseudonym"], clean["full_name"]):
        errors["pseudonym"] = [_l("The pseudonym must not show the household's real name or part of it. "
                                  "Choose another, for example %(example)s.",
                                  example=suggest_pseudonym(clean["full_name"]))]
    if clean["phone"] and "phone" not in errors and not PHONE.match(clean["phone"]):
        errors["phone"] = [_l("Enter a phone number of digits only.")]
    if clean["id_number"] and "id_number" not in errors and not ID_NUMBER.match(clean["id_number"]):
        errors["id_number"] = [_l("Enter an ID number of 18 characters (or the old 15 digits).")]
    if data.get("category") not in HouseholdCategory.__members__.values():
        errors["category"] = [_l("Choose a category from the list.")]
    if data.get("age_band") not in AgeBand.__members__.values():
        errors["age_band"] = [_l("Choose an age band from the list.")]
    district_id = data.get("district_id")
    if not is_id(district_id) or db.session.get(District, district_id) is None:
        errors["district_id"] = [_l("Choose a district from the list.")]
    consent_on = data.get("consent_on")
    if not isinstance(consent_on, date) or consent_on > local_today() or consent_on.year < 2000:
        errors["consent_on"] = [_l("Enter the date consent was given (not in the future).")]
    if errors:
        raise InvalidInput(fields=errors)
    return clean | {"category": data["category"], "age_band": data["age_band"], "district_id": district_id,
                    "consent_on": consent_on}


def register_beneficiary(actor: User, org: Organisation, **data) -> Beneficiary:
    """Register a household with its consent (staff and social workers of the organisation)."""
    require(actor, "org.manage_beneficiaries", org)
    unknown = set(data) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    beneficiary = Beneficiary(organisation_id=org.id, registered_by_id=actor.id, **_clean(data))
    Beneficiary.machine.start(beneficiary, "unverified", actor, "registered with consent")
    db.session.flush()
    record("beneficiary.registered", actor=actor, subject=beneficiary)
    db.session.commit()
    return beneficiary


def update_beneficiary(actor: User, beneficiary_id, **data) -> Beneficiary:
    """Correct a household's details; the fields not given keep their values."""
    beneficiary = get_beneficiary(actor, beneficiary_id)
    require(actor, "org.manage_beneficiaries", beneficiary.organisation)  # a verifier who left may only read
    current = {name: getattr(beneficiary, name) for name in FIELDS}
    if MASKED_ECHO.match(data.get("id_number") or ""):  # the masked number read back (API) changes nothing
        data = {name: value for name, value in data.items() if name != "id_number"}
    for name, value in _clean(current | data).items():
        setattr(beneficiary, name, value)
    record("beneficiary.updated", actor=actor, subject=beneficiary, fields=sorted(data))
    db.session.commit()
    return beneficiary


def verify_beneficiary(actor: User, beneficiary_id) -> Beneficiary:
    """Record a (re-)verification visit; the next one falls due after REVERIFY_MONTHS.

    :raise Conflict: the actor registered the household: a second person verifies it (as for listings).
    """
    beneficiary = get_beneficiary(actor, beneficiary_id)
    require(actor, "org.manage_beneficiaries", beneficiary.organisation)
    if beneficiary.registered_by_id == actor.id:
        raise Conflict(_l("You registered this household, so someone else must visit and verify it."))
    Beneficiary.machine.move(beneficiary, "verified", actor, "visited", verified_by_id=actor.id,
                             verified_at=now_utc(),
                             reverify_due_on=add_months(local_today(), settings.WISHES_REVERIFY_MONTHS))
    record("beneficiary.verified", actor=actor, subject=beneficiary)
    db.session.commit()
    return beneficiary


def may_see_private(user: User | None, beneficiary: Beneficiary) -> bool:
    """Tell whether the user may see the household's name, phone, ID number, address and notes."""
    if user is None:
        return False
    return beneficiary.verified_by_id == user.id or can(user, "org.manage_beneficiaries", beneficiary.organisation)


def is_verified(beneficiary: Beneficiary) -> bool:
    """A household is verified until its re-verification falls due."""
    return beneficiary.verification == "verified"


def get_beneficiary(actor: User | None, beneficiary_id) -> Beneficiary:
    """Return a household the actor may see in full; others get NotFound."""
    beneficiary = db.session.get(Beneficiary, beneficiary_id) if is_id(beneficiary_id) else None
    if beneficiary is None or not may_see_private(actor, beneficiary):
        raise NotFound()
    return beneficiary


def beneficiaries_of(actor: User, org: Organisation):
    """Return a query of the organisation's households, newest first (staff only)."""
    require(actor, "org.manage_beneficiaries", org)
    return select(Beneficiary).where(Beneficiary.organisation_id == org.id).order_by(Beneficiary.id.desc())


def awaiting_verification(actor: User, org: Organisation):
    """Return a query of the organisation's households waiting for a visit: never verified, or re-verification due."""
    return beneficiaries_of(actor, org).where(
        Beneficiary.verified_at.is_(None) | Beneficiary.reverify_due_on.is_(None)
        | (Beneficiary.reverify_due_on < local_today()))
