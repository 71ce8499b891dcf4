"""Fulfilment: staff confirm delivery, the household's thanks reach the donors, service needs become activities."""
from datetime import timedelta

import pytest

from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.models import Activity
from marketplace.web import uploads
from marketplace.wishes import claims, pledges, service
from tests.wishes.test_photos import CAMERA, jpeg_with_gps


def test_staff_confirm_delivery_with_a_private_photo(station, create_listing):
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor)
    with pytest.raises(NotFound):  # the claimant cannot mark their own delivery
        service.confirm_delivery(station.donor, wish.id)
    service.confirm_delivery(station.checker, wish.id, note="已送到社工站", photo=jpeg_with_gps())
    db.session.expire_all()
    assert wish.status == "fulfilled" and claim.status == "fulfilled" and claim.ended_at is not None
    assert wish.delivered_by_id == station.checker.id and wish.delivery_note == "已送到社工站"
    assert wish.claim_deadline_at is None and wish.beneficiary.last_helped_at is not None
    assert CAMERA.encode() in uploads.path_of(wish.delivery_photo_path).read_bytes()  # kept as it came, privately
    assert not wish.delivery_photo_path.startswith("wishes/public/")
    with pytest.raises(Conflict, match="claimed listing"):
        service.confirm_delivery(station.checker, wish.id)


def test_only_a_claimed_listing_is_delivered(station, create_listing):
    with pytest.raises(Conflict, match="claimed listing"):
        service.confirm_delivery(station.worker, create_listing().id)
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    with pytest.raises(InvalidInput):
        service.confirm_delivery(station.worker, wish.id, note="x" * 301)
    assert service.get_listing(station.worker, wish.id).status == "claimed"


def test_a_delivered_wish_is_confirmed_and_closed_by_hand(station, create_listing):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    service.confirm_delivery(station.worker, wish.id)
    with pytest.raises(Conflict):
        service.transition(station.worker, wish.id, "closed")
    service.transition(station.worker, wish.id, "confirmed", note="奶奶收到了")
    service.transition(station.worker, wish.id, "closed")
    assert wish.status == "closed" and wish.is_public


def test_the_thank_you_note_reaches_the_claimant_once(station, create_listing, mailbox):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    with pytest.raises(Conflict, match="once the help has been delivered"):
        service.write_thanks(station.worker, wish.id, "谢谢")
    service.confirm_delivery(station.worker, wish.id)
    with pytest.raises(NotFound):
        service.write_thanks(station.donor, wish.id, "谢谢")
    with pytest.raises(InvalidInput):
        service.write_thanks(station.worker, wish.id, " ")
    service.write_thanks(station.worker, wish.id, "谢谢好心人，被子很暖和！")
    assert wish.thanks_note == "谢谢好心人，被子很暖和！" and wish.thanks_at is not None
    [message] = mailbox.messages
    assert message.to == [station.donor.email] and "thank-you" in message.subject
    assert "谢谢好心人" in message.body
    service.write_thanks(station.worker, wish.id, "再次感谢")  # a correction sends nothing more
    assert len(mailbox.messages) == 1 and wish.thanks_note == "再次感谢"


def test_a_released_claimant_gets_no_thanks(station, create_listing, create_user, mailbox):
    wish = create_listing()
    quitter = create_user(email="quit@example.org")
    claims.release_claim(claims.claim_wish(wish.id, quitter).id, quitter)
    claims.claim_wish(wish.id, station.donor)
    service.confirm_delivery(station.worker, wish.id)
    assert [d.id for d in service.donors_of(wish)] == [station.donor.id]
    service.write_thanks(station.worker, wish.id, "谢谢")
    assert [m.to for m in mailbox.messages] == [[station.donor.email]]


def test_the_thanks_for_a_need_reach_every_pledger_who_stayed(station, create_listing, create_user, mailbox):
    need = create_listing(kind="household_need")
    gone = create_user(email="gone@example.org")
    pledges.withdraw_pledge(pledges.pledge(need.id, gone, 1_000).id, gone)
    pledges.pledge(need.id, station.donor, 600_000)
    pledges.pledge(need.id, station.firm_member, 400_000, organisation_id=station.firm.id)
    service.confirm_delivery(station.worker, need.id)
    before = len(mailbox.messages)  # "fully funded", to the author and each pledger
    service.write_thanks(station.worker, need.id, "屋顶不漏了")
    assert sorted(m.to[0] for m in mailbox.messages[before:]) == sorted([station.donor.email,
                                                                         station.firm_member.email])


def test_a_published_service_need_becomes_a_time_bank_activity(station, create_listing, create_user):
    need = create_listing(kind="service_need", title="帮忙春耕", story="三亩地")
    start = now_utc() + timedelta(days=3)
    with pytest.raises(NotFound):
        service.convert_to_activity(create_user(), need.id, starts_at=start, ends_at=start + timedelta(hours=3),
                                    capacity=5)
    activity = service.convert_to_activity(station.worker, need.id, starts_at=start,
                                           ends_at=start + timedelta(hours=3), capacity=5, address="石牌村")
    assert isinstance(activity, Activity) and activity.title == "帮忙春耕" and activity.description == "三亩地"
    assert activity.category == "elderly_care" and activity.organisation_id == station.org.id
    db.session.expire_all()
    assert need.status == "claimed" and need.activity_id == activity.id
    with pytest.raises(Conflict):
        service.convert_to_activity(station.worker, need.id, starts_at=start, ends_at=start + timedelta(hours=3),
                                    capacity=5)


def test_only_service_needs_become_activities(station, create_listing):
    start = now_utc() + timedelta(days=3)
    for listing in (create_listing(), create_listing(kind="service_need", status="verified")):
        with pytest.raises(Conflict, match="published service need"):
            service.convert_to_activity(station.worker, listing.id, starts_at=start,
                                        ends_at=start + timedelta(hours=1), capacity=2)
    assert db.session.query(Activity).count() == 0


def test_an_activity_refused_leaves_the_service_need_open_and_writes_nothing(station, create_listing):
    need = create_listing(kind="service_need")
    start = now_utc() + timedelta(days=3)
    with pytest.raises(InvalidInput):
        service.convert_to_activity(station.worker, need.id, starts_at=start, ends_at=start + timedelta(hours=1),
                                    capacity=0)
    db.session.rollback()
    assert db.session.query(Activity).count() == 0
    assert service.get_listing(station.worker, need.id).status == "published"


def test_a_refused_delivery_keeps_no_photo(station, create_listing):
    wish = create_listing()
    before = sorted(uploads.root().rglob("*")) if uploads.root().exists() else []
    with pytest.raises(Conflict):
        service.confirm_delivery(station.worker, wish.id, photo=jpeg_with_gps())
    after = sorted(uploads.root().rglob("*")) if uploads.root().exists() else []
    assert [p for p in after if p.is_file()] == [p for p in before if p.is_file()]
