"""People with an account: their meal person (known by a keyed hash of the account's id) and their statements
of need, which checkers (platform admins, social-work stations' staff) verify or turn down."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.auth.models import User
from marketplace.meals.access import is_checker
from marketplace.meals.models import EligibilityStatus, MealEligibility, MealPerson, Situation
from marketplace.meals.phones import keyed, person_for_key
from marketplace.notifications.service import notify
from marketplace.orgs.models import District
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today

E = EligibilityStatus
STATEMENT_MAX = 2000
REASON_MAX = 300


def person_for_user(user: User) -> MealPerson:
    """Return the account's meal person (made once). Flushes; the caller commits."""
    return person_for_key(keyed(f"user:{user.id}"), user_id=user.id)


def verified_statement(user: User | None) -> MealEligibility | None:
    """Return the account's verified statement of need that is still in date, if any."""
    if user is None:
        return None
    return db.session.scalar(select(MealEligibility).where(
        MealEligibility.user_id == user.id, MealEligibility.status == E.VERIFIED.value,
        MealEligibility.valid_until >= local_today()).order_by(MealEligibility.id.desc()).limit(1))


def statements_of(user: User) -> list[MealEligibility]:
    return list(db.session.scalars(select(MealEligibility).where(MealEligibility.user_id == user.id)
                                   .order_by(MealEligibility.id.desc())))


def submit(user: User, situation, statement, district_id) -> MealEligibility:
    """Send the account's statement of need to the checkers. Commit.

    :raise InvalidInput: a field is missing or wrong. :raise Conflict: one is already waiting.
    """
    errors: dict[str, list] = {}
    if situation not in {s.value for s in Situation}:
        errors["situation"] = [_l("Choose your situation.")]
    statement = (statement or "").strip() if isinstance(statement, str) else ""
    if not statement:
        errors["statement"] = [_l("Say in a few words why you need meals.")]
    elif len(statement) > STATEMENT_MAX:
        errors["statement"] = [_l("Please keep it under %(n)s characters.", n=STATEMENT_MAX)]
    district = db.session.get(District, as_id(district_id)) if as_id(district_id) else None
    if district is None:
        errors["district_id"] = [_l("Choose your district.")]
    if errors:
        raise InvalidInput(fields=errors)
    waiting = db.session.scalar(select(MealEligibility.id).where(
        MealEligibility.user_id == user.id, MealEligibility.status == E.SUBMITTED.value))
    if waiting is not None:
        raise Conflict(_l("Your statement is already waiting for checks."))
    found = MealEligibility(user_id=user.id, situation=situation, statement=statement, district_id=district.id)
    MealEligibility.machine.start(found, E.SUBMITTED, by=user)
    db.session.add(found)
    db.session.commit()
    return found


def worklist(checker: User) -> list[MealEligibility]:
    """Return the statements waiting for checks, oldest first. :raise NotFound: not a checker."""
    if not is_checker(checker):
        raise NotFound()
    return list(db.session.scalars(select(MealEligibility).where(MealEligibility.status == E.SUBMITTED.value)
                                   .order_by(MealEligibility.id)))


def _get(checker: User, eligibility_id) -> MealEligibility:
    if not is_checker(checker):
        raise NotFound()
    found = db.session.get(MealEligibility, as_id(eligibility_id), with_for_update={"key_share": True}) \
        if as_id(eligibility_id) else None
    if found is None:
        raise NotFound()
    return found


def _tell(found: MealEligibility, reason: str = "") -> None:
    notify(found.user, "meals_eligibility", link=("meals.need", {}), state=MealEligibility.machine.label(found.status),
           reason=reason)


def verify(checker: User, eligibility_id) -> MealEligibility:
    """Accept a statement of need for MEALS_ELIGIBILITY_DAYS from today. Commit."""
    found = _get(checker, eligibility_id)
    MealEligibility.machine.move(found, E.VERIFIED, by=checker, reviewed_by_id=checker.id,
                                 valid_until=local_today() + timedelta(days=settings.MEALS_ELIGIBILITY_DAYS))
    _tell(found)
    db.session.commit()
    return found


def reject(checker: User, eligibility_id, reason) -> MealEligibility:
    """Turn a statement of need down, saying why. Commit. :raise InvalidInput: no reason."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > REASON_MAX:
        raise InvalidInput(fields={"reason": [_l("Say why, in under %(n)s characters.", n=REASON_MAX)]})
    found = _get(checker, eligibility_id)
    MealEligibility.machine.move(found, E.REJECTED, by=checker, why=reason, reason=reason,
                                 reviewed_by_id=checker.id)
    _tell(found, reason)
    db.session.commit()
    return found
