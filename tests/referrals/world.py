"""The referral part of the access-policy world (tests/test_access_policy.py): a household of the charity
enrolled for visits, with the volunteer assigned to it and one referral recorded for it. Each piece of the
domain adds the objects its routes name here, returning their ids under the names of the routes' parts."""
from __future__ import annotations

from datetime import date

from marketplace.orgs.models import Community
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.referrals import households, service, visits
from marketplace.referrals.models import HouseholdVisitor
from marketplace.wishes import beneficiaries


def referrals_of(charity, people) -> dict:
    """Return {"household_id", "referral_id", "community_id", "visit_id"} for the access matrix."""
    community = Community(district_id=1, code="matrix", name_zh="矩阵社区", name_en="Matrix Community")
    db.session.add(community)
    db.session.commit()
    household = beneficiaries.register_beneficiary(
        people["org_admin"], charity, pseudonym="矩阵1", district_id=1, category="elderly_alone", age_band="80+",
        consent_on=date(2026, 1, 5), consent_scope="探访", full_name="PRIVATE-王秘密", phone="13900139000")
    care = households.enrol(people["staff"], household.id, categories=["elderly_alone"], community_id=community.id,
                            facts=["aged_80_plus"])
    db.session.add(HouseholdVisitor(beneficiary_id=care.beneficiary_id, user_id=people["volunteer"].id))
    db.session.commit()
    referral = service.intake(people["staff"], care.beneficiary_id, source="social_worker", need_kind="medical",
                              urgency="normal", description="陪同就医")
    ids = {"household_id": care.beneficiary_id, "referral_id": referral.id, "community_id": community.id}
    # visits: one recorded today by staff (no hours), so the household is green and its visit page exists
    ids["visit_id"] = visits.record_visit(people["staff"], care.beneficiary_id, visited_on=local_today(), mode="home",
                                          minutes=0, living="独居，生活能自理").id
    return ids
