"""Who may do what in an organisation's exchange, and who a coordinator is acting for.

Any member of an organisation (Role.MEMBER or more) may join its exchange (`members.join`); its
coordinators (Role.COORDINATOR or more) approve new members' exchanges, settle disputes, answer
reports, take posts down, and act for members who have no phone or cannot read the screen: every
service verb takes `by` (who clicked) and `member` (whose act it is); when they differ, `acting_for`
checks that `by` coordinates the member's organisation, and the audit log says "by X for Y"
(`audit_acting`). Coordinators never read a conversation unless one of its sides reported it.
Anything else answers as missing (NotFound), never as forbidden, so nothing is revealed.
"""
from __future__ import annotations

from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.exchanges.models import ExchangeMember
from marketplace.orgs.models import Membership, Organisation, Role
from marketplace.orgs.policy import has_role
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db


def is_coordinator(user: User | None, org: Organisation | int | None) -> bool:
    """Tell whether the user coordinates the organisation's exchange (coordinator, staff or admin there)."""
    if user is None or not user.is_active or org is None:
        return False
    org = org if isinstance(org, Organisation) else db.session.get(Organisation, org)
    return org is not None and has_role(user, org, Role.COORDINATOR)


COORDINATOR_ROLES = [r.value for r in Role if r.rank >= Role.COORDINATOR.rank]


def coordinated_orgs(user: User | None) -> list[int]:
    """Return the organisations with an exchange (a member joined it) that the user coordinates (coordinator,
    staff or admin there), by id."""
    if user is None or not user.is_active:
        return []
    has_members = select(ExchangeMember.id).where(ExchangeMember.organisation_id == Membership.organisation_id)
    return list(db.session.scalars(select(Membership.organisation_id).where(
        Membership.user_id == user.id, Membership.role.in_(COORDINATOR_ROLES), has_members.exists())
        .order_by(Membership.organisation_id)))


def coordinators_of(org_id: int) -> list[User]:
    """Return the active people who coordinate the organisation's exchange."""
    return list(db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.organisation_id == org_id, Membership.role.in_(COORDINATOR_ROLES), User.is_active.is_(True))
        .order_by(User.id)))


def member_record(user: User | None, org_id: int) -> ExchangeMember | None:
    """Return the user's membership of the organisation's exchange, if they joined it."""
    if user is None:
        return None
    return db.session.scalar(select(ExchangeMember).where(
        ExchangeMember.organisation_id == org_id, ExchangeMember.user_id == user.id))


def memberships(user: User | None) -> list[ExchangeMember]:
    """Return every exchange the user joined, oldest first."""
    if user is None:
        return []
    return list(db.session.scalars(select(ExchangeMember).where(ExchangeMember.user_id == user.id)
                                   .order_by(ExchangeMember.id)))


def member_ids(user: User | None) -> list[int]:
    """Return the ids of the user's memberships of exchanges (a user may be in several)."""
    return [m.id for m in memberships(user)]


def acting_for(by: User | None, member: ExchangeMember | None) -> ExchangeMember:
    """Return `member` when `by` may act as them: they are `by`, or `by` coordinates their exchange.

    :raise NotFound: `by` may not act for this member (or there is no member).
    """
    if member is None or by is None or not by.is_active:
        raise NotFound()
    if member.user_id == by.id and member.user.is_active:
        return member
    if is_coordinator(by, member.organisation_id):
        return member
    raise NotFound()


def audit_acting(action: str, by: User, member: ExchangeMember, subject=None, **details) -> None:
    """Record an exchange action in the audit log, saying who it was for when a coordinator acted."""
    if by.id != member.user_id:
        details = {**details, "for_user_id": member.user_id, "by_coordinator": True}
    record(action, actor=by, subject=subject, **details)
