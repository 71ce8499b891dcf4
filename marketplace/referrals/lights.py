"""Red, yellow and green lights for households, organisations, communities and districts, read in SQL from
HouseholdCare's indexed dates (kept current by every visit and referral) and from referrals by their
(status, due_at) index, so a district of 60,000 households and a million visits answers in milliseconds.

A household is red when a referral is overdue or its visit interval has passed, yellow when either falls due
within REFERRALS_YELLOW_DAYS, green otherwise. An organisation is red when a referral it owns or was sent
(and has not answered) is overdue, yellow when one is due soon.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, literal, or_, select, true

from config import settings
from marketplace.auth.models import User
from marketplace.orgs.models import Community, Organisation
from marketplace.platform.errors import Forbidden
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_date, local_today, now_utc
from marketplace.referrals.access import officer_districts
from marketplace.referrals.models import (
    DispatchAnswer,
    HouseholdCare,
    HouseholdCategory,
    Referral,
    ReferralDispatch,
    ReferralStatus,
)
from marketplace.wishes.lights import visible_orgs
from marketplace.wishes.models import Beneficiary

LIGHTS = ("red", "yellow", "green")
BOARD_PAGE = 50


@dataclass(frozen=True)
class Clock:
    """The moment lights are read at: now (UTC), today (the site's zone) and the yellow horizon of both."""

    now: datetime
    today: date

    @classmethod
    def read(cls, now: datetime | None = None) -> Clock:
        if now is None:
            return cls(now_utc(), local_today())
        return cls(now, local_date(now))

    @property
    def soon(self) -> datetime:
        return self.now + timedelta(days=settings.REFERRALS_YELLOW_DAYS)

    @property
    def soon_day(self) -> date:
        return self.today + timedelta(days=settings.REFERRALS_YELLOW_DAYS)


def household_light(clock: Clock | None = None):
    """SQL for a household's light from its care record's two indexed due dates."""
    clock = clock or Clock.read()
    care = HouseholdCare
    return case(
        (or_(care.referral_due_at < clock.now, care.visit_due_on < clock.today), literal("red")),
        (or_(care.referral_due_at < clock.soon, care.visit_due_on <= clock.soon_day), literal("yellow")),
        else_=literal("green"),
    )


def light_of(care: HouseholdCare, clock: Clock | None = None) -> str:
    """Return one household's light, the same rule as `household_light`, read in Python."""
    clock = clock or Clock.read()
    due, visit = care.referral_due_at, care.visit_due_on
    if (due is not None and due < clock.now) or (visit is not None and visit < clock.today):
        return "red"
    if (due is not None and due < clock.soon) or (visit is not None and visit <= clock.soon_day):
        return "yellow"
    return "green"


def why(care: HouseholdCare, clock: Clock | None = None) -> dict:
    """Return what makes a household's light: {"visit_late": days, "referral_late": days, "visit_in": days,
    "referral_in": days}, each present only when it applies (late: past due; in: due soon)."""
    clock = clock or Clock.read()
    reasons: dict[str, int] = {}
    if care.visit_due_on is not None:
        late = (clock.today - care.visit_due_on).days
        if late > 0:
            reasons["visit_late"] = late
        elif care.visit_due_on <= clock.soon_day:
            reasons["visit_in"] = -late
    if care.referral_due_at is not None:
        if care.referral_due_at < clock.now:
            reasons["referral_late"] = max(1, (clock.now - care.referral_due_at).days)
        elif care.referral_due_at < clock.soon:
            reasons["referral_in"] = (care.referral_due_at - clock.now).days
    return reasons


# --- who sees what --------------------------------------------------------------------------------------

def scope(user: User):
    """SQL condition on HouseholdCare: the households the user's board shows (a district officer: their
    districts; staff: their organisations' households; a platform admin: all)."""
    if user.is_platform_admin:
        return true()
    return or_(HouseholdCare.district_id.in_(officer_districts(user) or {-1}),
               HouseholdCare.organisation_id.in_(visible_orgs(user)))


def require_board(user: User | None) -> None:
    """Only district officers, staff of an organisation and platform admins read the lights board.

    :raise Forbidden: anyone else.
    """
    if user is None or not user.is_active:
        raise Forbidden()
    if user.is_platform_admin or officer_districts(user):
        return
    if not db.session.scalar(select(exists(visible_orgs(user)))):
        raise Forbidden()


def _filtered(stmt, user: User, colour, *, district_id=None, community_id=None, category=None,
              organisation_id=None, light=None):
    stmt = stmt.where(scope(user))
    if district_id:
        stmt = stmt.where(HouseholdCare.district_id == district_id)
    if community_id:
        stmt = stmt.where(HouseholdCare.community_id == community_id)
    if organisation_id:
        stmt = stmt.where(HouseholdCare.organisation_id == organisation_id)
    if category:
        stmt = stmt.where(exists().where(HouseholdCategory.beneficiary_id == HouseholdCare.beneficiary_id,
                                         HouseholdCategory.category == category))
    if light in LIGHTS:
        stmt = stmt.where(colour == light)
    return stmt


def counts(user: User, by: str = "community", clock: Clock | None = None, **filters) -> dict:
    """Return {community, organisation or district id: {light: households}} over the board's households
    (`by`: "community", "organisation" or "district"; households without a community count under None)."""
    require_board(user)
    colour = household_light(clock)
    key = {"community": HouseholdCare.community_id, "organisation": HouseholdCare.organisation_id,
           "district": HouseholdCare.district_id}[by]
    filters.pop("light", None)
    stmt = _filtered(select(key, colour, func.count()), user, colour, **filters).group_by(key, colour)
    result: dict = {}
    for group, shade, n in db.session.execute(stmt):
        result.setdefault(group, dict.fromkeys(LIGHTS, 0))[shade] = n
    return result


def tallies(user: User, keys=("community", "organisation"), clock: Clock | None = None, **filters) -> dict:
    """Return {key: counts(…, key)} for several groupings at one clock (a grouping each: grouping by all
    at once would return a row per community and organisation pair)."""
    clock = clock or Clock.read()
    return {key: counts(user, key, clock, **filters) for key in keys}


def board(user: User, *, clock: Clock | None = None, offset: int = 0, limit: int = BOARD_PAGE,
          **filters) -> list[tuple[HouseholdCare, str, str]]:
    """Return (care record, light, pseudonym) for a page of the board's households: red first, then yellow,
    each the longest overdue first (the page is chosen from the care records alone, then named)."""
    require_board(user)
    clock = clock or Clock.read()
    colour = household_light(clock)
    rank = case((colour == "red", 0), (colour == "yellow", 1), else_=2)
    care = HouseholdCare
    page = _filtered(select(care.beneficiary_id, colour.label("light"), rank.label("rank"),
                            care.visit_due_on.is_(None).label("unscheduled"), care.visit_due_on,
                            care.referral_due_at), user, colour, **filters)
    page = page.order_by(rank, care.visit_due_on.is_(None), care.visit_due_on, care.referral_due_at,
                         care.beneficiary_id).offset(offset).limit(limit).subquery()
    stmt = (select(care, page.c.light, Beneficiary.pseudonym)
            .join(page, page.c.beneficiary_id == care.beneficiary_id)
            .join(Beneficiary, Beneficiary.id == care.beneficiary_id)
            .order_by(page.c.rank, page.c.unscheduled, page.c.visit_due_on, page.c.referral_due_at,
                      page.c.beneficiary_id))
    return [(row, shade, name) for row, shade, name in db.session.execute(stmt)]


def area_light(by_light: dict[str, int]) -> str:
    """The light of a community, organisation or district: its worst household's."""
    return next((shade for shade in LIGHTS if by_light.get(shade)), "green")


# --- organisations --------------------------------------------------------------------------------------

def organisation_lights(org_ids, clock: Clock | None = None) -> dict[int, dict]:
    """Return {organisation id: {"light", "overdue", "soon"}} from the referrals each owns (accepted) or
    was sent and has not answered, read through the (status, due_at) index."""
    clock = clock or Clock.read()
    org_ids = [i for i in org_ids if i is not None]
    result = {org_id: {"light": "green", "overdue": 0, "soon": 0} for org_id in org_ids}
    if not org_ids:
        return result
    owned = select(Referral.organisation_id.label("org"), Referral.due_at).where(
        Referral.status == ReferralStatus.ACCEPTED.value, Referral.due_at < clock.soon,
        Referral.organisation_id.in_(org_ids))
    sent = select(ReferralDispatch.organisation_id.label("org"), Referral.due_at).join(
        Referral, Referral.id == ReferralDispatch.referral_id).where(
        Referral.status == ReferralStatus.DISPATCHED.value, Referral.due_at < clock.soon,
        ReferralDispatch.answer == DispatchAnswer.OPEN.value, ReferralDispatch.organisation_id.in_(org_ids))
    both = owned.union_all(sent).subquery()
    stmt = select(both.c.org, func.count().filter(both.c.due_at < clock.now),
                  func.count().filter(both.c.due_at >= clock.now)).group_by(both.c.org)
    for org_id, overdue, soon in db.session.execute(stmt):
        light = "red" if overdue else "yellow" if soon else "green"
        result[org_id] = {"light": light, "overdue": overdue, "soon": soon}
    return result


def handlers(user: User, district_id=None) -> set[int]:
    """Return the organisations handling (owning) or asked to handle (sent, not answered) the running referrals
    of the households the user's board shows: those doing the work, who need not care for any household."""
    running = (Referral.beneficiary_id == HouseholdCare.beneficiary_id,
               Referral.status.in_((ReferralStatus.DISPATCHED.value, ReferralStatus.ACCEPTED.value)))
    if district_id:
        running += (HouseholdCare.district_id == district_id,)
    owners = select(Referral.organisation_id).where(*running, scope(user), Referral.organisation_id.is_not(None))
    asked = select(ReferralDispatch.organisation_id).join(Referral, Referral.id == ReferralDispatch.referral_id).where(
        *running, scope(user), ReferralDispatch.answer == DispatchAnswer.OPEN.value)
    return set(db.session.scalars(owners.union(asked)))


def names(model, ids) -> dict[int, object]:
    """Return {id: record} for the communities or organisations named on a board."""
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return {r.id: r for r in db.session.scalars(select(model).where(model.id.in_(ids)))}


def communities_for(user: User) -> list[Community]:
    """Communities the user's board filter offers: those of the districts and households they see."""
    stmt = select(Community).order_by(Community.district_id, Community.sort_order, Community.id)
    if not user.is_platform_admin:
        stmt = stmt.where(or_(Community.district_id.in_(officer_districts(user) or {-1}),
                              Community.id.in_(select(HouseholdCare.community_id).where(scope(user)).distinct())))
    return list(db.session.scalars(stmt))


def organisations_for(user: User) -> list[Organisation]:
    """Organisations the filter offers: the households' organisations the user sees."""
    ids = select(HouseholdCare.organisation_id).where(scope(user)).distinct()
    return list(db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.id)))


def overdue_referrals(clock: Clock | None = None):
    """SQL for running referrals past their due date (dispatched or accepted), read by (status, due_at)."""
    clock = clock or Clock.read()
    return and_(Referral.status.in_((ReferralStatus.DISPATCHED.value, ReferralStatus.ACCEPTED.value)),
                Referral.due_at < clock.now)
