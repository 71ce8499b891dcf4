"""Joining an exchange: who may, what is checked, and a coordinator joining a member who has no phone."""
from __future__ import annotations

import pytest

from config import settings
from marketplace.audit.models import AuditEvent
from marketplace.exchanges import members
from marketplace.exchanges.models import ExchangeMember
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today


def test_a_member_of_the_organisation_joins_and_edits_their_profile(exchange):
    year = local_today().year
    member = members.join(exchange.newcomer, exchange.org, year - 30, "1", "  I fix bikes. ")
    assert (member.birth_year, member.district_id, member.about, member.joined_by_id) == (year - 30, 1, "I fix bikes.",
                                                                                          None)
    members.edit_profile(exchange.newcomer, member, year - 31, 1, "I fix bikes and clocks.")
    assert db.session.get(ExchangeMember, member.id).about == "I fix bikes and clocks."
    with pytest.raises(Conflict):
        members.join(exchange.newcomer, exchange.org, year - 30, 1, "")


def test_bad_profile_fields_are_named_and_nothing_is_written(exchange):
    with pytest.raises(InvalidInput) as caught:
        members.join(exchange.newcomer, exchange.org, "1850", "9999", "x" * 301)
    assert set(caught.value.fields) == {"birth_year", "district_id", "about"}
    with pytest.raises(InvalidInput) as caught:
        members.join(exchange.newcomer, exchange.org, "nineteen", "north", "")
    assert set(caught.value.fields) == {"birth_year", "district_id"}
    assert db.session.query(ExchangeMember).filter_by(user_id=exchange.newcomer.id).count() == 0


def test_only_members_of_the_organisation_join_and_only_coordinators_join_others(exchange):
    year = local_today().year
    with pytest.raises(NotFound):
        members.join(exchange.outsider, exchange.org, year - 30, 1, "")
    with pytest.raises(NotFound):  # a member may not join someone else
        members.join(exchange.amy.user, exchange.org, year - 30, 1, "", user=exchange.newcomer)
    with pytest.raises(NotFound):
        members.edit_profile(exchange.amy.user, exchange.ben, year - 30, 1, "hacked")


def test_a_coordinator_joins_a_member_without_a_phone_and_the_audit_says_so(exchange):
    grandma = exchange.grandma
    assert grandma.joined_by_id == exchange.coordinator.id
    event = db.session.query(AuditEvent).filter_by(action="exchanges.member_joined", subject_id=grandma.id).one()
    assert event.actor_id == exchange.coordinator.id
    assert event.detail["for_user_id"] == grandma.user_id and event.detail["by_coordinator"] is True


def test_adult_age_and_first_exchanges_needing_approval(exchange):
    assert members.is_adult(exchange.amy) and not members.is_adult(exchange.teen)
    exchange.teen.birth_year = local_today().year - 18  # may not have turned 18 yet this year
    assert not members.is_adult(exchange.teen)
    exchange.teen.birth_year = local_today().year - 19
    assert members.is_adult(exchange.teen)
    assert members.needs_approval(exchange.amy)
    exchange.amy.exchanges_approved = settings.EXCHANGE_APPROVALS_FOR_NEW_MEMBERS
    assert not members.needs_approval(exchange.amy)
