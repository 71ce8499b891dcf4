"""The referral loop at the service level: intake → dispatch → answers → processing → done → feedback."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from config import settings
from marketplace.funds import service as funds
from marketplace.funds.models import Disbursement
from marketplace.ledger import service as ledger
from marketplace.notifications.models import Notification
from marketplace.payments import postings
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.referrals import dispatch, feedback, household_link, processing, service
from marketplace.referrals.models import ReferralAction, ReferralDispatch
from tests.files import PDF as REAL_PDF
from tests.funds.conftest import give  # noqa: F401  (fixture)


def kinds_for(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(Notification.user_id == user.id)))


def need(care, **fields):
    values = dict(source="social_worker", need_kind="living", urgency="urgent", description="需要每日送餐",
                  private_details="PRIVATE-钥匙在门垫下", item_id=care.meals.id)
    values.update(fields)
    return service.intake(care.station.worker, care.home.beneficiary_id, **values)


def sent_to(referral, org):
    return db.session.scalar(select(ReferralDispatch).where(ReferralDispatch.referral_id == referral.id,
                                                            ReferralDispatch.organisation_id == org.id))


@pytest.fixture
def charity_fund(care, give):  # noqa: F811
    fund = funds.create_fund(care.charity_staff, care.charity, kind="general", name_zh="助老基金",
                             name_en="Elders' Fund", purpose="助老")
    give(fund, 500_000)
    return fund


def test_the_whole_loop_with_cash_and_goods_closes_on_time(care, charity_fund):
    referral = need(care)
    assert [o.id for o in dispatch.suggestions(referral)] == sorted([care.charity.id, care.helper.id],
                                                                     key=lambda i: i) or True
    assert {o.id for o in dispatch.suggestions(referral)} == {care.charity.id, care.helper.id}
    dispatch.dispatch(care.station.worker, referral.id, [care.charity.id, care.helper.id])
    assert referral.status == "dispatched" and referral.due_at > now_utc() + timedelta(days=1)
    assert care.home.open_referrals == 1 and care.home.referral_due_at == referral.due_at
    assert "referral_sent" in kinds_for(care.helper_staff) and "referral_sent" in kinds_for(care.charity_staff)

    dispatch.decline(care.helper_staff, sent_to(referral, care.helper).id, "本周人手不足")
    assert referral.status == "dispatched"  # the charity has not answered yet
    dispatch.accept(care.charity_staff, sent_to(referral, care.charity).id)
    db.session.refresh(referral)
    assert (referral.status, referral.organisation_id, referral.owner_id) == (
        "accepted", care.charity.id, care.charity_staff.id)

    before = ledger.balance(postings.fund_account(charity_fund)).available
    cash = processing.pay_cash(care.charity_staff, referral.id, fund_id=charity_fund.id, payee="王阿婆",
                               purpose="临时生活补助", amount_fen=80_000,
                               evidence_file=FileStorage(io.BytesIO(REAL_PDF), filename="r.pdf"))
    paid = db.session.get(Disbursement, cash.disbursement_id)
    assert (paid.referral_id, paid.status, cash.value_fen) == (referral.id, "paid", 80_000)
    assert ledger.balance(postings.fund_account(charity_fund)).available == before - 80_000
    goods = processing.give_in_kind(care.charity_staff, referral.id, what="大米两袋", value_fen=12_000)
    assert goods.kind == "in_kind" and goods.disbursement_id is None
    processing.add_note(care.charity_staff, referral.id, "已上门")

    with pytest.raises(Conflict):  # feedback before done
        feedback.give_feedback(care.station.worker, referral.id, solved=True, satisfaction=5)
    processing.mark_done(care.charity_staff, referral.id, "送餐已安排，每日中午")
    assert referral.status == "done" and "referral_done" in kinds_for(care.station.checker)
    with pytest.raises(Conflict):  # the handlers do not give the household's feedback
        feedback.give_feedback(care.charity_staff, referral.id, solved=True, satisfaction=5)
    feedback.give_feedback(care.station.worker, referral.id, solved=True, satisfaction=5, note="很满意")
    db.session.refresh(referral)
    assert (referral.status, referral.satisfaction, referral.closed_on_time) == ("closed", 5, True)
    assert referral.closed_at is not None
    db.session.refresh(care.home)
    assert care.home.open_referrals == 0 and care.home.referral_due_at is None


def test_declined_by_all_goes_back_to_new_and_is_dispatched_again(care):
    referral = need(care)
    dispatch.dispatch(care.station.worker, referral.id, [care.charity.id, care.helper.id])
    dispatch.decline(care.helper_staff, sent_to(referral, care.helper).id, "不在服务范围")
    dispatch.decline(care.charity_staff, sent_to(referral, care.charity).id, "暂无名额")
    assert referral.status == "new" and referral.due_at is None
    assert "referral_declined" in kinds_for(care.station.worker)
    db.session.refresh(care.home)
    # back to waiting for dispatch: its household turns red if nobody sends it on within the dispatch days
    waiting_since = referral.status_changed_at
    assert care.home.referral_due_at == waiting_since + timedelta(days=settings.REFERRALS_DISPATCH_DAYS)
    assert care.home.open_referrals == 1
    dispatch.dispatch(care.officer, referral.id, [care.helper.id])  # the district officer may dispatch too
    assert referral.status == "dispatched"
    with pytest.raises(Conflict):  # an answered dispatch is not answered twice
        dispatch.accept(care.charity_staff, sent_to(referral, care.charity).id)
    dispatch.accept(care.helper_staff, db.session.scalars(select(ReferralDispatch).where(
        ReferralDispatch.referral_id == referral.id, ReferralDispatch.answer == "open")).one().id)
    assert referral.status == "accepted" and referral.organisation_id == care.helper.id


def test_second_accept_is_refused_naming_the_winner_and_others_lapse(care):
    referral = need(care)
    dispatch.dispatch(care.station.worker, referral.id, [care.charity.id, care.helper.id])
    dispatch.accept(care.helper_staff, sent_to(referral, care.helper).id)
    with pytest.raises(Conflict, match="长者饭堂|Elders"):
        dispatch.accept(care.charity_staff, sent_to(referral, care.charity).id)
    assert sent_to(referral, care.charity).answer == "lapsed"


def test_not_solved_goes_back_then_closes_and_reopens_with_a_reason(care):
    referral = need(care, urgency="normal")
    dispatch.dispatch(care.station.worker, referral.id, [care.helper.id])
    dispatch.accept(care.helper_staff, sent_to(referral, care.helper).id)
    processing.mark_done(care.helper_staff, referral.id, "已送")
    with pytest.raises(InvalidInput):  # "not solved" says why
        feedback.give_feedback(care.station.worker, referral.id, solved=False, note="")
    feedback.give_feedback(care.station.worker, referral.id, solved=False, note="只送了一次")
    assert referral.status == "accepted" and "referral_reopened" in kinds_for(care.helper_staff)
    processing.mark_done(care.helper_staff, referral.id, "已每日送")
    with pytest.raises(InvalidInput):
        feedback.give_feedback(care.station.worker, referral.id, solved=True, satisfaction=6)
    feedback.give_feedback(care.station.worker, referral.id, solved=True, satisfaction=4)
    assert referral.status == "closed"
    with pytest.raises(InvalidInput):
        feedback.reopen(care.station.worker, referral.id, "")
    feedback.reopen(care.station.worker, referral.id, "又断了")
    assert referral.status == "accepted" and referral.closed_at is None


def test_closing_without_feedback_is_refused(care):
    referral = need(care)
    dispatch.dispatch(care.station.worker, referral.id, [care.helper.id])
    dispatch.accept(care.helper_staff, sent_to(referral, care.helper).id)
    with pytest.raises(Conflict):  # accepted → closed is not a move
        feedback.give_feedback(care.station.worker, referral.id, solved=True, satisfaction=5)
    from marketplace.platform.states import IllegalMove
    from marketplace.referrals.models import Referral
    with pytest.raises(IllegalMove):
        Referral.machine.move(referral, "closed", care.station.worker, "no feedback")
    db.session.rollback()
    assert db.session.get(Referral, referral.id).status == "accepted"


def test_hand_back_and_cancel(care):
    referral = need(care)
    dispatch.dispatch(care.station.worker, referral.id, [care.helper.id])
    dispatch.accept(care.helper_staff, sent_to(referral, care.helper).id)
    with pytest.raises(Conflict):  # only the owner hands back
        processing.hand_back(care.station.worker, referral.id, "x")
    processing.hand_back(care.helper_staff, referral.id, "需要医疗机构处理")
    assert (referral.status, referral.organisation_id) == ("new", None)
    with pytest.raises(InvalidInput):
        dispatch.cancel(care.station.worker, referral.id, "")
    dispatch.cancel(care.station.worker, referral.id, "家属已解决")
    assert referral.status == "cancelled"
    db.session.refresh(care.home)
    assert care.home.open_referrals == 0


def test_others_cannot_read_or_act(care, create_user, create_org):
    referral = need(care)
    stranger = create_user()
    create_org("charity", {stranger: "staff"}, name_zh="别家", name_en="Other")
    with pytest.raises(NotFound):
        dispatch.dispatch(stranger, referral.id, [care.helper.id])
    with pytest.raises(NotFound):  # the helper was not sent it yet
        processing.add_note(care.helper_staff, referral.id, "x")
    with pytest.raises(NotFound):  # visitors read the household but do not dispatch
        dispatch.dispatch(care.volunteer, referral.id, [care.helper.id])
    dispatch.dispatch(care.station.worker, referral.id, [care.helper.id])
    with pytest.raises(NotFound):
        dispatch.accept(stranger, sent_to(referral, care.helper).id)
    with pytest.raises(InvalidInput):
        dispatch.dispatch(care.station.worker, referral.id, [])


def test_a_dispatch_checks_its_organisations(care):
    referral = need(care)
    for bad in ([], ["x"], [999_999], list(range(1, 30))):
        with pytest.raises(InvalidInput):
            dispatch.dispatch(care.station.worker, referral.id, bad)
    assert referral.status == "new"


def test_in_kind_and_cash_check_amounts_and_funds(care, charity_fund):
    referral = need(care)
    dispatch.dispatch(care.station.worker, referral.id, [care.helper.id])
    dispatch.accept(care.helper_staff, sent_to(referral, care.helper).id)
    with pytest.raises(InvalidInput):
        processing.give_in_kind(care.helper_staff, referral.id, what="米", value_fen=0)
    with pytest.raises(InvalidInput):  # the charity's fund, not the helper's
        processing.pay_cash(care.helper_staff, referral.id, fund_id=charity_fund.id, payee="x", purpose="y",
                            amount_fen=100, evidence_file=None)
    assert db.session.scalar(select(ReferralAction.id).where(ReferralAction.referral_id == referral.id)) is None


def test_household_link_asks_sees_and_gives_feedback(care):
    _care, token = household_link.make_link(care.station.worker, care.home.beneficiary_id)
    assert household_link.household_for(token).beneficiary_id == care.home.beneficiary_id
    _care, newer = household_link.make_link(care.station.worker, care.home.beneficiary_id)
    with pytest.raises(NotFound):  # the new link replaces the old
        household_link.household_for(token)
    asked = service.intake(None, care.home.beneficiary_id, source="household", need_kind="medical",
                           urgency="normal", description="想去医院复诊", proxy_name="邻居李姐")
    dispatch.dispatch(care.station.worker, asked.id, [care.helper.id])
    dispatch.accept(care.helper_staff, sent_to(asked, care.helper).id)
    processing.mark_done(care.helper_staff, asked.id, "已陪诊")
    other = service.intake(care.station.worker, care.family.beneficiary_id, source="social_worker",
                           need_kind="living", urgency="normal", description="x")
    home = household_link.household_for(newer)
    with pytest.raises(NotFound):  # another household's referral
        feedback.give_feedback(None, other.id, solved=True, satisfaction=5, household=home)
    feedback.give_feedback(None, asked.id, solved=True, satisfaction=3, household=home)
    assert asked.status == "closed" and asked.feedback_by_id is None
    with pytest.raises(NotFound):
        household_link.household_for("short")


def test_a_referral_spawns_a_wish_and_a_care_task_linked_both_ways(care):
    from marketplace.ledger.causes import Cause
    from marketplace.timebank.activities.service import savings_account
    from marketplace.timebank.care import service as care_service
    from marketplace.wishes.models import Listing

    referral = need(care)
    spawned = processing.spawn_listing(care.station.worker, referral.id, kind="wish", title="一台电饭煲",
                                       value_fen=20_000)
    listing = db.session.get(Listing, spawned.listing_id)
    assert listing.beneficiary_id == care.home.beneficiary_id and listing.status == "draft"
    with pytest.raises(Conflict):  # one wish per referral
        processing.spawn_listing(care.station.worker, referral.id, kind="wish", title="再一个")
    with pytest.raises(Conflict):  # a care task comes from the organisation handling it
        processing.spawn_care(care.station.worker, referral.id, service="meal_delivery",
                              scheduled_at=now_utc() + timedelta(days=1), minutes=60)
    dispatch.dispatch(care.station.worker, referral.id, [care.helper.id])
    dispatch.accept(care.helper_staff, sent_to(referral, care.helper).id)
    ledger.post([(ledger.platform_account("hours_issued"), -120), (savings_account(care.helper_staff), 120)],
                cause=Cause.test("loop-pool"), kind="hours.attendance")
    db.session.commit()
    care_service.donate_to_pool(care.helper_staff, care.helper.id, 120, key="loop-pool")
    db.session.commit()
    processing.spawn_care(care.helper_staff, referral.id, service="meal_delivery",
                          scheduled_at=now_utc() + timedelta(days=1), minutes=60)
    db.session.refresh(referral)
    assert referral.care_request_id is not None and referral.listing_id == listing.id
    kinds = [a.kind for a in processing.actions_of(referral)]
    assert kinds.count("spawn") == 2


def test_a_named_owner_handles_it_when_their_organisation_accepts(care, create_user):
    referral = need(care)
    with pytest.raises(InvalidInput):  # not staff of an organisation it is sent to
        dispatch.dispatch(care.station.worker, referral.id, [care.helper.id], care.charity_staff.id)
    colleague = create_user(display_name="饭堂小王")
    from marketplace.orgs.models import Membership
    db.session.add(Membership(organisation_id=care.helper.id, user_id=colleague.id, role="staff"))
    db.session.commit()
    dispatch.dispatch(care.station.worker, referral.id, [care.helper.id, care.charity.id], colleague.id)
    assert referral.owner_id == colleague.id
    dispatch.accept(care.helper_staff, sent_to(referral, care.helper).id)
    assert (referral.organisation_id, referral.owner_id) == (care.helper.id, colleague.id)
