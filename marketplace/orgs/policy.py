"""The one access policy: may this user do this action to this object?

Views, the API and the CLI all ask `can` or `require`. Denials on a specific object
raise NotFound, so a forbidden object and a missing one answer alike.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marketplace.orgs.models import Membership, Organisation, Role
from marketplace.platform.errors import Forbidden, NotFound, Unauthenticated

if TYPE_CHECKING:
    from marketplace.auth.models import User

# action -> minimum organisation role needed (platform admins may do all of these).
ORG_ACTIONS: dict[str, Role] = {
    "org.view_members": Role.MEMBER,
    "org.leave": Role.MEMBER,
    "org.edit": Role.ADMIN,
    "org.manage_members": Role.ADMIN,
    "org.run_activities": Role.COORDINATOR,
    "org.approve_hours": Role.COORDINATOR,
    "org.manage_beneficiaries": Role.STAFF,
    "org.reveal_id_numbers": Role.ADMIN,  # the whole ID number of a household (its verifier may too)
    "org.manage_needs": Role.STAFF,
    "org.manage_funds": Role.STAFF,
    "org.view_audit": Role.STAFF,
    "org.spot_check": Role.STAFF,
    "org.keep_books": Role.FINANCE,  # close periods, book a gift received in a closed period as a late entry
    "org.view_hour_reports": Role.COORDINATOR,  # hours by volunteer, activity, team and month; inactive volunteers
    "org.view_gift_reports": Role.STAFF,  # gifts by fund and by month
}
# organisation actions a platform admin takes only through a role of their own there: leaving it,
# seeing households' whole ID numbers (casework, which running the platform does not need), and the
# organisation's own reports (named volunteers and its gifts are its business, not the platform's)
OWN_ROLE_ONLY = {"org.leave", "org.reveal_id_numbers", "org.view_hour_reports", "org.view_gift_reports"}
# actions any signed-in, active user may take
USER_ACTIONS = {"org.create", "profile.edit", "token.manage", "invitation.accept"}
PLATFORM_ACTIONS = {"org.verify", "district.manage", "admin.access", "user.make_admin"}
PUBLIC_ACTIONS = {"org.view", "org.list", "district.list"}


def membership_of(user: User | None, org: Organisation) -> Membership | None:
    """Return the user's membership of an organisation, if any."""
    if user is None:
        return None
    for membership in user.memberships:
        if membership.organisation_id == org.id:
            return membership
    return None


def has_role(user: User | None, org: Organisation, minimum: Role) -> bool:
    """Tell whether the user holds at least `minimum` in the organisation."""
    membership = membership_of(user, org)
    return membership is not None and membership.role_enum.rank >= minimum.rank


def can(user: User | None, action: str, obj: Any = None) -> bool:
    """Answer whether `user` may perform `action` on `obj`."""
    if action in PUBLIC_ACTIONS:
        return True
    if user is None or not user.is_active:
        return False
    if action in USER_ACTIONS:
        return True
    if user.is_platform_admin and (action in PLATFORM_ACTIONS or action in ORG_ACTIONS.keys() - OWN_ROLE_ONLY):
        return True
    if action in ORG_ACTIONS:
        return isinstance(obj, Organisation) and has_role(user, obj, ORG_ACTIONS[action])
    return False


def require(user: User | None, action: str, obj: Any = None) -> None:
    """Raise unless `can(user, action, obj)`; object denials look like a missing object."""
    if can(user, action, obj):
        return
    if user is None:
        raise Unauthenticated()
    if obj is not None:
        raise NotFound()
    raise Forbidden()
