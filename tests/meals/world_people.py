"""The people part of the meal world (see tests/meals/world.py): a reservation held by the volunteer (whose
statement of need is verified), a newer statement of need of theirs waiting for checks, the store's walk-in poster."""
from __future__ import annotations

from datetime import timedelta

from marketplace.meals import people as meal_people
from marketplace.meals.models import (
    Channel,
    EligibilityStatus,
    MealEligibility,
    MealQuota,
    MealReservation,
    MealStockItem,
    MealStore,
    ReservationStatus,
    StoreKind,
    StoreStatus,
)
from marketplace.orgs.models import OrgKind
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today


def _store(people, kind: StoreKind) -> int:
    """Make an open store of the world's firm (only while the stores part of the world makes none)."""
    firm = next(m.organisation for m in people["org_admin"].memberships
                if m.organisation.kind == OrgKind.FIRM.value)
    store = MealStore(organisation_id=firm.id, kind=kind.value, name="世界餐厅", address="福田区1号", district_id=1)
    MealStore.machine.start(store, StoreStatus.PENDING)
    db.session.add(store)
    db.session.flush()
    MealStore.machine.move(store, StoreStatus.OPEN)
    today = local_today()
    if kind == StoreKind.RESTAURANT:
        db.session.add(MealQuota(store_id=store.id, meals_per_day=20, contents="一荤两素", value_fen=1500,
                                 starts_on=today, ends_on=today + timedelta(days=30)))
    else:
        db.session.add(MealStockItem(store_id=store.id, name="粮油盲盒", quantity=5, value_fen=3000))
    db.session.flush()
    return store.id


def people_of(ids, people) -> dict:
    made = {}
    for name, kind in (("meal_store_id", StoreKind.RESTAURANT), ("meal_base_id", StoreKind.BASE)):
        if name not in ids:
            made[name] = _store(people, kind)
    store_id = ids.get("meal_store_id", made.get("meal_store_id"))
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
    person = meal_people.person_for_user(people["volunteer"])
    reservation = MealReservation(store_id=store_id, day=today + timedelta(days=1), person_id=person.id,
                                  channel=Channel.ONLINE.value)
    MealReservation.machine.start(reservation, ReservationStatus.RESERVED, why="person")
    db.session.add(reservation)
    person.meals_taken += 1
    db.session.commit()
    return made | {"reservation_token": reservation.token, "meal_eligibility_id": waiting.id,
                   "poster_token": db.session.get(MealStore, store_id).poster_token}
