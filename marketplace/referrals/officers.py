"""District officers and communities, kept by platform admins; and what part of the referral domain a
person has (for the navigation and the domain's index). Every public function commits once."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.models import Community, District, Organisation
from marketplace.orgs.policy import require
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.referrals.access import officer_districts, staff_org_ids
from marketplace.referrals.models import DistrictOfficer, HouseholdCare, HouseholdVisitor, ItemOffer

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


def _district(errors: dict, district_id) -> District | None:
    district = db.session.get(District, district_id) if is_id(district_id) else None
    if district is None:
        errors["district_id"] = [_l("Choose a district from the list.")]
    return district


def appoint(actor: User, email, district_id) -> DistrictOfficer:
    """Make the person with this email the officer of a district (again: nothing changes); commit.

    :raise InvalidInput: no account has the email, or no such district.
    """
    require(actor, "admin.access")
    errors: dict[str, list] = {}
    user = None
    if isinstance(email, str) and 0 < len(email.strip()) <= 254 and "\x00" not in email:
        user = db.session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None or not user.is_active:
        errors["email"] = [_l("No active account has this email; ask the person to sign up first.")]
    district = _district(errors, district_id)
    if errors:
        raise InvalidInput(fields=errors)
    found = db.session.get(DistrictOfficer, (user.id, district.id))
    if found is not None:
        return found
    found = DistrictOfficer(user_id=user.id, district_id=district.id, appointed_by_id=actor.id)
    db.session.add(found)
    try:
        db.session.flush()
    except IntegrityError:  # appointed by another admin at the same moment
        db.session.rollback()
        return db.session.get(DistrictOfficer, (user.id, district.id))
    record("referrals.officer_appointed", actor=actor, subject=user, district_id=district.id)
    db.session.commit()
    return found


def remove(actor: User, user_id, district_id) -> None:
    """End a person's appointment as a district's officer; commit. :raise NotFound: no such appointment."""
    require(actor, "admin.access")
    found = db.session.get(DistrictOfficer, (user_id, district_id)) if is_id(user_id) and is_id(district_id) else None
    if found is None:
        raise NotFound()
    record("referrals.officer_removed", actor=actor, subject=found.user, district_id=district_id)
    db.session.delete(found)
    db.session.commit()


def officers() -> list[DistrictOfficer]:
    return list(db.session.scalars(select(DistrictOfficer).order_by(DistrictOfficer.district_id,
                                                                    DistrictOfficer.user_id)))


def save_community(actor: User, community_id: int | None = None, **data) -> Community:
    """Add a community (社区) to a district, or correct one; commit. :raise InvalidInput, NotFound."""
    require(actor, "admin.access")
    community = None
    if community_id is not None:
        community = db.session.get(Community, community_id) if is_id(community_id) else None
        if community is None:
            raise NotFound()
    errors: dict[str, list] = {}
    code = data.get("code")
    if not isinstance(code, str) or not CODE.match(code.strip().lower()):
        errors["code"] = [_l("Use 1 to 32 small letters, digits and dashes, such as east-street.")]
    else:
        code = code.strip().lower()
        taken = db.session.scalar(select(Community.id).where(Community.code == code))
        if taken is not None and taken != community_id:
            errors["code"] = [_l("Another community already has this code.")]
    names = {}
    for name, longest in (("name_zh", 60), ("name_en", 100)):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > longest or "\x00" in value:
            errors[name] = [_l("Enter 1 to %(n)d characters.", n=longest)]
        else:
            names[name] = value.strip()
    district = _district(errors, data.get("district_id"))
    order = data.get("sort_order") or 0
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 10_000:
        errors["sort_order"] = [_l("Enter a whole number from 0 to 10000.")]
    if community is not None and district is not None and district.id != community.district_id and db.session.scalar(
            select(exists().where(HouseholdCare.community_id == community.id))):
        errors["district_id"] = [_l("Households live in this community: it cannot move to another district.")]
    if errors:
        raise InvalidInput(fields=errors)
    if community is None:
        community = Community()
        db.session.add(community)
    community.code, community.district_id, community.sort_order = code, district.id, order
    community.name_zh, community.name_en = names["name_zh"], names["name_en"]
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput(fields={"code": [_l("Another community already has this code.")]}) from None
    record("referrals.community_saved", actor=actor, subject=community, code=code)
    db.session.commit()
    return community


def communities(district_id: int | None = None) -> list[Community]:
    query = select(Community).order_by(Community.district_id, Community.sort_order, Community.code)
    if district_id is not None:
        query = query.where(Community.district_id == district_id)
    return list(db.session.scalars(query))


@dataclass
class Part:
    """What a person does in the referral domain; empty for most people."""

    districts: set[int] = field(default_factory=set)  # as district officer
    care_orgs: list[Organisation] = field(default_factory=list)  # staff of organisations with households in care
    offer_orgs: list[Organisation] = field(default_factory=list)  # staff of organisations offering items
    social_worker: bool = False  # named social worker of households
    visitor: bool = False  # assigned to visit households
    admin: bool = False

    @property
    def any(self) -> bool:
        return bool(self.districts or self.care_orgs or self.offer_orgs or self.social_worker or self.visitor
                    or self.admin)

    @property
    def staff_orgs(self) -> list[Organisation]:
        return sorted({o.id: o for o in self.care_orgs + self.offer_orgs}.values(), key=lambda o: o.id)


def part_of(user: User | None) -> Part:
    """Tell what the person does in the referral domain (a few indexed lookups)."""
    part = Part()
    if user is None or not user.is_active:
        return part
    part.admin = user.is_platform_admin
    part.districts = officer_districts(user)
    staff_of = staff_org_ids(user)
    part.care_orgs = list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(staff_of), exists().where(HouseholdCare.organisation_id == Organisation.id))
        .order_by(Organisation.id)))
    part.offer_orgs = list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(staff_of), exists().where(ItemOffer.organisation_id == Organisation.id))
        .order_by(Organisation.id)))
    part.social_worker = db.session.scalar(select(exists().where(HouseholdCare.social_worker_id == user.id))) is True
    part.visitor = db.session.scalar(select(exists().where(HouseholdVisitor.user_id == user.id))) is True
    return part
