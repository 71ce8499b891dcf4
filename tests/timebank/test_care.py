"""Care paid in hours: held at request, paid on confirmation, settled by a coordinator, or released."""
from datetime import timedelta

import pytest

from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause
from marketplace.ledger.errors import InsufficientBalance
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities.service import savings_account
from marketplace.timebank.care import service as care


def fund(user, minutes):
    ledger.post([(ledger.platform_account("hours_issued"), -minutes), (savings_account(user), minutes)],
                cause=Cause.test(f"fund:{user.id}"), kind="hours.attendance")
    db.session.commit()


def ask(requester, team, minutes=90, key="k1", **extra):
    return care.request_care(requester, organisation_id=team.org.id, recipient_name="王阿姨", service="home_visit",
                             details="每周探访", district_id=1, scheduled_at=now_utc() + timedelta(days=2),
                             minutes=minutes, key=key, **extra)


@pytest.fixture
def family(create_user):
    daughter, helper = create_user(display_name="女儿"), create_user(display_name="志愿者")
    fund(daughter, 300)
    return daughter, helper


def test_asking_holds_the_hours_and_confirming_pays_the_volunteer(team, family):
    daughter, helper = family
    request = ask(daughter, team)
    assert ledger.balance(savings_account(daughter)) == ledger.Balance(posted=300, held=90)
    assert ask(daughter, team).id == request.id  # the same form sent twice
    care.accept(request.id, helper)
    care.confirm(request.id, daughter)
    assert ledger.balance(savings_account(daughter)) == ledger.Balance(posted=210, held=0)
    assert ledger.balance(savings_account(helper)).posted == 90
    assert request.status == "settled"


def test_one_volunteer_wins_and_nobody_takes_their_own_request(team, family, create_user):
    daughter, helper = family
    request = ask(daughter, team)
    with pytest.raises(Conflict):
        care.accept(request.id, daughter)
    care.accept(request.id, helper)
    with pytest.raises(Conflict, match="already taken"):
        care.accept(request.id, create_user())


def test_cancelling_releases_the_hold(team, family):
    daughter, helper = family
    request = ask(daughter, team)
    care.cancel(request.id, daughter)
    assert ledger.balance(savings_account(daughter)) == ledger.Balance(posted=300, held=0)
    with pytest.raises(Conflict):
        care.cancel(request.id, daughter)


def test_a_dispute_is_settled_by_a_coordinator(team, family):
    daughter, helper = family
    request = ask(daughter, team)
    care.accept(request.id, helper)
    care.dispute(request.id, daughter, "只来了半小时")
    with pytest.raises(InvalidInput):
        care.settle(request.id, team.coordinator, 30, "")
    care.settle(request.id, team.coordinator, 30, "paid for the half hour given")
    assert ledger.balance(savings_account(helper)).posted == 30
    assert ledger.balance(savings_account(daughter)) == ledger.Balance(posted=270, held=0)


def test_hours_cannot_be_held_without_savings(team, create_user):
    with pytest.raises(InsufficientBalance):
        ask(create_user(), team)


def test_the_pool_pays_for_people_without_hours(team, family, create_user):
    daughter, helper = family
    care.donate_to_pool(daughter, team.org.id, 120, key="give-1")
    assert ledger.balance(care.pool_account(team.org)).posted == 120
    with pytest.raises(NotFound):  # only coordinators spend the pool
        ask(create_user(), team, minutes=60, key="pool-1", from_pool=True)
    request = ask(team.coordinator, team, minutes=60, key="pool-2", from_pool=True)
    care.accept(request.id, helper)
    care.confirm(request.id, team.coordinator)
    assert ledger.balance(care.pool_account(team.org)).posted == 60
    assert ledger.balance(savings_account(helper)).posted == 60


def test_bad_requests_name_their_fields(team, family):
    daughter, _ = family
    with pytest.raises(InvalidInput) as refused:
        care.request_care(daughter, organisation_id=999_999, recipient_name="", service="massage", details="",
                          district_id=0, scheduled_at=now_utc() - timedelta(days=1), minutes=5, key="bad")
    assert set(refused.value.fields) == {"organisation_id", "recipient_name", "service", "district_id",
                                         "scheduled_at", "minutes"}


def test_strangers_cannot_see_a_request_once_taken(team, family, create_user):
    daughter, helper = family
    request = ask(daughter, team)
    care.accept(request.id, helper)
    with pytest.raises(NotFound):
        care.get_care(request.id, create_user())
