"""What the personal home shows: a section for each role a person holds, read from the domains'
own services (this module only gathers; every rule stays in its domain)."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.firms import service as firms
from marketplace.funds import disbursements
from marketplace.orgs.models import Organisation, OrgKind
from marketplace.orgs.policy import can
from marketplace.payments import attention, giving
from marketplace.platform.extensions import db
from marketplace.reconciliation import books as reconciliation_books
from marketplace.reconciliation import report as reconciliation_report
from marketplace.referrals import lights as referral_lights
from marketplace.referrals import officers as referral_officers
from marketplace.referrals.models import HouseholdCare, HouseholdVisitor
from marketplace.timebank.activities import service as activities
from marketplace.timebank.care import service as care
from marketplace.timebank.certificates import service as certificates
from marketplace.timebank.hours import reports, savings
from marketplace.timebank.models import Activity, ReviewStatus
from marketplace.wishes import beneficiaries, claims, lights

SHOWN = 5  # rows a section lists before its "see all" link


@dataclass
class Volunteer:
    upcoming: list
    savings: savings.Savings
    certificates: list
    reports_waiting: int


@dataclass
class Giver:
    donations: list
    claims: list
    thanks: list

    @property
    def is_empty(self) -> bool:
        return not (self.donations or self.claims or self.thanks)


@dataclass
class Firm:
    firm: Organisation
    month: firms.Standing
    ever: firms.Standing
    place: int | None
    on_board: bool


@dataclass
class Casework:
    org: Organisation
    households: list  # (household, light), red first
    listing_lights: dict[str, int]

    @property
    def due(self) -> int:
        """Tasks due: households whose visit is overdue and needs turned red."""
        return sum(1 for _household, light in self.households if light == "red") + self.listing_lights.get("red", 0)


@dataclass
class Queues:
    org: Organisation
    hours_to_review: int | None = None
    households_to_verify: int | None = None
    disbursements: list = field(default_factory=list)  # (fund, waiting)
    unmatched_lines: int | None = None


@dataclass
class Team:
    org: Organisation
    members: int
    activities: list
    shows_reports: bool  # the person may read the organisation's hour reports (marketplace/reports)


@dataclass
class Platform:
    payments_needing_attention: int


@dataclass
class Referrals:
    """The person's part in referrals and visits: districts supervised, organisations' households in care
    (with how many are red), households they visit (due first)."""

    part: referral_officers.Part
    care_orgs: list  # (organisation, households in care, red)
    visiting: list  # households in care assigned to the person, next visit due first


@dataclass
class Mine:
    volunteer: Volunteer
    care: list
    giver: Giver
    firms: list[Firm]
    casework: list[Casework]
    queues: list[Queues]
    teams: list[Team]
    platform: Platform | None
    referrals: Referrals | None = None


def _count(stmt) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _organisations(user: User) -> list[Organisation]:
    return sorted((m.organisation for m in user.memberships), key=lambda org: org.id)


def home(user: User) -> Mine:
    """Gather every section of the user's personal home."""
    orgs = _organisations(user)
    return Mine(volunteer=volunteer(user), care=care.mine(user), giver=giver(user),
                firms=[firm(f) for f in firms.firms_of(user)],
                casework=[casework(user, org) for org in orgs
                          if org.kind == OrgKind.SOCIAL_WORK_STATION and can(user, "org.manage_beneficiaries", org)],
                queues=[q for q in (queues(user, org) for org in orgs) if q is not None],
                teams=[team(user, org) for org in orgs if can(user, "org.run_activities", org)],
                platform=platform(user) if can(user, "admin.access") else None, referrals=referrals(user))


def volunteer(user: User) -> Volunteer:
    waiting = sum(1 for report in reports.reports_of(user) if report.status == ReviewStatus.PENDING)
    return Volunteer(upcoming=activities.signups_of(user), savings=savings.savings(user),
                     certificates=certificates.certificates_of(user)[:SHOWN], reports_waiting=waiting)


def giver(user: User) -> Giver:
    mine = db.session.scalars(claims.claims_of(user).limit(SHOWN)).all()
    return Giver(donations=giving.donations_of(user, SHOWN), claims=list(mine), thanks=giving.latest_thanks(user, 3))


def firm(org: Organisation) -> Firm:
    return Firm(org, firms.standing(org, "month"), firms.standing(org), firms.leaderboard_place(org, "month"),
                firms.is_on_leaderboard(org))


def casework(user: User, org: Organisation) -> Casework:
    counts = lights.counts(user, organisation_id=org.id).get(org.id, dict.fromkeys(lights.LIGHTS, 0))
    return Casework(org, lights.households(user, org.id), counts)


def queues(user: User, org: Organisation) -> Queues | None:
    """The organisation's work waiting for the user: only the queues their role there lets them work."""
    found = Queues(org)
    if can(user, "org.approve_hours", org):
        found.hours_to_review = len(reports.pending_reports(org, user))
    if can(user, "org.manage_beneficiaries", org):
        found.households_to_verify = _count(beneficiaries.awaiting_verification(user, org))
    if can(user, "org.manage_funds", org):
        found.disbursements = disbursements.awaiting_approval(user, org)
        books = reconciliation_books.books_for(user, org.id)
        start, end = reconciliation_books.period(None, None)
        account = reconciliation_books.account_of(books, None)
        found.unmatched_lines = reconciliation_report.figures(account, start, end).statement.unmatched_count
    if found.hours_to_review is None and found.households_to_verify is None and found.unmatched_lines is None:
        return None
    return found


def team(user: User, org: Organisation) -> Team:
    upcoming = db.session.scalars(activities.browse().where(Activity.organisation_id == org.id).limit(SHOWN)).all()
    return Team(org, len(org.memberships), list(upcoming), can(user, "org.view_hour_reports", org))


def platform(user: User) -> Platform:
    return Platform(_count(attention.unsettled(user)))


def referrals(user: User) -> Referrals | None:
    """The person's referral and visit work, or None when they have no part in it."""
    part = referral_officers.part_of(user)
    if not part.any:
        return None
    late = referral_lights.household_light() == "red"
    care_orgs = []
    for org in part.care_orgs:
        mine = HouseholdCare.organisation_id == org.id
        count, red = db.session.execute(select(func.count(), func.count().filter(late)).where(mine)).one()
        care_orgs.append((org, count, red))
    visiting = db.session.scalars(select(HouseholdCare).join(HouseholdVisitor).where(
        HouseholdVisitor.user_id == user.id).order_by(HouseholdCare.visit_due_on.nulls_last()).limit(SHOWN)).all()
    return Referrals(part, care_orgs, list(visiting))
