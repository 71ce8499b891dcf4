"""Races on PostgreSQL with real parallel connections: of organisations accepting at once exactly one owns
the referral; an accept racing the last decline leaves it either accepted or back for dispatch, never stuck."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.platform.errors import Conflict
from marketplace.platform.extensions import db
from marketplace.platform.state_change import StateChange
from marketplace.referrals import dispatch, service
from marketplace.referrals.models import Referral, ReferralDispatch
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]


def _sent_to_many(care, create_user, create_org, count):
    staff = [create_user() for _ in range(count)]
    orgs = [create_org("charity", {person: "staff"}, name_zh=f"机构{i}", name_en=f"Org {i}")
            for i, person in enumerate(staff)]
    referral = service.intake(care.station.worker, care.home.beneficiary_id, source="social_worker",
                              need_kind="living", urgency="urgent", description="送餐")
    dispatch.dispatch(care.station.worker, referral.id, [o.id for o in orgs])
    sent = {d.organisation_id: d.id for d in dispatch.dispatches_of(referral)}
    return referral.id, [(p.id, sent[o.id]) for p, o in zip(staff, orgs, strict=True)]


def test_ten_organisations_accept_at_once_and_exactly_one_owns_it(app, care, create_user, create_org):
    referral_id, pairs = _sent_to_many(care, create_user, create_org, 10)
    results = run_together(app, 10, lambda i: dispatch.accept(db.session.get(User, pairs[i][0]), pairs[i][1]).id)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1, results
    losers = [r for r in results if not isinstance(r, int)]
    assert all(isinstance(r, Conflict) and "already accepted" in str(r.message) for r in losers), results
    db.session.expire_all()
    referral = db.session.get(Referral, referral_id)
    answers = dict(db.session.execute(select(ReferralDispatch.answer, func.count()).where(
        ReferralDispatch.referral_id == referral_id).group_by(ReferralDispatch.answer)).all())
    assert referral.status == "accepted" and answers == {"accepted": 1, "lapsed": 9}
    assert db.session.scalar(select(func.count()).select_from(StateChange).where(
        StateChange.machine == "referral", StateChange.subject_id == referral_id,
        StateChange.to_state == "accepted")) == 1


@pytest.mark.parametrize("round_", range(5))
def test_an_accept_racing_the_last_decline_never_leaves_it_stuck(app, care, create_user, create_org, round_):
    referral_id, pairs = _sent_to_many(care, create_user, create_org, 2)
    (accepter, accepted), (decliner, declined) = pairs

    def work(i):
        if i == 0:
            return dispatch.accept(db.session.get(User, accepter), accepted).status
        return dispatch.decline(db.session.get(User, decliner), declined, "没有名额").status

    results = run_together(app, 2, work)
    assert not [r for r in results if isinstance(r, BaseException) and not isinstance(r, Conflict)], results
    db.session.expire_all()
    referral = db.session.get(Referral, referral_id)
    open_left = db.session.scalar(select(func.count()).where(ReferralDispatch.referral_id == referral_id,
                                                             ReferralDispatch.answer == "open"))
    assert referral.status == "accepted" and open_left == 0  # the accept always stands; the decline is kept


def test_two_last_declines_at_once_send_it_back_for_dispatch(app, care, create_user, create_org):
    referral_id, pairs = _sent_to_many(care, create_user, create_org, 2)
    results = run_together(app, 2, lambda i: dispatch.decline(db.session.get(User, pairs[i][0]), pairs[i][1],
                                                              "不在范围").status)
    assert sorted(results) == ["dispatched", "new"], results
    db.session.expire_all()
    assert db.session.get(Referral, referral_id).status == "new"


def test_one_organisation_accepting_and_declining_at_once_keeps_one_answer(app, care, create_user, create_org):
    from marketplace.orgs.models import Membership

    referral_id, pairs = _sent_to_many(care, create_user, create_org, 1)
    (first, sent), = pairs
    second = create_user()
    org_id = db.session.get(ReferralDispatch, sent).organisation_id
    db.session.add(Membership(organisation_id=org_id, user_id=second.id, role="staff"))
    db.session.commit()
    people = [first, second.id]

    def work(i):
        person = db.session.get(User, people[i])
        return (dispatch.accept(person, sent) if i == 0 else dispatch.decline(person, sent, "忙")).status

    results = run_together(app, 2, work)
    assert sum(isinstance(r, str) for r in results) == 1, results
    assert all(isinstance(r, Conflict) for r in results if not isinstance(r, str)), results
    db.session.expire_all()
    answer = db.session.get(ReferralDispatch, sent).answer
    status = db.session.get(Referral, referral_id).status
    assert (answer, status) in {("accepted", "accepted"), ("declined", "new")}
