"""The referral part of the access-policy world (tests/test_access_policy.py): a household of the charity
enrolled for visits, with the volunteer assigned to it and one referral recorded for it. Each piece of the
domain adds the objects its routes name here, returning their ids under the names of the routes' parts."""
from __future__ import annotations

from datetime import date

from marketplace.auth.models import User
from marketplace.orgs.models import Community
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.referrals import households, service, visits
from marketplace.referrals.models import AssistanceItem, DistrictOfficer, HouseholdVisitor, ItemOffer
from marketplace.wishes import beneficiaries


def referrals_of(charity, people) -> dict:
    """Return {"household_id", "referral_id", "community_id", "visit_id"} for the access matrix."""
    community = Community(district_id=1, code="matrix", name_zh="矩阵社区", name_en="Matrix Community")
    db.session.add(community)
    db.session.commit()
    household = beneficiaries.register_beneficiary(
        people["org_admin"], charity, pseudonym="矩阵1", district_id=1, category="elderly_alone", age_band="80+",
        consent_on=date(2026, 1, 5), consent_scope="探访", full_name="PRIVATE-王秘密", phone="13900139000")
    beneficiaries.verify_beneficiary(people["staff"], household.id)  # verified, as households in care are
    care = households.enrol(people["staff"], household.id, categories=["elderly_alone"], community_id=community.id,
                            facts=["aged_80_plus"])
    db.session.add(HouseholdVisitor(beneficiary_id=care.beneficiary_id, user_id=people["volunteer"].id))
    db.session.commit()
    referral = service.intake(people["staff"], care.beneficiary_id, source="social_worker", need_kind="medical",
                              urgency="normal", description="陪同就医")
    ids = {"household_id": care.beneficiary_id, "referral_id": referral.id, "community_id": community.id,
           **setup_of(charity), **loop_of(charity, people, care)}
    # visits: one recorded today by staff (no hours), so the household is green and its visit page exists
    ids["visit_id"] = visits.record_visit(people["staff"], care.beneficiary_id, visited_on=local_today(), mode="home",
                                          minutes=0, living="独居，生活能自理").id
    return ids


def setup_of(charity) -> dict:
    """The setup part's objects: a policy item the household may be eligible for, a service item the charity
    offers in district 1, and a district officer of district 1 (someone outside the matrix's roles)."""
    allowance = AssistanceItem(code="matrix-allowance", kind="policy", need_kind="living", name_zh="矩阵津贴",
                               name_en="Matrix allowance", categories=["elderly_alone"], required_facts=[])
    meals = AssistanceItem(code="matrix-meals", kind="service", need_kind="living", name_zh="矩阵送餐",
                           name_en="Matrix meals", categories=[], required_facts=[])
    officer = User(email="district-officer@example.org", password_hash="!", display_name="矩阵督导")
    db.session.add_all([allowance, meals, officer])
    db.session.flush()
    offer = ItemOffer(item_id=meals.id, organisation_id=charity.id, district_id=1)
    db.session.add_all([offer, DistrictOfficer(user_id=officer.id, district_id=1)])
    db.session.commit()
    return {"catalogue_item_id": allowance.id, "item_offer_id": offer.id, "officer_id": officer.id}


def loop_of(charity, people, care) -> dict:
    """The loop's objects: a referral sent to the charity and waiting for its answer ("dispatch_id"), one it
    accepted with a file kept on it ("referral_action_id"), and the household's own link ("ask_token")."""
    import io

    from werkzeug.datastructures import FileStorage

    from marketplace.referrals import dispatch, household_link, processing
    from tests.files import PDF

    def sent():
        asked = service.intake(people["staff"], care.beneficiary_id, source="social_worker", need_kind="living",
                               urgency="normal", description="送餐")
        dispatch.dispatch(people["staff"], asked.id, [charity.id])
        return asked, dispatch.dispatches_of(asked)[0]

    _waiting, open_dispatch = sent()
    handled, answered = sent()
    dispatch.accept(people["staff"], answered.id)
    kept = processing.attach(people["staff"], handled.id, upload=FileStorage(io.BytesIO(PDF), filename="f.pdf"))
    _care, token = household_link.make_link(people["staff"], care.beneficiary_id)
    return {"dispatch_id": open_dispatch.id, "referral_action_id": kept.id, "ask_token": token}
