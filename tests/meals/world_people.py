"""The people part of the meal world (see tests/meals/world.py): a reservation held by the volunteer (whose
statement of need is verified), a newer statement of need of theirs waiting for checks, the store's walk-in poster."""
from __future__ import annotations

from datetime import timedelta

from marketplace.meals import people as meal_people
from marketplace.meals import phones, reservations
from marketplace.meals.models import (
    EligibilityStatus,
    MealEligibility,
)
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today


def people_of(ids, people) -> dict:
    store_id = ids["meal_store_id"]
    today = local_today()
    verified = MealEligibility(user_id=people["volunteer"].id, situation="graduate", statement="毕业找工作中",
                               district_id=1)
    MealEligibility.machine.start(verified, EligibilityStatus.SUBMITTED, by=people["volunteer"])
    db.session.add(verified)
    db.session.flush()
    MealEligibility.machine.move(verified, EligibilityStatus.VERIFIED, by=people["social_worker"],
                                 reviewed_by_id=people["social_worker"].id, valid_until=today + timedelta(days=365))
    waiting = MealEligibility(user_id=people["volunteer"].id, situation="between_jobs", statement="又失业两个月",
                              district_id=1)
    MealEligibility.machine.start(waiting, EligibilityStatus.SUBMITTED, by=people["volunteer"])
    db.session.add(waiting)
    db.session.commit()
    person = meal_people.tie(phones.person_for_key(phones.phone_key("13700000000")), people["volunteer"])
    reservation = reservations.reserve(person, store_id, today + timedelta(days=1))
    return {"reservation_token": reservation.token, "meal_eligibility_id": waiting.id}
