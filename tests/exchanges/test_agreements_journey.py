"""Journeys through an agreement, at the services: offer → propose → accept → confirm moves the minutes once;
a coordinator acting for an elderly member; a dispute settled by a coordinator; the allowance; new members'
approvals; the refusals a member meets."""
# ruff: noqa: F811  (pytest fixtures imported from agreement_helpers are named as arguments)
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.exchanges import agreements, transfer
from marketplace.exchanges.models import AgreementStatus as AS
from marketplace.exchanges.models import MemberBlock
from marketplace.ledger import verify as ledger_verify
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today, now_utc
from tests.exchanges.agreement_helpers import (
    exchange,  # noqa: F401
    exchange_entries,
    join,
    make_post,
    save_minutes,
    soon,
    time_passes,
)


def _agreed(x, minutes=60):
    """Ben answers Ann's offer (he receives); Ann accepts."""
    agreement = agreements.propose(x.ben, x.m.ben, x.offer, soon(), minutes, "Tuesday after lunch?")
    return agreements.accept(x.ann, x.m.ann, agreement.code)


def test_offer_propose_accept_confirm_moves_the_minutes_once(app, exchange):
    x = exchange
    save_minutes(x.ben, 30)
    agreement = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 90, "Tuesday after lunch?")
    assert agreement.status == AS.PROPOSED and agreement.giver_id == x.m.ann.id
    assert agreement.receiver_note == "Tuesday after lunch?"
    told = db.session.scalars(select(Notification).where(Notification.user_id == x.ann.id)).all()
    assert [n.params["step"] for n in told] == ["proposed"]
    agreements.accept(x.ann, x.m.ann, agreement.code)
    assert agreement.status == AS.AGREED
    with pytest.raises(Conflict):  # not before the agreed time
        agreements.confirm(x.ben, x.m.ben, agreement.code, 90)
    time_passes(agreement)
    agreements.claim(x.ann, x.m.ann, agreement.code, 90, "We walked in the park too")
    agreements.confirm(x.ben, x.m.ben, agreement.code)
    db.session.expire_all()
    assert agreement.status == AS.CONFIRMED and agreement.minutes == 90 and agreement.entry_id
    # Ben paid his 30 saved minutes and 60 of his allowance; Ann saved 90
    assert transfer.balance_of(x.m.ben) == -60 and transfer.standing_of(x.m.ben).savings == 0
    assert transfer.balance_of(x.m.ann) == 90
    assert transfer.signed_hours(transfer.balance_of(x.m.ben)) == "−1 h"
    with pytest.raises(Conflict):  # a second confirmation moves nothing
        agreements.confirm(x.ben, x.m.ben, agreement.code)
    assert exchange_entries(agreement.id) == 1
    assert [n.params["step"] for n in db.session.scalars(select(Notification).where(
        Notification.user_id == x.ann.id).order_by(Notification.id))][-1] == "confirmed"
    assert ledger_verify.verify().ok


def test_giver_refills_their_own_allowance_first(app, exchange):
    x = exchange
    first = _agreed(x, 60)
    time_passes(first)
    agreements.confirm(x.ben, x.m.ben, first.code, 60)
    assert transfer.standing_of(x.m.ben).credit == -60
    # Ben now gives Ann 45 minutes on her request: his allowance is refilled before his savings grow
    asked = make_post(x.m.ann, kind="request", category="repairs", title="Fix a shelf")
    second = agreements.propose(x.ben, x.m.ben, asked, soon(), 45)
    agreements.accept(x.ann, x.m.ann, second.code)
    time_passes(second)
    agreements.confirm(x.ann, x.m.ann, second.code, 45)
    assert transfer.standing_of(x.m.ben).credit == -15 and transfer.standing_of(x.m.ben).savings == 0
    assert transfer.balance_of(x.m.ann) == 15


def test_coordinator_acts_for_an_elderly_member_on_a_request(app, exchange):
    x = exchange
    save_minutes(x.wang, 120)
    walk = make_post(x.m.wang, kind="request", category="health_escort", title="陪我去社区医院")
    # Ann offers to walk with Wang; the coordinator accepts and later confirms for Wang, who has no phone
    agreement = agreements.propose(x.ann, x.m.ann, walk, soon(), 60, "我周二上午有空")
    assert agreement.giver_id == x.m.ann.id and agreement.receiver_id == x.m.wang.id
    agreements.accept(x.coordinator, x.m.wang, agreement.code)
    time_passes(agreement)
    agreements.confirm(x.coordinator, x.m.wang, agreement.code, 60)
    assert transfer.balance_of(x.m.wang) == 60 and transfer.balance_of(x.m.ann) == 60
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.in_(
        ["exchange.accepted", "exchange.confirmed"])).order_by(AuditEvent.id)).all()
    assert [(e.actor_id, e.detail.get("for_user_id"), e.detail.get("by_coordinator")) for e in events] == [
        (x.coordinator.id, x.wang.id, True)] * 2
    # someone who coordinates nothing here cannot act for Wang
    with pytest.raises(NotFound):
        agreements.claim(x.ben, x.m.ann, agreement.code, 60)


def test_dispute_goes_to_a_coordinator_who_settles_it(app, exchange):
    x = exchange
    agreement = _agreed(x, 120)
    time_passes(agreement)
    agreements.claim(x.ann, x.m.ann, agreement.code, 120, "Two hours with the shopping")
    with pytest.raises(Conflict):  # the giver who claimed does not dispute their own claim
        agreements.dispute(x.ann, x.m.ann, agreement.code, "…")
    agreements.dispute(x.ben, x.m.ben, agreement.code, "She stayed one hour")
    assert agreement.status == AS.DISPUTED and agreement.receiver_note == "She stayed one hour"
    assert agreement in agreements.waiting_for_coordinators([x.org.id], AS.DISPUTED)
    with pytest.raises(NotFound):  # a member does not settle
        agreements.settle_dispute(x.ben, agreement.code, 60, "ok")
    agreements.settle_dispute(x.coordinator, agreement.code, 60, "Both agree on an hour after a call")
    db.session.expire_all()
    assert agreement.status == AS.CONFIRMED and agreement.minutes == 60 and agreement.settled_by_id == x.coordinator.id
    assert transfer.balance_of(x.m.ann) == 60 and exchange_entries(agreement.id) == 1
    with pytest.raises(Conflict):
        agreements.settle_dispute(x.coordinator, agreement.code, 60, "again")


def test_dispute_settled_with_no_minutes_calls_it_off(app, exchange):
    x = exchange
    agreement = _agreed(x)
    time_passes(agreement)
    agreements.dispute(x.ann, x.m.ann, agreement.code, "He was not at home")
    agreements.settle_dispute(x.coordinator, agreement.code, None, "No service took place")
    assert agreement.status == AS.CANCELLED and exchange_entries(agreement.id) == 0


def test_allowance_limit_is_refused_with_what_they_have(app, exchange):
    x = exchange
    save_minutes(x.ben, 30)
    agreement = _agreed(x, 300)
    time_passes(agreement)
    with pytest.raises(transfer.OverAllowance) as refused:
        agreements.confirm(x.ben, x.m.ben, agreement.code, 300)
    assert str(refused.value.message) == (
        "Ben has 30 min and may still receive 2 h 30 min from neighbours; 5 h is too many.")
    db.session.rollback()
    assert agreement.status == AS.AGREED and exchange_entries(agreement.id) == 0
    agreements.confirm(x.ben, x.m.ben, agreement.code, 150)
    assert transfer.balance_of(x.m.ben) == -120 and transfer.standing_of(x.m.ben).may_receive == 0


def test_new_members_exchanges_wait_for_a_coordinator(app, exchange, create_user):
    x = exchange
    newcomer = create_user(display_name="New")
    member = join(x.org, newcomer, approved=0)
    from marketplace.orgs.models import Membership
    db.session.add(Membership(organisation_id=x.org.id, user_id=newcomer.id, role="member"))
    db.session.commit()
    first = agreements.propose(newcomer, member, x.offer, soon(), 60)
    agreements.accept(x.ann, x.m.ann, first.code)
    assert first.status == AS.AWAITING_APPROVAL
    assert first in agreements.waiting_for_coordinators([x.org.id], AS.AWAITING_APPROVAL)
    assert db.session.scalar(select(Notification).where(Notification.user_id == x.coordinator.id,
                                                        Notification.kind == "exchange_coordinate"))
    with pytest.raises(NotFound):
        agreements.approve(x.ann, first.code)
    agreements.approve(x.coordinator, first.code, "Met them both")
    db.session.refresh(member)
    assert first.status == AS.AGREED and member.exchanges_approved == 1
    second = agreements.propose(newcomer, member, x.request, soon(), 30)
    agreements.accept(x.ben, x.m.ben, second.code)
    agreements.refuse(x.coordinator, second.code, "Ask me first, please")
    assert second.status == AS.DECLINED and second.coordinator_note == "Ask me first, please"
    db.session.refresh(member)
    assert member.exchanges_approved == 1


def test_refusals_of_a_proposal(app, exchange, create_user):
    x = exchange
    with pytest.raises(Conflict):
        agreements.propose(x.ann, x.m.ann, x.offer, soon(), 60)  # her own post
    with pytest.raises(InvalidInput) as bad:
        agreements.propose(x.ben, x.m.ben, x.offer, now_utc() - timedelta(hours=1), 0, "x" * 1001)
    assert set(bad.value.fields) == {"starts_at", "minutes", "note"}
    with pytest.raises(InvalidInput):
        agreements.propose(x.ben, x.m.ben, x.offer, soon(), 601)
    db.session.add(MemberBlock(blocker_id=x.m.ann.id, blocked_id=x.m.ben.id))
    db.session.commit()
    with pytest.raises(Conflict):
        agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60)
    # a teenager cannot give a service at someone's home; an adult can
    teen_user = create_user(display_name="Teen")
    teen = join(x.org, teen_user, birth_year=local_today().year - 17)
    home = make_post(x.m.wang, kind="request", place="home", title="帮我换灯泡", category="repairs")
    with pytest.raises(Conflict) as under_age:
        agreements.propose(teen_user, teen, home, soon(), 30)
    assert "under 18" in str(under_age.value.message)
    assert agreements.propose(x.ann, x.m.ann, home, soon(), 30).status == AS.PROPOSED


def test_decline_and_cancel(app, exchange):
    x = exchange
    asked = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60)
    with pytest.raises(Conflict):
        agreements.accept(x.ben, x.m.ben, asked.code)  # the side that asked does not answer
    agreements.decline(x.ann, x.m.ann, asked.code, "Busy that week")
    assert asked.status == AS.DECLINED and asked.giver_note == "Busy that week"
    again = _agreed(x)
    agreements.cancel(x.ann, x.m.ann, again.code, "Sick")
    assert again.status == AS.CANCELLED
    late = _agreed(x)
    time_passes(late)
    with pytest.raises(Conflict):
        agreements.cancel(x.ben, x.m.ben, late.code)
    stale = agreements.propose(x.ben, x.m.ben, make_post(x.m.ann, title="Soup"), soon(), 60)
    time_passes(stale)
    with pytest.raises(Conflict) as passed:  # unanswered until its time passed: not accepted any more
        agreements.accept(x.ann, x.m.ann, stale.code)
    assert "has passed" in str(passed.value.message)
    agreements.cancel(x.ben, x.m.ben, stale.code)  # but withdrawn
    assert stale.status == AS.CANCELLED
