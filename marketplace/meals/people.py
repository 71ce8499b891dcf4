"""People with an account: the phone they confirmed, tied to the account (one person, whether logged in or not, so
the free meals and the daily limit count once), and their statements of need, which checkers (platform admins,
social-work stations' staff) verify or turn down."""
from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from config import settings
from marketplace.auth.models import User
from marketplace.meals import phones
from marketplace.meals.access import checker_districts, is_checker
from marketplace.meals.models import EligibilityStatus, MealEligibility, MealPerson, Situation
from marketplace.notifications.service import notify
from marketplace.orgs.models import District
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import as_id
from marketplace.platform.timeutil import local_today

E = EligibilityStatus
STATEMENT_MAX = 2000
REASON_MAX = 300


def person_of(user: User | None) -> MealPerson | None:
    """Return the phone person tied to the account, if it confirmed one."""
    if user is None:
        return None
    return db.session.scalar(select(MealPerson).where(MealPerson.user_id == user.id))


def tie(person: MealPerson, user: User) -> MealPerson:
    """Tie a confirmed phone to the account: its meals, logged in or not, then count as one person's, and the
    account's statement of need lets it past the free meals. Commit.

    :raise Conflict: the phone is another account's, or the account has another phone.
    """
    tied = person_of(user)
    if tied is not None and tied.id != person.id:
        raise Conflict(_l("Your account already uses another mobile number for meals. Confirm that number."))
    if tied is None:
        won = db.session.execute(update(MealPerson).where(MealPerson.id == person.id, MealPerson.user_id.is_(None))
                                 .values(user_id=user.id).execution_options(synchronize_session="fetch")).rowcount
        if not won:
            raise Conflict(_l("This mobile number is used for meals by another account."))
        db.session.commit()
    return person


def confirm(number, code, user: User | None = None) -> MealPerson:
    """Confirm a phone by its code and, for a logged-in account, tie the two. Commit.

    :raise InvalidInput: a wrong or old code. :raise Conflict: the phone or the account is tied elsewhere.
    """
    person = phones.confirm_code(number, code)
    return tie(person, user) if user is not None else person


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
    query = select(MealEligibility).where(MealEligibility.status == E.SUBMITTED.value,
                                          MealEligibility.user_id != checker.id)
    districts = checker_districts(checker)
    if districts is not None:  # a station's staff check the people of their own districts only
        query = query.where(MealEligibility.district_id.in_(districts))
    return list(db.session.scalars(query.order_by(MealEligibility.id)))


def _get(checker: User, eligibility_id) -> MealEligibility:
    if not is_checker(checker):
        raise NotFound()
    found = db.session.get(MealEligibility, as_id(eligibility_id), with_for_update={"key_share": True}) \
        if as_id(eligibility_id) else None
    districts = checker_districts(checker)
    if found is None or found.user_id == checker.id or (districts is not None and found.district_id not in districts):
        raise NotFound()  # nobody checks their own statement; a station checks its own districts'
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
