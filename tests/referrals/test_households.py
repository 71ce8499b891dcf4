"""Households' care records: categories set the visit schedule; needs recorded by those who may."""
from datetime import timedelta

import pytest

from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.timeutil import local_today
from marketplace.referrals import households, service


def test_an_elderly_person_alone_is_visited_weekly_and_others_monthly(care):
    assert care.home.visit_every_days == 7
    assert care.home.visit_due_on == local_today() + timedelta(days=7)
    assert care.family.visit_every_days == 30


def test_the_shortest_interval_of_several_categories_wins(care):
    changed = households.enrol(care.station.worker, care.family.beneficiary_id,
                               categories=["subsistence", "severe_disability"], community_id=care.west.id)
    assert changed.visit_every_days == 14
    assert sorted(c.category for c in changed.categories) == ["severe_disability", "subsistence"]


def test_enrolment_refuses_unknown_categories_and_other_districts_communities(care):
    with pytest.raises(InvalidInput) as error:
        households.enrol(care.station.worker, care.home.beneficiary_id, categories=["rich"], facts=["tall"])
    assert set(error.value.fields) == {"categories", "facts"}
    with pytest.raises(NotFound):
        households.enrol(care.charity_staff, care.home.beneficiary_id, categories=["subsistence"])


def test_a_need_is_recorded_waiting_for_dispatch_and_counted_on_the_household(care):
    referral = service.intake(care.station.worker, care.home.beneficiary_id, source="social_worker",
                              need_kind="medical", urgency="urgent", description="需要陪同就医")
    assert referral.status == "new" and referral.community_id == care.east.id
    assert care.home.open_referrals == 1
    with pytest.raises(InvalidInput) as error:
        service.intake(care.station.worker, care.home.beneficiary_id, source="social_worker", need_kind="x",
                       urgency="soon", description=" ")
    assert set(error.value.fields) == {"need_kind", "urgency", "description"}
    with pytest.raises(NotFound):
        service.intake(care.charity_staff, care.home.beneficiary_id, source="social_worker", need_kind="medical",
                       description="x")
