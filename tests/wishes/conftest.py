"""Wishes fixtures: a social-work station with two staff, a firm, a donor, households and listings."""
from __future__ import annotations

from datetime import date

import pytest

from marketplace.wishes import beneficiaries, service

# Marker strings seeded into every private field: no public page or export may ever show them.
PRIVATE = {"full_name": "PRIVATE-NAME-王秘密", "phone": "13800138000", "id_number": "44010619800101123X",
           "address": "PRIVATE-ADDRESS-天河路1号", "notes": "PRIVATE-NOTES-病史"}


@pytest.fixture
def station(create_user, create_org):
    """A social-work station: .org, .worker (staff, author), .checker (staff, verifies), .admin (org admin),
    plus .donor (no organisation), .firm and .firm_member."""
    worker, checker = create_user(display_name="社工小陈"), create_user(display_name="社工小李")
    admin, donor, firm_member = (create_user(display_name="站长"), create_user(display_name="爱心人士"),
                                 create_user(display_name="企业员工"))
    org = create_org("social_work_station", {worker: "staff", checker: "staff", admin: "admin"},
                     name_zh="天河社工站", name_en="Tianhe Station")
    firm = create_org("firm", {firm_member: "member"}, name_zh="爱心企业", name_en="Kind Firm")

    class Station:
        pass

    s = Station()
    s.org, s.worker, s.checker, s.admin, s.donor, s.firm, s.firm_member = (
        org, worker, checker, admin, donor, firm, firm_member)
    return s


@pytest.fixture
def create_household(station):
    """create_household(verified=True, **fields): a household of the station registered by .worker and
    verified by .checker, with private markers."""

    def make(verified=True, **fields):
        values = dict(pseudonym="青禾12", district_id=1, category="elderly_alone", age_band="80+",
                      consent_on=date(2026, 1, 5), consent_scope="发布微心愿", **PRIVATE)
        values.update(fields)
        household = beneficiaries.register_beneficiary(station.worker, station.org, **values)
        if verified:
            beneficiaries.verify_beneficiary(station.checker, household.id)  # never the registrant
        return household

    return make


@pytest.fixture
def create_listing(station, create_household):
    """create_listing(status="published", kind="wish", household=None, **fields): written by .worker,
    verified and published by .checker, as far as `status` asks."""
    steps = ["draft", "submitted", "verified", "published"]

    def make(status="published", kind="wish", household=None, **fields):
        household = household or create_household()
        values = dict(title="冬天的棉被", story="奶奶的被子太薄了", quantity=1,
                      value_fen=20_000 if kind != "service_need" else 0)
        if kind == "household_need":
            values.update(title="修补漏雨的屋顶", value_fen=1_000_000,
                          funding=[{"source": "government", "amount_fen": 400_000},
                                   {"source": "firm", "amount_fen": 400_000},
                                   {"source": "family", "amount_fen": 200_000}])
        values.update(fields)
        listing = service.create_listing(station.worker, household.id, kind=kind, **values)
        for step in steps[1:steps.index(status) + 1]:
            actor = station.worker if step == "submitted" else station.checker
            service.transition(actor, listing.id, step)
        return listing

    return make
