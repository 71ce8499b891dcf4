"""The assistance catalogue (事项清单): platform admins keep its items (policies, services, charity
programmes); organisations declare which items they offer in which districts. Every public function
commits once."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.funds.models import Fund
from marketplace.orgs.models import District, Organisation
from marketplace.orgs.policy import require
from marketplace.platform.checks import text_field
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.referrals.access import is_staff
from marketplace.referrals.labels import CATEGORIES, FACTS, ITEM_KINDS, NEED_KINDS
from marketplace.referrals.models import AssistanceItem, ItemKind, ItemOffer

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
MOST_FEN = 10**12  # a programme's budget: up to ten billion yuan
FIELDS = ("code", "kind", "need_kind", "name_zh", "name_en", "description", "categories", "required_facts",
          "organisation_id", "fund_id", "budget_fen")




def _codes(errors, name, values, labels, message) -> list[str]:
    values = [values] if isinstance(values, str) else list(values or [])
    if any(v not in labels for v in values):
        errors[name] = [message]
    return sorted(set(values))


def _record_of(model, value):
    """The record a chosen id names: None when none was chosen, False when it names nothing."""
    if value in (None, "", 0):
        return None
    found = db.session.get(model, value) if is_id(value) else None
    return found if found is not None else False


def check_item(data: dict, item_id: int | None = None) -> dict:
    """Check a catalogue item's fields; return them cleaned. :raise InvalidInput: naming every wrong field."""
    errors: dict[str, list] = {}
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code.strip().lower()):
        errors["code"] = [_l("Use 1 to 32 small letters, digits and dashes, such as old-age-allowance.")]
    else:
        code = code.strip().lower()
        taken = db.session.scalar(select(AssistanceItem.id).where(AssistanceItem.code == code))
        if taken is not None and taken != item_id:
            errors["code"] = [_l("Another item already has this code.")]
    kind, need_kind = data.get("kind"), data.get("need_kind")
    if kind not in ITEM_KINDS:
        errors["kind"] = [_l("Choose the kind of item.")]
    if need_kind not in NEED_KINDS:
        errors["need_kind"] = [_l("Choose what kind of help is needed.")]
    fields = {"code": code, "kind": kind, "need_kind": need_kind,
              "name_zh": text_field(errors, "name_zh", data.get("name_zh"), 80),
              "name_en": text_field(errors, "name_en", data.get("name_en"), 120),
              "description": text_field(errors, "description", data.get("description"), 2000, required=False),
              "categories": _codes(errors, "categories", data.get("categories"), CATEGORIES,
                                   _l("Choose categories from the list.")),
              "required_facts": _codes(errors, "required_facts", data.get("required_facts"), FACTS,
                                       _l("Choose facts from the list."))}
    org = _record_of(Organisation, data.get("organisation_id"))
    fund = _record_of(Fund, data.get("fund_id"))
    budget = data.get("budget_fen")
    if org is False:
        errors["organisation_id"] = [_l("Choose an organisation from the list.")]
    if fund is False or (fund and (not org or fund.organisation_id != org.id)):
        errors["fund_id"] = [_l("Choose a fund of the programme's organisation.")]
    if budget is not None and (not isinstance(budget, int) or isinstance(budget, bool) or not 0 <= budget <= MOST_FEN):
        errors["budget_fen"] = [_l("Enter an amount from 0 to 10,000,000,000 yuan.")]
    if kind == ItemKind.CHARITY:
        if not org and "organisation_id" not in errors:
            errors["organisation_id"] = [_l("A charity programme needs the organisation that runs it.")]
        if budget is None and "budget_fen" not in errors:
            errors["budget_fen"] = [_l("A charity programme needs its budget.")]
    if errors:
        raise InvalidInput(fields=errors)
    charity = kind == ItemKind.CHARITY
    return fields | {"organisation_id": org.id if org and (charity or kind == ItemKind.SERVICE) else None,
                     "fund_id": fund.id if fund and charity else None, "budget_fen": budget if charity else None}


def save_item(actor: User, item_id: int | None = None, **data) -> AssistanceItem:
    """Add a catalogue item, or change one; commit. :raise InvalidInput, NotFound, Forbidden."""
    require(actor, "admin.access")
    item = None
    if item_id is not None:
        item = db.session.get(AssistanceItem, item_id) if is_id(item_id) else None
        if item is None:
            raise NotFound()
    fields = check_item(data, item_id)
    if item is None:
        item = AssistanceItem(is_active=True)
        db.session.add(item)
    for name, value in fields.items():
        setattr(item, name, value)
    try:
        db.session.flush()
    except IntegrityError:  # the same code added at the same moment
        db.session.rollback()
        raise InvalidInput(fields={"code": [_l("Another item already has this code.")]}) from None
    record("referrals.item_saved", actor=actor, subject=item, code=item.code)
    db.session.commit()
    return item


def set_active(actor: User, item_id, active: bool) -> AssistanceItem:
    """Take an item out of the catalogue (it stays on referrals made with it), or put it back; commit."""
    require(actor, "admin.access")
    item = db.session.get(AssistanceItem, item_id) if is_id(item_id) else None
    if item is None:
        raise NotFound()
    item.is_active = bool(active)
    record("referrals.item_active" if active else "referrals.item_inactive", actor=actor, subject=item)
    db.session.commit()
    return item


def items(*, active_only: bool = True, kind: str | None = None) -> list[AssistanceItem]:
    """Return the catalogue's items by kind and code."""
    query = select(AssistanceItem).order_by(AssistanceItem.kind, AssistanceItem.code)
    if active_only:
        query = query.where(AssistanceItem.is_active.is_(True))
    if kind is not None:
        query = query.where(AssistanceItem.kind == kind)
    return list(db.session.scalars(query))


def _staff_org(actor: User | None, org_id) -> Organisation:
    org = db.session.get(Organisation, org_id) if is_id(org_id) else None
    if org is None or actor is None or not actor.is_active or not is_staff(actor, org):
        raise NotFound()
    return org


def offers_of(actor: User | None, org_id) -> tuple[Organisation, list[ItemOffer]]:
    """Return the organisation and what it offers where (to its staff; NotFound otherwise)."""
    org = _staff_org(actor, org_id)
    return org, list(db.session.scalars(select(ItemOffer).where(ItemOffer.organisation_id == org.id)
                                        .order_by(ItemOffer.item_id, ItemOffer.district_id)))


def offer(actor: User, org_id, item_id, district_id) -> ItemOffer:
    """Declare that the organisation offers an item in a district (again: nothing changes); commit."""
    org = _staff_org(actor, org_id)
    errors: dict[str, list] = {}
    item = db.session.get(AssistanceItem, item_id) if is_id(item_id) else None
    if item is None or not item.is_active or item.kind == ItemKind.POLICY:
        errors["item_id"] = [_l("Choose a service or charity programme from the catalogue.")]
    district = db.session.get(District, district_id) if is_id(district_id) else None
    if district is None or not district.is_active:
        errors["district_id"] = [_l("Choose a district from the list.")]
    if errors:
        raise InvalidInput(fields=errors)
    where = (ItemOffer.item_id == item.id, ItemOffer.organisation_id == org.id, ItemOffer.district_id == district.id)
    found = db.session.scalar(select(ItemOffer).where(*where))
    if found is not None:
        return found
    found = ItemOffer(item_id=item.id, organisation_id=org.id, district_id=district.id)
    db.session.add(found)
    try:
        db.session.flush()
    except IntegrityError:  # a colleague declared it at the same moment: theirs stands
        db.session.rollback()
        return db.session.scalar(select(ItemOffer).where(*where))
    record("referrals.offer_added", actor=actor, subject=org, item_id=item.id, district_id=district.id)
    db.session.commit()
    return found


def withdraw(actor: User, offer_id) -> Organisation:
    """Stop offering an item in a district (referrals already sent stay); commit; return the organisation."""
    found = db.session.get(ItemOffer, offer_id) if is_id(offer_id) else None
    if found is None:
        raise NotFound()
    org = _staff_org(actor, found.organisation_id)
    record("referrals.offer_withdrawn", actor=actor, subject=org, item_id=found.item_id, district_id=found.district_id)
    db.session.delete(found)
    db.session.commit()
    return org
