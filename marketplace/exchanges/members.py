"""Joining an organisation's exchange, and a member's profile: what the exchange knows of them.

Any member of an organisation (Role.MEMBER or more) may join its exchange; a coordinator may join one who
has no phone for them ("by X for Y" in the audit log). The birth year decides whether the member may
offer home visits (`is_adult`); a new member's first exchanges wait for a coordinator (`needs_approval`).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.auth.models import User
from marketplace.exchanges.access import acting_for, audit_acting, is_coordinator, member_record
from marketplace.exchanges.models import ExchangeMember
from marketplace.orgs.models import District, Membership, Organisation, Role
from marketplace.orgs.policy import has_role
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today

OLDEST, YOUNGEST = 110, 10  # plausible ages of a member, in years
ABOUT_MAX = 300


def is_adult(member: ExchangeMember) -> bool:
    """Tell whether the member is surely EXCHANGE_ADULT_AGE or older today.

    Only the birth year is known, so a member counts as adult from the first day of the year after the one
    in which they may have turned that age: never too early.
    """
    return local_today().year - member.birth_year - 1 >= settings.EXCHANGE_ADULT_AGE


def needs_approval(member: ExchangeMember) -> bool:
    """Tell whether the member's next exchange waits for a coordinator (their first ones do)."""
    return member.exchanges_approved < settings.EXCHANGE_APPROVALS_FOR_NEW_MEMBERS


def district_of(value, field: str = "district_id") -> District:
    """Return the active district named by id (a District, an int or its digits).

    :raise InvalidInput: naming `field`, when no such district is in use.
    """
    if isinstance(value, District):
        found = value
    else:
        key = as_id(value.strip() if isinstance(value, str) else value)
        found = db.session.get(District, key) if key else None
    if found is None or not found.is_active:
        raise InvalidInput(fields={field: [_l("Choose your district from the list.")]})
    return found


def _checked(birth_year, district, about) -> tuple[int, District, str]:
    """Check a profile's fields together; return them cleaned. :raise InvalidInput: naming each bad field."""
    fields: dict[str, list] = {}
    year_now = local_today().year
    try:
        year = int(str(birth_year).strip())
    except (TypeError, ValueError):
        year = 0
    if not year_now - OLDEST <= year <= year_now - YOUNGEST:
        fields["birth_year"] = [_l("Enter the year you were born, between %(low)d and %(high)d.",
                                   low=year_now - OLDEST, high=year_now - YOUNGEST)]
    about = (about or "").strip()
    if len(about) > ABOUT_MAX:
        fields["about"] = [_l("Write at most %(n)d characters about yourself.", n=ABOUT_MAX)]
    try:
        place = district_of(district)
    except InvalidInput as error:
        fields |= error.fields
        place = None
    if fields:
        raise InvalidInput(fields=fields)
    return year, place, about


def join(by: User, org: Organisation | int, birth_year, district, about: str = "",
         user: User | None = None) -> ExchangeMember:
    """Join `user` (by default `by`) to the organisation's exchange; a coordinator may join a member for them.

    :raise NotFound: the organisation does not exist, `user` is not a member of it, or `by` may not act for them.
    :raise InvalidInput: birth year out of range, unknown district or too long an introduction.
    :raise Conflict: they already joined.
    """
    user = user or by
    if not isinstance(org, Organisation):
        key = as_id(org)
        org = db.session.get(Organisation, key) if key else None
    if org is None or not user.is_active or not has_role(user, org, Role.MEMBER):
        raise NotFound()
    if by.id != user.id and not is_coordinator(by, org):
        raise NotFound()
    year, place, about = _checked(birth_year, district, about)
    if member_record(user, org.id) is not None:
        raise Conflict(_l("%(name)s has already joined this exchange.", name=user.display_name))
    member = ExchangeMember(organisation_id=org.id, user_id=user.id, birth_year=year, district_id=place.id,
                            about=about, joined_by_id=by.id if by.id != user.id else None)
    member.user = user
    db.session.add(member)
    db.session.flush()
    audit_acting("exchanges.member_joined", by, member, member)
    db.session.commit()
    return member


def edit_profile(by: User, member: ExchangeMember, birth_year, district, about: str) -> ExchangeMember:
    """Change what the exchange knows of the member (the member, or a coordinator for them).

    :raise NotFound: `by` may not act for the member. :raise InvalidInput: as `join`.
    """
    acting_for(by, member)
    year, place, about = _checked(birth_year, district, about)
    member.birth_year, member.district_id, member.about = year, place.id, about
    audit_acting("exchanges.member_edited", by, member, member)
    db.session.commit()
    return member


def joinable(user: User | None) -> list[Organisation]:
    """Return the organisations whose exchange the user may join and has not joined yet."""
    if user is None:
        return []
    joined = {m.organisation_id for m in db.session.scalars(
        select(ExchangeMember).where(ExchangeMember.user_id == user.id))}
    return [m.organisation for m in user.memberships
            if m.organisation_id not in joined and has_role(user, m.organisation, Role.MEMBER)]


def member_by_id(member_id: int) -> ExchangeMember:
    """Return a member by id. :raise NotFound: no such member, or their account is closed."""
    key = as_id(member_id)
    member = db.session.get(ExchangeMember, key) if key else None
    if member is None or not member.user.is_active:
        raise NotFound()
    return member


def members_of(org_id: int) -> list[ExchangeMember]:
    """Return the exchange's members whose accounts are open, by name (for a coordinator to choose one)."""
    return list(db.session.scalars(select(ExchangeMember).join(User, User.id == ExchangeMember.user_id).where(
        ExchangeMember.organisation_id == org_id, User.is_active.is_(True)).order_by(User.display_name)))


def not_joined(org_id: int) -> list[Membership]:
    """Return the organisation's memberships whose person has not joined its exchange (open accounts, by name)."""
    joined = select(ExchangeMember.user_id).where(ExchangeMember.organisation_id == org_id)
    return list(db.session.scalars(select(Membership).join(User, User.id == Membership.user_id).where(
        Membership.organisation_id == org_id, User.is_active.is_(True), Membership.user_id.not_in(joined))
        .order_by(User.display_name)))


def membership_to_join(by: User, membership_id: int) -> Membership:
    """Return a membership of an organisation whose exchange `by` coordinates, for them to join its person.

    :raise NotFound: no such membership, or `by` does not coordinate its organisation.
    """
    key = as_id(membership_id)
    found = db.session.get(Membership, key) if key else None
    if found is None or not is_coordinator(by, found.organisation_id):
        raise NotFound()
    return found
