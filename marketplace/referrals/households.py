"""A household's care record: enrolment with its categories, community, facts and social worker, and the
dates its light is read from, kept current by every visit and referral (so boards read indexed columns
instead of counting a million visits)."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.models import Community
from marketplace.orgs.policy import require
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import local_today, now_utc
from marketplace.referrals.access import STAFF_ROLES
from marketplace.referrals.labels import CATEGORIES, FACTS
from marketplace.referrals.models import (
    CareCategory,
    HouseholdCare,
    HouseholdCategory,
    HouseholdVisitor,
    Referral,
    ReferralStatus,
)
from marketplace.wishes.models import Beneficiary

OPEN = (ReferralStatus.NEW.value, ReferralStatus.DISPATCHED.value, ReferralStatus.ACCEPTED.value,
        ReferralStatus.DONE.value)
RUNNING = (ReferralStatus.DISPATCHED.value, ReferralStatus.ACCEPTED.value)  # statuses whose due date counts


def visit_interval(categories: Iterable[str]) -> int | None:
    """Return the days between visits the household's categories ask for (the shortest), or None."""
    per = {CareCategory.ELDERLY_ALONE: settings.REFERRALS_VISIT_ELDERLY_ALONE_DAYS,
           CareCategory.SEVERE_DISABILITY: settings.REFERRALS_VISIT_SEVERE_DISABILITY_DAYS,
           CareCategory.UNSUPPORTED_CHILD: settings.REFERRALS_VISIT_UNSUPPORTED_CHILD_DAYS}
    days = [per.get(CareCategory(c), settings.REFERRALS_VISIT_OTHER_DAYS) for c in categories]
    return min(days) if days else None


def _clean(data: dict) -> dict:
    errors: dict[str, list] = {}
    categories = data.get("categories") or []
    if isinstance(categories, str):
        categories = [categories]
    if not categories or any(c not in CATEGORIES for c in categories):
        errors["categories"] = [_l("Choose at least one category from the list.")]
    facts = data.get("facts") or []
    if isinstance(facts, str):
        facts = [facts]
    if any(f not in FACTS for f in facts):
        errors["facts"] = [_l("Choose facts from the list.")]
    community_id = data.get("community_id")
    if community_id in ("", None):
        community_id = None
    elif not is_id(community_id) or db.session.get(Community, int(community_id)) is None:
        errors["community_id"] = [_l("Choose a community from the list.")]
    worker = data.get("social_worker_id")
    if worker in ("", None):
        worker = None
    elif not is_id(worker) or db.session.get(User, int(worker)) is None:
        errors["social_worker_id"] = [_l("Choose a social worker from the list.")]
    visitors = data.get("visitors")
    if visitors is not None:
        visitors = _visitors(errors, visitors)
    if errors:
        raise InvalidInput(fields=errors)
    return {"categories": sorted(set(categories)), "facts": sorted(set(facts)),
            "community_id": int(community_id) if community_id is not None else None,
            "social_worker_id": int(worker) if worker is not None else None, "visitors": visitors}


def _visitors(errors: dict, emails) -> list[User]:
    """The accounts of visitors named by email (a list, or one per line or comma); unknown ones refused."""
    if isinstance(emails, str):
        emails = emails.replace(",", "\n").replace("，", "\n").splitlines()
    if not isinstance(emails, list | tuple) or len(emails) > 20 or \
            any(not isinstance(e, str) or len(e) > 254 or "\x00" in e for e in emails):
        errors["visitors"] = [_l("Enter up to 20 emails, one a line.")]
        return []
    wanted = sorted({e.strip().lower() for e in emails if e.strip()})
    found = {u.email.lower(): u for u in db.session.scalars(
        select(User).where(func.lower(User.email).in_(wanted), User.is_active.is_(True)))} if wanted else {}
    unknown = [e for e in wanted if e not in found]
    if unknown:
        errors["visitors"] = [_l("No active account has the email %(emails)s.", emails=", ".join(unknown[:5]))]
    return [found[e] for e in wanted if e in found]


def enrol(actor: User, beneficiary_id, **data) -> HouseholdCare:
    """Give a registered household its care record (or update it): categories, community, facts, social
    worker (one of the organisation's staff) and, when `visitors` is given, the visitors assigned to it
    (emails); its visit schedule follows from the categories. Commit.

    :raise InvalidInput: a category, fact, community, social worker or visitor not from the lists.
    :raise NotFound: no such household, or the actor is not staff of its organisation.
    """
    beneficiary = db.session.get(Beneficiary, beneficiary_id) if is_id(beneficiary_id) else None
    if beneficiary is None:
        raise NotFound()
    require(actor, "org.manage_beneficiaries", beneficiary.organisation)
    fields = _clean(data)
    if fields["community_id"] is not None and \
            db.session.get(Community, fields["community_id"]).district_id != beneficiary.district_id:
        raise InvalidInput(fields={"community_id": [_l("Choose a community in the household's district.")]})
    if fields["social_worker_id"] is not None and fields["social_worker_id"] not in staff_ids(beneficiary.organisation):
        raise InvalidInput(fields={"social_worker_id": [_l("Choose a social worker among the organisation's staff.")]})
    # locked and read fresh, so a visit recorded meanwhile is not undone by the new schedule
    care = db.session.get(HouseholdCare, beneficiary.id, with_for_update={"key_share": True}, populate_existing=True)
    if care is None:
        care = HouseholdCare(beneficiary_id=beneficiary.id, organisation_id=beneficiary.organisation_id,
                             district_id=beneficiary.district_id, open_referrals=0)
        db.session.add(care)
    care.community_id, care.facts = fields["community_id"], fields["facts"]
    care.social_worker_id = fields["social_worker_id"]
    care.categories = [HouseholdCategory(category=c) for c in fields["categories"]]
    reschedule(care)
    if fields["visitors"] is not None:
        keep = {u.id for u in fields["visitors"]}
        for row in db.session.scalars(select(HouseholdVisitor).where(
                HouseholdVisitor.beneficiary_id == beneficiary.id)):
            if row.user_id not in keep:
                db.session.delete(row)
            keep.discard(row.user_id)
        db.session.add_all([HouseholdVisitor(beneficiary_id=beneficiary.id, user_id=i) for i in sorted(keep)])
    db.session.flush()
    record("household.enrolled", actor=actor, subject=beneficiary, categories=fields["categories"])
    db.session.commit()
    return care


def staff_ids(org) -> set[int]:
    """The ids of the organisation's staff (and more): those who may be a household's social worker."""
    return {m.user_id for m in org.memberships if m.role in STAFF_ROLES}


def reschedule(care: HouseholdCare, today: date | None = None) -> None:
    """Set the household's visit interval and next due day from its categories and last visit (not flushed)."""
    care.visit_every_days = visit_interval(c.category for c in care.categories)
    if care.visit_every_days is None:
        care.visit_due_on = None
    else:
        since = care.last_visited_on or care.enrolled_on or today or local_today()
        care.visit_due_on = since + timedelta(days=care.visit_every_days)
    care.updated_at = now_utc()


def note_visit(care: HouseholdCare, day: date) -> None:
    """Move the household's next visit on from a visit made on `day` (a late-recorded earlier visit
    changes nothing). Call with the household's row locked or just written."""
    if care.last_visited_on is None or day > care.last_visited_on:
        care.last_visited_on = day
        reschedule(care)


def deadline(status: str, due_at: datetime | None, since: datetime) -> datetime | None:
    """When an open referral turns its household red: its due date while it is sent or handled; a set number
    of days after it was recorded or sent back while it waits for dispatch, or after it was done while it
    waits for the household's feedback."""
    if status in RUNNING:
        return due_at
    if status == ReferralStatus.NEW:
        return since + timedelta(days=settings.REFERRALS_DISPATCH_DAYS)
    if status == ReferralStatus.DONE:
        return since + timedelta(days=settings.REFERRALS_FEEDBACK_DAYS)
    return None


def refresh_referrals(care: HouseholdCare) -> None:
    """Recount the household's open referrals and its earliest deadline (flushed first, not committed).

    The household's row is locked first (after the referral's own lock), so two referrals of one household
    changing at once count each other's change. FOR NO KEY UPDATE, like every lock of this domain: a new
    referral's foreign key holds a key-share lock on the row, which a plain FOR UPDATE would wait on (two
    needs recorded at once would deadlock).
    """
    db.session.flush()
    db.session.execute(select(HouseholdCare.beneficiary_id).where(
        HouseholdCare.beneficiary_id == care.beneficiary_id).with_for_update(key_share=True))
    rows = db.session.execute(select(Referral.status, Referral.due_at, Referral.status_changed_at).where(
        Referral.beneficiary_id == care.beneficiary_id, Referral.status.in_(OPEN))).all()
    deadlines = [d for d in (deadline(*row) for row in rows) if d is not None]
    care.open_referrals, care.referral_due_at = len(rows), min(deadlines, default=None)
    care.updated_at = now_utc()


@event.listens_for(Session, "before_flush")
def _follow_moves(session, _context, _instances) -> None:
    """Keep a household's care record in the district and organisation its registration names: a household
    that moves leaves its old community, and its old district's officer no longer reads it."""
    for household in [o for o in session.dirty if isinstance(o, Beneficiary)]:
        care = session.get(HouseholdCare, household.id)
        if care is None or (care.district_id, care.organisation_id) == (household.district_id,
                                                                          household.organisation_id):
            continue
        if care.district_id != household.district_id:
            care.community_id = None
        care.district_id, care.organisation_id = household.district_id, household.organisation_id
