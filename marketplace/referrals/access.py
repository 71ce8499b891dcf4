"""Who may read and act on a household's care record and its referrals.

A household's record (and the notes of its referrals) is read by staff of the household's organisation,
its social worker, the officer of its district and the visitors assigned to it (the record only). A
referral is also read, and handled, by staff of the organisations it was sent to. Anything else answers
as missing (NotFound), like the rest of the site.
"""
from __future__ import annotations

from sqlalchemy import exists, select

from marketplace.auth.models import User
from marketplace.orgs.models import Membership, Organisation, Role
from marketplace.orgs.policy import has_role
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.referrals.models import (
    DispatchAnswer,
    DistrictOfficer,
    HouseholdCare,
    HouseholdVisitor,
    Referral,
    ReferralDispatch,
)

STAFF_ROLES = tuple(r.value for r in Role if r.rank >= Role.STAFF.rank)  # staff, finance and admins


def staff_org_ids(user: User):
    """SQL: the ids of the organisations the user is staff (or more) of."""
    return select(Membership.organisation_id).where(Membership.user_id == user.id,
                                                     Membership.role.in_(STAFF_ROLES))


def staff_user_ids(org_id: int):
    """SQL: the ids of an organisation's staff (and more)."""
    return select(Membership.user_id).where(Membership.organisation_id == org_id, Membership.role.in_(STAFF_ROLES))


def officer_districts(user: User | None) -> set[int]:
    """Return the districts the user supervises as district officer."""
    if user is None:
        return set()
    return set(db.session.scalars(select(DistrictOfficer.district_id).where(DistrictOfficer.user_id == user.id)))


def is_officer(user: User | None, district_id: int) -> bool:
    return user is not None and (user.is_platform_admin or district_id in officer_districts(user))


def is_staff(user: User | None, org: Organisation | int | None) -> bool:
    """Tell whether the user is staff (or more) of the organisation."""
    if user is None or org is None:
        return False
    org = org if isinstance(org, Organisation) else db.session.get(Organisation, org)
    return org is not None and has_role(user, org, Role.STAFF)


def may_manage_household(user: User | None, care: HouseholdCare) -> bool:
    """Staff of the household's organisation, its social worker and its district officer."""
    return user is not None and user.is_active and (
        is_staff(user, care.organisation_id) or care.social_worker_id == user.id
        or is_officer(user, care.district_id))


def is_visitor(user: User | None, care: HouseholdCare) -> bool:
    return user is not None and db.session.scalar(select(exists().where(
        HouseholdVisitor.beneficiary_id == care.beneficiary_id, HouseholdVisitor.user_id == user.id))) is True


def may_read_household(user: User | None, care: HouseholdCare) -> bool:
    """Those who manage the household, and its assigned visitors."""
    return may_manage_household(user, care) or (user is not None and user.is_active and is_visitor(user, care))


def get_household(user: User | None, beneficiary_id, *, manage: bool = False) -> HouseholdCare:
    """Return a household's care record to someone who may read it (or manage it); NotFound otherwise."""
    care = db.session.get(HouseholdCare, beneficiary_id) if is_id(beneficiary_id) else None
    allowed = may_manage_household if manage else may_read_household
    if care is None or not allowed(user, care):
        raise NotFound()
    return care


def was_sent_to(user: User | None, referral: Referral) -> bool:
    """Tell whether the user is staff of the organisation handling the referral, or of one it is sent to and
    that has not answered yet (one that declined, lost the race or handed it back reads it no more)."""
    if user is None:
        return False
    orgs = db.session.scalars(select(ReferralDispatch.organisation_id).where(
        ReferralDispatch.referral_id == referral.id, ReferralDispatch.answer == DispatchAnswer.OPEN.value)).all()
    return any(is_staff(user, org_id) for org_id in set(orgs) | {referral.organisation_id} if org_id)


def may_read_referral(user: User | None, referral: Referral) -> bool:
    """The household's managers (its organisation, social worker, district officer) and the handlers."""
    return user is not None and user.is_active and (
        may_manage_household(user, referral.household) or was_sent_to(user, referral))


def get_referral(user: User | None, referral_id) -> Referral:
    """Return a referral to someone who may read it; NotFound otherwise."""
    referral = db.session.get(Referral, referral_id) if is_id(referral_id) else None
    if referral is None or not may_read_referral(user, referral):
        raise NotFound()
    return referral
