"""The referral loop (转办转介): intake → dispatch → accept or decline → process → feedback → closed.

Every public function commits once. Moves go through `Referral.machine`; racing accepts are decided by one
guarded UPDATE (`move_if`), so exactly one organisation owns a referral.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.platform.checks import text_field
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.referrals import households
from marketplace.referrals.access import may_read_household
from marketplace.referrals.labels import NEED_KINDS, SOURCES, URGENCIES
from marketplace.referrals.models import AssistanceItem, HouseholdCare, IntakeSource, Referral, ReferralStatus, Visit

R = ReferralStatus
LONGEST_TEXT = 2000




def check_intake(data: dict) -> dict:
    """Check an intake's fields; return them cleaned. :raise InvalidInput: naming every wrong field."""
    errors: dict[str, list] = {}
    need_kind, urgency = data.get("need_kind"), data.get("urgency") or "normal"
    if need_kind not in NEED_KINDS:
        errors["need_kind"] = [_l("Choose what kind of help is needed.")]
    if urgency not in URGENCIES:
        errors["urgency"] = [_l("Choose how urgent it is.")]
    description = text_field(errors, "description", data.get("description"), LONGEST_TEXT, True)
    private = text_field(errors, "private_details", data.get("private_details"), LONGEST_TEXT, False)
    proxy = text_field(errors, "proxy_name", data.get("proxy_name"), 80, False)
    item_id = data.get("item_id")
    item = None
    if item_id not in (None, ""):
        item = db.session.get(AssistanceItem, int(item_id)) if is_id(item_id) else None
        if item is None or not item.is_active:
            errors["item_id"] = [_l("Choose an item from the catalogue.")]
    if errors:
        raise InvalidInput(fields=errors)
    return {"need_kind": need_kind if item is None else item.need_kind, "urgency": urgency,
            "description": description, "private_details": private, "proxy_name": proxy,
            "item_id": item.id if item is not None else None}


def intake(actor: User | None, beneficiary_id, *, source: str, visit: Visit | None = None, commit: bool = True,
           **data) -> Referral:
    """Record a household's need, waiting for dispatch; commit (unless `commit=False`, for a visit that
    records its needs in the same transaction).

    `actor` is a social worker or visitor who may read the household, or None when the household asks
    through its own link (`source="household"`, perhaps with a proxy's name).

    :raise InvalidInput: a field is missing or wrong. :raise NotFound: the household, for this actor.
    """
    care = db.session.get(HouseholdCare, beneficiary_id) if is_id(beneficiary_id) else None
    if care is None or source not in SOURCES:
        raise NotFound()
    if source == IntakeSource.HOUSEHOLD:  # only through the household's own link, with nobody signed in
        if actor is not None:
            raise NotFound()
    elif not may_read_household(actor, care):
        raise NotFound()
    fields = check_intake(data)
    referral = Referral(beneficiary_id=care.beneficiary_id, district_id=care.district_id,
                        community_id=care.community_id, source=source, visit_id=visit.id if visit else None,
                        recorded_by_id=actor.id if actor is not None else None, **fields)
    Referral.machine.start(referral, R.NEW, actor, fields["description"][:300])
    households.refresh_referrals(care)
    record("referral.intake", actor=actor, subject=referral, beneficiary_id=care.beneficiary_id, source=source)
    if commit:
        db.session.commit()
    return referral


def referrals_of(care: HouseholdCare) -> list[Referral]:
    """Return the household's referrals, newest first (callers have checked access)."""
    return list(db.session.scalars(select(Referral).where(Referral.beneficiary_id == care.beneficiary_id)
                                   .order_by(Referral.id.desc())))
