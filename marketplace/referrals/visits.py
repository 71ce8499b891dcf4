"""Visits (探访台账): recording a visit with its findings and the needs found, each visitor's due list, a
household's visit history, and the hours a volunteer earns by visiting (through the one review of hours).

A visit, its needs (as intakes), its volunteers' hour reports and the household's next due day are written
in one transaction, with the household's care row locked first so two visits recorded at once both count.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import local_today
from marketplace.referrals import households, service
from marketplace.referrals.access import get_household, is_officer, is_staff, may_read_household, staff_user_ids
from marketplace.referrals.labels import VISIT_MODES
from marketplace.referrals.models import HouseholdCare, HouseholdVisitor, Referral, Visit, VisitVisitor
from marketplace.timebank.hours import daily_cap, reports
from marketplace.wishes.models import Beneficiary

FINDINGS = ("living", "health", "housing", "education", "medical")
LONGEST_FINDING = 2000
OLDEST_DAYS = 365  # a visit recorded later than this is refused (and so are its hours)
MOST_NEEDS = 10


def visitor_choices(care: HouseholdCare, recorder: User) -> list[User]:
    """Return who may be named on a visit: the recorder, the household's assigned visitors and the staff
    of its organisation (each once, by name)."""
    assigned = select(HouseholdVisitor.user_id).where(HouseholdVisitor.beneficiary_id == care.beneficiary_id)
    staff = staff_user_ids(care.organisation_id)
    people = db.session.scalars(select(User).where(
        or_(User.id == recorder.id, User.id.in_(assigned), User.id.in_(staff)), User.is_active.is_(True))
        .order_by(User.display_name, User.id)).all()
    return list(people)


def is_volunteer(user: User, care: HouseholdCare) -> bool:
    """Whether a visitor visits as a volunteer (and so earns time-bank hours): not staff of the household's
    organisation, nor its social worker, nor its district's officer, who visit as their work."""
    return not (is_staff(user, care.organisation_id) or care.social_worker_id == user.id
                or is_officer(user, care.district_id))


def _finding(errors: dict, name: str, value) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or "\x00" in value or len(value) > LONGEST_FINDING:
        errors[name] = [_l("Use at most %(n)d characters.", n=LONGEST_FINDING)]
        return ""
    return value.strip()


def check_visit(care: HouseholdCare, recorder: User, data: dict) -> dict:
    """Check a visit's fields (not its needs); return them cleaned. :raise InvalidInput: naming every field."""
    errors: dict[str, list] = {}
    day, today = data.get("visited_on"), local_today()
    if not isinstance(day, date) or day > today or day < today - timedelta(days=OLDEST_DAYS):
        errors["visited_on"] = [_l("Enter the day of the visit: today or within the last year, not in the future.")]
    if data.get("mode") not in VISIT_MODES:
        errors["mode"] = [_l("Choose how the visit was made.")]
    minutes, most = data.get("minutes"), daily_cap.cap()
    if type(minutes) is not int or not 0 <= minutes <= most:
        errors["minutes"] = [_l("Enter between 0 and %(n)d minutes.", n=most)]
    findings = {name: _finding(errors, name, data.get(name)) for name in FINDINGS}
    if "living" not in errors and not any(findings.values()):
        errors["living"] = [_l("Write down at least one finding: living, health, housing, education or medical.")]
    wanted = data.get("visitors") or []
    allowed = {user.id: user for user in visitor_choices(care, recorder)}
    if not isinstance(wanted, list | tuple) or any(not is_id(v) or int(v) not in allowed for v in wanted):
        errors["visitors"] = [_l("Choose visitors from the list.")]
        wanted = []
    if errors:
        raise InvalidInput(fields=errors)
    people = [recorder] + [allowed[int(v)] for v in dict.fromkeys(wanted) if int(v) != recorder.id]
    return {"visited_on": day, "mode": data["mode"], "minutes": minutes, "visitors": people, **findings}


def _check_needs(needs) -> list[dict]:
    """Check each need found (rows left wholly empty are skipped); errors are named needs-<row>-<field>."""
    errors: dict[str, list] = {}
    cleaned = []
    for row, need in enumerate(needs or []):
        if not any((need.get(k) or "").strip() if isinstance(need.get(k), str) else need.get(k)
                   for k in ("need_kind", "description")):
            continue
        try:
            cleaned.append(service.check_intake({k: need.get(k) for k in ("need_kind", "urgency", "description")}))
        except InvalidInput as error:
            errors.update({f"needs-{row}-{name}": messages for name, messages in error.fields.items()})
    if len(cleaned) > MOST_NEEDS:
        errors["needs"] = [_l("Record at most %(n)d needs with one visit.", n=MOST_NEEDS)]
    if errors:
        raise InvalidInput(fields=errors)
    return cleaned


def _lock(beneficiary_id: int) -> HouseholdCare:
    """Lock the household's care row (fresh from the database) for this transaction."""
    return db.session.scalars(select(HouseholdCare).where(HouseholdCare.beneficiary_id == beneficiary_id)
                              .with_for_update(key_share=True).execution_options(populate_existing=True)).one()


def record_visit(actor: User, household_id, needs=(), **data) -> Visit:
    """Record a visit with its findings; each need found becomes an intake waiting for dispatch, and each
    volunteer on it (`is_volunteer`) gets a pending hour report; the household's
    next visit moves on. One commit.

    :raise NotFound: the household, for this actor. :raise InvalidInput: naming every wrong field.
    """
    care = get_household(actor, household_id)
    fields = check_visit(care, actor, data)
    found = _check_needs(needs)
    care = _lock(care.beneficiary_id)
    people = fields.pop("visitors")
    visit = Visit(beneficiary_id=care.beneficiary_id, organisation_id=care.organisation_id,
                  recorded_by_id=actor.id, **fields)
    db.session.add(visit)
    db.session.flush()
    pseudonym = db.session.get(Beneficiary, care.beneficiary_id).pseudonym
    for person in people:
        link = VisitVisitor(visit_id=visit.id, user_id=person.id)
        if visit.minutes > 0 and is_volunteer(person, care):
            link.hour_report_id = reports.report_visit(
                person, care.organisation_id, visit.visited_on, visit.minutes,
                _("Visit to household %(pseudonym)s on %(day)s", pseudonym=pseudonym,
                  day=visit.visited_on.isoformat())).id
        db.session.add(link)
    for need in found:
        service.intake(actor, care.beneficiary_id, source="visit", visit=visit, commit=False, **need)
    households.note_visit(care, visit.visited_on)
    db.session.flush()
    record("visit.recorded", actor=actor, subject=visit, beneficiary_id=care.beneficiary_id,
           visitors=[p.id for p in people], needs=len(found))
    db.session.commit()
    return visit


def get_visit(user: User | None, visit_id) -> Visit:
    """Return a visit to someone who may read its household; NotFound otherwise."""
    visit = db.session.get(Visit, int(visit_id)) if is_id(visit_id) else None
    if visit is None or not may_read_household(user, visit.household):
        raise NotFound()
    return visit


def needs_of(visit: Visit) -> list[Referral]:
    """Return the referrals recorded from the visit (callers have checked access)."""
    return list(db.session.scalars(select(Referral).where(Referral.visit_id == visit.id).order_by(Referral.id)))


def history(care: HouseholdCare, limit: int = 50) -> list[Visit]:
    """Return the household's visits, newest first (callers have checked access)."""
    return list(db.session.scalars(select(Visit).where(Visit.beneficiary_id == care.beneficiary_id)
                                   .order_by(Visit.visited_on.desc(), Visit.id.desc()).limit(limit)))


@dataclass(frozen=True)
class Due:
    care: HouseholdCare
    pseudonym: str
    days_late: int  # > 0 overdue, 0 due today, < 0 due in that many days


def _visited_by(user: User):
    """The user's households (assigned to visit, or theirs as social worker) with their pseudonyms."""
    assigned = select(HouseholdVisitor.beneficiary_id).where(HouseholdVisitor.user_id == user.id)
    return (select(HouseholdCare, Beneficiary.pseudonym)
            .join(Beneficiary, Beneficiary.id == HouseholdCare.beneficiary_id)
            .where(or_(HouseholdCare.beneficiary_id.in_(assigned), HouseholdCare.social_worker_id == user.id)))


def due_for(user: User, today: date | None = None, limit: int = 300) -> list[Due]:
    """Return the user's households due a visit within REFERRALS_YELLOW_DAYS or overdue, most overdue first."""
    today = today or local_today()
    soon = today + timedelta(days=settings.REFERRALS_YELLOW_DAYS)
    rows = db.session.execute(_visited_by(user).where(HouseholdCare.visit_due_on <= soon)
                              .order_by(HouseholdCare.visit_due_on, HouseholdCare.beneficiary_id).limit(limit)).all()
    return [Due(care, pseudonym, (today - care.visit_due_on).days) for care, pseudonym in rows]


def households_of(user: User, limit: int = 300) -> list[tuple[HouseholdCare, str]]:
    """Return every household the user visits, next due first (those without regular visits last)."""
    return [(care, pseudonym) for care, pseudonym in db.session.execute(
        _visited_by(user).order_by(HouseholdCare.visit_due_on.is_(None), HouseholdCare.visit_due_on,
                                   HouseholdCare.beneficiary_id).limit(limit))]
