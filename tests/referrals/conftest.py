"""Referral fixtures: a social-work station with enrolled households in two communities, two helping
organisations offering catalogue items in the district, a district officer and an assigned volunteer."""
from __future__ import annotations

import pytest

from marketplace.orgs.models import Community
from marketplace.platform.extensions import db
from marketplace.referrals import households
from marketplace.referrals.models import AssistanceItem, DistrictOfficer, HouseholdVisitor, ItemOffer
from tests.wishes.conftest import PRIVATE, create_household, station  # noqa: F401  (fixtures used here)

__all__ = ["PRIVATE"]


class World:
    pass


@pytest.fixture
def care(station, create_household, create_user, create_org):  # noqa: F811
    """The referral world (see the module docstring), as attributes of one object:

    .station (.org, .worker staff, .checker staff, .admin), .officer (district 1), .volunteer (visits .home),
    .charity and .charity_staff, .helper and .helper_staff (both offer .meals in district 1),
    .policy (a policy item for elderly people living alone aged 80+), .meals (a service item),
    .east / .west communities, .home (elderly alone, 80+, in .east) and .family (subsistence, in .west).
    """
    w = World()
    w.station = station
    w.officer, w.volunteer = create_user(display_name="区督导"), create_user(display_name="志愿者小周")
    w.charity_staff, w.helper_staff = create_user(display_name="慈善会小吴"), create_user(display_name="助餐点小郑")
    w.charity = create_org("charity", {w.charity_staff: "staff"}, name_zh="慈善会", name_en="Charity Society")
    w.helper = create_org("charity", {w.helper_staff: "staff"}, name_zh="长者饭堂", name_en="Elders' Canteen")
    w.east = Community(district_id=1, code="east", name_zh="东街社区", name_en="East Street")
    w.west = Community(district_id=1, code="west", name_zh="西街社区", name_en="West Street")
    w.policy = AssistanceItem(code="old-age-allowance", kind="policy", need_kind="living", name_zh="高龄津贴",
                              name_en="Old-age allowance", categories=["elderly_alone"],
                              required_facts=["aged_80_plus"])
    w.meals = AssistanceItem(code="meal-delivery", kind="service", need_kind="living", name_zh="长者送餐",
                             name_en="Meals delivered", categories=[], required_facts=[])
    db.session.add_all([w.east, w.west, w.policy, w.meals,
                        DistrictOfficer(user_id=w.officer.id, district_id=1)])
    db.session.flush()
    db.session.add_all([ItemOffer(item_id=w.meals.id, organisation_id=org.id, district_id=1)
                        for org in (w.charity, w.helper)])
    db.session.commit()
    home, family = create_household(), create_household(pseudonym="青禾13", category="minimum_living")
    w.home = households.enrol(station.worker, home.id, categories=["elderly_alone"], community_id=w.east.id,
                              facts=["aged_80_plus"], social_worker_id=station.worker.id)
    w.family = households.enrol(station.worker, family.id, categories=["subsistence"], community_id=w.west.id,
                                facts=["unemployed"], social_worker_id=station.worker.id)
    db.session.add(HouseholdVisitor(beneficiary_id=w.home.beneficiary_id, user_id=w.volunteer.id))
    db.session.commit()
    return w
