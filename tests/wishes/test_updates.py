"""Progress updates: staff of the listing's organisation post them, with an optional photo re-encoded
without metadata; the public page shows them newest first; each donor of the listing gets one email
in their own language; others may not post."""
import io

import pytest

from marketplace.notifications.models import Notification
from marketplace.payments import service as payments
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.web import uploads
from marketplace.wishes import claims, pledges, updates
from marketplace.wishes.public_models import ListingUpdate
from tests.wishes.test_photos import CAMERA, jpeg_with_gps


def test_staff_post_updates_shown_newest_first_with_a_photo_without_metadata(client, station, create_listing):
    wish = create_listing()
    updates.post_update(station.worker, wish.id, "棉被已经买好了")
    second = updates.post_update(station.checker, wish.id, "今天送到了阿婆家", photo=jpeg_with_gps())
    assert CAMERA.encode() not in uploads.path_of(second.public_photo_path).read_bytes()
    page = client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)
    assert page.index("今天送到了阿婆家") < page.index("棉被已经买好了")
    photo_url = f"/wishes/{wish.public_code}/updates/{second.id}/photo"
    assert f'src="{photo_url}"' in page and 'alt="Photo of the progress: 冬天的棉被"' in page
    sent = client.get(photo_url)
    assert sent.status_code == 200 and sent.mimetype == "image/jpeg" and CAMERA.encode() not in sent.data


def test_each_donor_is_told_once_in_their_language(station, create_listing, create_user, mailbox):
    need = create_listing(kind="household_need")
    zh = create_user(locale="zh_CN", display_name="李姐")
    pledges.pledge(need.id, station.donor, 10_000)
    pledges.pledge(need.id, station.donor, 20_000)  # twice: still one donor
    pledges.pledge(need.id, zh, 10_000)
    withdrawn = create_user()
    gone = pledges.pledge(need.id, withdrawn, 10_000)
    pledges.withdraw_pledge(gone.id, withdrawn)
    mailbox.messages.clear()
    updates.post_update(station.worker, need.id, "师傅下周一开工")
    by_address = {m.to[0]: m for m in mailbox.messages}
    assert sorted(by_address) == sorted([station.donor.email, zh.email])
    assert by_address[station.donor.email].subject == "News of “修补漏雨的屋顶”"
    assert "师傅下周一开工" in by_address[station.donor.email].body
    assert by_address[zh.email].subject == "“修补漏雨的屋顶”有了新进展"  # in the donor's language
    assert f"/wishes/{need.public_code}" in by_address[zh.email].body
    told = db.session.scalars(db.select(Notification.user_id).where(Notification.kind == "listing_update")).all()
    assert sorted(told) == sorted([station.donor.id, zh.id])  # and under each donor's bell


def test_donors_who_paid_a_wish_are_told(station, create_listing, mailbox):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor, "money")
    payments.pay_wish(station.donor, wish.public_code)
    mailbox.messages.clear()
    updates.post_update(station.worker, wish.id, "已买好")
    assert [m.to for m in mailbox.messages] == [[station.donor.email]]


@pytest.mark.parametrize("who", ["donor", "firm_member"])
def test_only_the_listing_organisation_staff_may_post(station, create_listing, who):
    wish = create_listing()
    with pytest.raises((NotFound, Conflict)):
        updates.post_update(getattr(station, who), wish.id, "我来发")
    db.session.rollback()
    assert db.session.query(ListingUpdate).count() == 0


def test_bad_updates_are_refused_and_a_draft_takes_none(station, create_listing):
    wish = create_listing()
    for text in ("", "   ", "x" * 2001, "a\x00b"):
        with pytest.raises(InvalidInput):
            updates.post_update(station.worker, wish.id, text)
        db.session.rollback()
    draft = create_listing(status="draft")
    with pytest.raises(Conflict):
        updates.post_update(station.worker, draft.id, "还没发布")
    db.session.rollback()
    assert db.session.query(ListingUpdate).count() == 0


def test_the_staff_page_posts_an_update_and_keeps_the_text_when_refused(client, auth, station, create_listing):
    wish = create_listing()
    auth.login(station.worker.email)
    path = f"/wishes/listings/{wish.id}/updates/new"
    staff_page = client.get(f"/wishes/listings/{wish.id}").get_data(as_text=True)
    assert f'href="{path}"' in staff_page
    bad = auth.post(path, {"text": "好消息", "photo": (io.BytesIO(b"GIF89a not a photo"), "x.gif")}, form_page=path,
                    content_type="multipart/form-data")
    assert bad.status_code == 422 and "好消息" in bad.get_data(as_text=True)
    done = auth.post(path, {"text": "好消息"}, form_page=path)
    assert done.status_code == 302
    assert "好消息" in client.get(f"/wishes/{wish.public_code}").get_data(as_text=True)


def test_an_update_photo_of_another_listing_or_a_draft_is_not_found(client, station, create_listing):
    wish, other = create_listing(), create_listing()
    update = updates.post_update(station.worker, wish.id, "照片", photo=jpeg_with_gps())
    assert client.get(f"/wishes/{other.public_code}/updates/{update.id}/photo").status_code == 404
    text_only = updates.post_update(station.worker, wish.id, "无照片")
    assert client.get(f"/wishes/{wish.public_code}/updates/{text_only.id}/photo").status_code == 404
