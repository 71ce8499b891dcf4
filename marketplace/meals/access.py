"""Who may run, serve at and check what in the meal domain.

A store is run (windows, permits, quotas, pauses, figures) by staff of its firm; any member of the firm may
redeem codes at its counter. Platform admins verify permits and stores. A statement of need is checked by
platform admins or by staff of a social-work station. Anything else answers as missing (NotFound).
"""
from __future__ import annotations

from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.meals.models import MealStore, StoreStatus
from marketplace.orgs.models import Membership, Organisation, OrgKind, Role
from marketplace.orgs.policy import has_role
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.referrals.access import STAFF_ROLES


def is_platform_staff(user: User | None) -> bool:
    return user is not None and user.is_active and user.is_platform_admin


def may_run(user: User | None, org: Organisation | None) -> bool:
    """Tell whether the user is staff (or more) of the organisation that owns stores or offers rewards."""
    return user is not None and org is not None and has_role(user, org, Role.STAFF)


def may_serve(user: User | None, store: MealStore) -> bool:
    """Tell whether the user may redeem codes at the store's counter: any member of its firm."""
    return user is not None and has_role(user, store.organisation, Role.MEMBER)


def is_checker(user: User | None) -> bool:
    """Tell whether the user checks statements of need: a platform admin or staff of a social-work station."""
    if user is None or not user.is_active:
        return False
    districts = checker_districts(user)
    return districts is None or bool(districts)


def checker_districts(user: User | None) -> set[int] | None:
    """Return the districts whose statements of need the user checks: those of the social-work stations they are
    staff of; None for platform admins (every district)."""
    if is_platform_staff(user):
        return None
    if user is None:
        return set()
    return set(db.session.scalars(select(Organisation.district_id).join(
        Membership, Membership.organisation_id == Organisation.id).where(
        Membership.user_id == user.id, Membership.role.in_(STAFF_ROLES),
        Organisation.kind == OrgKind.SOCIAL_WORK_STATION.value)))


def firms_run_by(user: User | None) -> list[Organisation]:
    """Return the firms (and other organisations) whose stores the user may run, by id."""
    if user is None:
        return []
    return sorted((m.organisation for m in user.memberships if has_role(user, m.organisation, Role.STAFF)),
                  key=lambda org: org.id)


def counters_of(user: User | None) -> list[MealStore]:
    """Return the stores whose counter the user may serve at (any member of their firms), not closed."""
    if user is None:
        return []
    stores = db.session.scalars(select(MealStore).join(Membership, Membership.organisation_id ==
                                                       MealStore.organisation_id)
                                .where(Membership.user_id == user.id, MealStore.status != StoreStatus.CLOSED.value)
                                .order_by(MealStore.id)).unique()
    return [store for store in stores if may_serve(user, store)]


def get_store(user: User | None, store_id, *, serve: bool = False) -> MealStore:
    """Return a store its firm's staff (members, with `serve`) or platform staff may open; NotFound otherwise."""
    store = db.session.get(MealStore, as_id(store_id)) if as_id(store_id) else None
    if store is None:
        raise NotFound()
    allowed = may_serve(user, store) if serve else may_run(user, store.organisation)
    if not (allowed or is_platform_staff(user)):
        raise NotFound()
    return store
