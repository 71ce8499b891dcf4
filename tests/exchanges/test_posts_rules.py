"""Offers and requests: what a post must hold, the adult rule, editing, withdrawing, taking down, expiry."""
from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from config import settings
from marketplace.audit.models import AuditEvent
from marketplace.exchanges import posts
from marketplace.exchanges.models import ExchangePost, PostStatus
from marketplace.notifications.models import Notification
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.web import uploads
from tests.exchanges.posts_helpers import fields, post


def test_a_post_is_open_until_the_default_end_date(exchange):
    offer = post(exchange.amy.user, exchange.amy)
    assert offer.status == PostStatus.ACTIVE and offer.created_by_id == exchange.amy.user_id
    assert offer.active_until == local_today() + timedelta(days=settings.EXCHANGE_POST_DAYS)


@pytest.mark.parametrize(("overrides", "field"), [
    ({"title": "abc"}, "title"), ({"title": "x" * 81}, "title"), ({"minutes": 10}, "minutes"),
    ({"minutes": "601"}, "minutes"), ({"minutes": "an hour"}, "minutes"), ({"category": "gardening"}, "category"),
    ({"place": "moon"}, "place"), ({"district": 9999}, "district_id"),
    ({"active_until": "yesterday"}, "active_until"),
])
def test_bad_fields_are_named_and_nothing_is_written(exchange, overrides, field):
    with pytest.raises(InvalidInput) as caught:
        post(exchange.amy.user, exchange.amy, **overrides)
    assert field in caught.value.fields
    assert db.session.query(ExchangePost).count() == 0


def test_the_end_date_runs_from_today_to_the_post_days(exchange):
    last = local_today() + timedelta(days=settings.EXCHANGE_POST_DAYS)
    assert post(exchange.amy.user, exchange.amy, active_until=last.isoformat()).active_until == last
    with pytest.raises(InvalidInput) as refused:
        post(exchange.amy.user, exchange.amy, active_until=last + timedelta(days=1))
    said = str(refused.value.fields["active_until"][0])  # the last day as people write it, not 2027-02-06
    assert last.isoformat() not in said and str(last.year) in said
    with pytest.raises(InvalidInput):
        post(exchange.amy.user, exchange.amy, active_until=local_today() - timedelta(days=1))


def test_a_member_under_the_adult_age_cannot_offer_home_visits(exchange):
    with pytest.raises(InvalidInput) as caught:
        post(exchange.teen.user, exchange.teen, place="home")
    assert "under 18" in str(caught.value.fields["place"][0])
    assert post(exchange.teen.user, exchange.teen, place="outside").place == "outside"
    assert post(exchange.teen.user, exchange.teen, kind="request", place="home").place == "home"
    assert post(exchange.amy.user, exchange.amy, place="home").place == "home"


def test_a_coordinator_posts_for_a_member_and_the_audit_says_by_whom_for_whom(exchange):
    request = post(exchange.coordinator, exchange.grandma, kind="request", title="Walk with me to the clinic",
                   category="health_escort", place="outside")
    assert request.member_id == exchange.grandma.id and request.created_by_id == exchange.coordinator.id
    event = db.session.query(AuditEvent).filter_by(action="exchanges.post_created", subject_id=request.id).one()
    assert event.actor_id == exchange.coordinator.id and event.detail["for_user_id"] == exchange.grandma.user_id
    with pytest.raises(NotFound):  # a member cannot post for another
        post(exchange.amy.user, exchange.ben)
    with pytest.raises(NotFound):
        post(exchange.outsider, exchange.amy)


def test_edit_and_withdraw_by_the_member_or_a_coordinator_for_them(exchange):
    offer = post(exchange.amy.user, exchange.amy)
    posts.edit(exchange.amy.user, offer.code, **{k: v for k, v in fields(title="Teach tablets too").items()
                                                   if k != "kind"})
    assert db.session.get(ExchangePost, offer.id).title == "Teach tablets too"
    with pytest.raises(NotFound):
        posts.withdraw(exchange.ben.user, offer.code)
    posts.withdraw(exchange.coordinator, offer.code)
    assert db.session.get(ExchangePost, offer.id).status == PostStatus.WITHDRAWN
    with pytest.raises(Conflict):
        posts.withdraw(exchange.amy.user, offer.code)
    with pytest.raises(Conflict):
        posts.edit(exchange.amy.user, offer.code, **{k: v for k, v in fields().items() if k != "kind"})


def test_a_coordinator_takes_a_post_down_with_a_reason_and_puts_it_back(exchange):
    offer = post(exchange.amy.user, exchange.amy)
    with pytest.raises(NotFound):
        posts.hide(exchange.ben.user, offer.code, "spam")
    with pytest.raises(InvalidInput):
        posts.hide(exchange.coordinator, offer.code, " ")
    posts.hide(exchange.coordinator, offer.code, "Asked for money")
    assert db.session.get(ExchangePost, offer.id).status == PostStatus.HIDDEN
    told = db.session.query(Notification).filter_by(user_id=exchange.amy.user_id).one()
    assert told.kind == "exchange_post_hidden" and told.params["reason"] == "Asked for money"
    posts.unhide(exchange.coordinator, offer.code, "The report was a mistake")
    assert db.session.get(ExchangePost, offer.id).status == PostStatus.ACTIVE


def test_the_sweep_ends_posts_past_their_end_date_only(exchange):
    today = local_today()
    ending = post(exchange.amy.user, exchange.amy, active_until=today)
    later = post(exchange.ben.user, exchange.ben, active_until=today + timedelta(days=3))
    withdrawn = post(exchange.ben.user, exchange.ben)
    posts.withdraw(exchange.ben.user, withdrawn.code)
    assert posts.expire_due(today) == 0
    assert posts.expire_due(today + timedelta(days=1)) == 1
    assert posts.expire_due(today + timedelta(days=1)) == 0
    db.session.expire_all()
    assert [p.status for p in (ending, later, withdrawn)] == ["expired", "active", "withdrawn"]


def test_the_worker_sweeps_expire_posts(exchange):
    from marketplace.platform import worker

    assert "marketplace.exchanges.posts.expire_due" in worker.SWEEPS
    assert "marketplace.exchanges.matching.send_digests" in worker.SWEEPS


def test_a_photo_is_kept_without_its_metadata(exchange):
    out = io.BytesIO()
    image = Image.new("RGB", (40, 30), (10, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera maker
    image.save(out, "JPEG", exif=exif)
    photo = FileStorage(io.BytesIO(out.getvalue()), filename="me.jpg", content_type="image/jpeg")
    offer = post(exchange.amy.user, exchange.amy, photo=photo)
    data = uploads.path_of(offer.photo_path).read_bytes()
    assert b"SecretCam" not in data
    with Image.open(io.BytesIO(data)) as kept:
        assert kept.size == (40, 30)
    pdf = FileStorage(io.BytesIO(b"%PDF-1.4 nothing"), filename="x.pdf")
    with pytest.raises(InvalidInput) as caught:
        post(exchange.amy.user, exchange.amy, photo=pdf)
    assert "photo" in caught.value.fields


def test_a_replaced_or_removed_photo_is_deleted(exchange):
    def photo():
        out = io.BytesIO()
        Image.new("RGB", (20, 20), (1, 2, 3)).save(out, "PNG")
        return FileStorage(io.BytesIO(out.getvalue()), filename="p.png", content_type="image/png")

    offer = post(exchange.amy.user, exchange.amy, photo=photo())
    first = offer.photo_path
    changes = {k: v for k, v in fields().items() if k != "kind"}
    posts.edit(exchange.amy.user, offer.code, **changes, photo=photo())
    second = db.session.get(ExchangePost, offer.id).photo_path
    assert second and second != first and not uploads.path_of(first).exists() and uploads.path_of(second).exists()
    posts.edit(exchange.amy.user, offer.code, **changes, drop_photo=True)
    assert db.session.get(ExchangePost, offer.id).photo_path == "" and not uploads.path_of(second).exists()
