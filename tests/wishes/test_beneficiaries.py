"""Households: registered with consent, seen in full only by their organisation and verifier, re-verified yearly."""
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from marketplace.orgs.models import Membership
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.wishes import beneficiaries
from marketplace.wishes.beneficiaries import PSEUDONYM_WORDS, add_months
from tests.wishes.conftest import PRIVATE


def test_a_social_worker_registers_a_household_with_consent(station, create_household):
    household = create_household(verified=False)
    assert household.organisation_id == station.org.id and household.registered_by_id == station.worker.id
    assert household.full_name == PRIVATE["full_name"] and household.consent_on == date(2026, 1, 5)
    assert household.verified_at is None and not beneficiaries.is_verified(household)
    assert len(household.public_code) == 12  # random, not the sequential id


def test_outsiders_cannot_register_households(station, create_user):
    with pytest.raises(NotFound):  # a forbidden organisation answers like a missing one
        beneficiaries.register_beneficiary(station.donor, station.org, pseudonym="x", full_name="y",
                                           district_id=1, category="disability", age_band="18-59",
                                           consent_on=date(2026, 1, 1), consent_scope="z")
    with pytest.raises(NotFound):
        beneficiaries.register_beneficiary(station.firm_member, station.org, pseudonym="x", full_name="y",
                                           district_id=1, category="disability", age_band="18-59",
                                           consent_on=date(2026, 1, 1), consent_scope="z")


def test_each_bad_field_is_named(station):
    with pytest.raises(InvalidInput) as refused:
        beneficiaries.register_beneficiary(
            station.worker, station.org, pseudonym="", full_name="x" * 81, phone="call me", id_number="123",
            district_id=99999, category="rich", age_band="200", consent_on=local_today() + timedelta(days=1),
            consent_scope="")
    assert set(refused.value.fields) == {"pseudonym", "full_name", "phone", "id_number", "district_id",
                                         "category", "age_band", "consent_on", "consent_scope"}
    with pytest.raises(TypeError):
        beneficiaries.register_beneficiary(station.worker, station.org, salary=1)


def test_every_category_of_the_issue_is_accepted(create_household):
    for category in ("minimum_living", "extreme_poverty", "near_poverty", "expenditure_hardship",
                     "child_in_difficulty", "elderly_alone", "disability"):
        assert create_household(category=category, verified=False).category == category


def test_suggested_pseudonyms_name_nobody():
    for _ in range(20):
        name = beneficiaries.suggest_pseudonym()
        assert name[:-2] in PSEUDONYM_WORDS and name[-2:].isdigit()


def test_verifying_sets_the_next_visit_twelve_months_on_and_the_setting_changes_it(app, station, create_household):
    household = create_household(verified=False)
    beneficiaries.verify_beneficiary(station.checker, household.id)
    assert household.verified_by_id == station.checker.id
    assert household.reverify_due_on == add_months(local_today(), 12)
    assert beneficiaries.is_verified(household)
    app.config["WISHES_REVERIFY_MONTHS"] = 3
    beneficiaries.verify_beneficiary(station.checker, household.id)
    assert household.reverify_due_on == add_months(local_today(), 3)


def test_an_overdue_household_is_no_longer_verified(create_household):
    household = create_household()
    household.reverify_due_on = local_today() - timedelta(days=1)
    db.session.commit()
    assert not beneficiaries.is_verified(household)


def test_add_months_keeps_to_the_end_of_short_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)
    assert add_months(date(2026, 11, 15), 2) == date(2027, 1, 15)


def test_private_fields_are_for_the_organisation_and_the_verifier_only(station, create_household, create_user):
    household = create_household()
    assert beneficiaries.may_see_private(station.worker, household)
    assert beneficiaries.may_see_private(station.admin, household)
    for outsider in (None, station.donor, station.firm_member, create_user()):
        assert not beneficiaries.may_see_private(outsider, household)
    with pytest.raises(NotFound):
        beneficiaries.get_beneficiary(station.donor, household.id)
    with pytest.raises(NotFound):
        beneficiaries.get_beneficiary(station.worker, "1; drop table")
    # the verifier keeps seeing the household after leaving the organisation
    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == station.checker.id)))
    db.session.commit()
    db.session.expire_all()
    assert beneficiaries.may_see_private(station.checker, household)
    assert beneficiaries.get_beneficiary(station.checker, household.id) == household


def test_a_verifier_who_left_may_read_but_no_longer_change_the_household(station, create_household):
    household = create_household()
    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == station.checker.id)))
    db.session.commit()
    db.session.expire_all()
    assert beneficiaries.get_beneficiary(station.checker, household.id).id == household.id
    with pytest.raises(NotFound):
        beneficiaries.update_beneficiary(station.checker, household.id, notes="changed")
    with pytest.raises(NotFound):
        beneficiaries.verify_beneficiary(station.checker, household.id)


def test_updating_keeps_the_fields_not_given_and_checks_the_rest(station, create_household):
    household = create_household()
    beneficiaries.update_beneficiary(station.checker, household.id, pseudonym="暖阳33", phone="")
    assert household.pseudonym == "暖阳33" and household.phone == "" and household.full_name == PRIVATE["full_name"]
    with pytest.raises(InvalidInput) as refused:
        beneficiaries.update_beneficiary(station.checker, household.id, category="nobody")
    assert set(refused.value.fields) == {"category"}


def test_households_of_an_organisation_are_listed_for_its_staff_only(station, create_household):
    first, second = create_household(), create_household(pseudonym="春芽20")
    listed = db.session.scalars(beneficiaries.beneficiaries_of(station.worker, station.org)).all()
    assert [b.id for b in listed] == [second.id, first.id]
    with pytest.raises(NotFound):
        beneficiaries.beneficiaries_of(station.donor, station.org)
