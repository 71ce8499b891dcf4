"""Staff pages for listings: writing, the review by a second person, the budget cap, delivery with
a photo, thanks to the donor, a service need turned into an activity, and the private photos."""
import io
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.wishes import claims, pledges
from marketplace.wishes.models import Listing


def image(kind="PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "blue").save(buffer, kind)
    return buffer.getvalue()


def local(moment):
    """Format a UTC time as the Guangzhou wall-clock time a form field takes."""
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def as_staff(auth):
    """as_staff(user): log out whoever is logged in and log in as `user`."""

    def login(user):
        auth.logout()
        auth.login(user.email)

    return login


def test_a_social_worker_writes_a_wish_with_a_photo(client, auth, station, create_household):
    household = create_household()
    auth.login(station.worker.email)
    path = f"/wishes/households/{household.id}/listings/new"
    assert 'name="funding-3-amount"' in client.get(path).get_data(as_text=True)
    response = auth.post(path, {"kind": "wish", "title": "新书包", "story": "开学要用", "quantity": "1",
                                "value": "150.50", "photo": (io.BytesIO(image("JPEG")), "bag.jpg")},
                         form_page=path, content_type="multipart/form-data")
    assert response.status_code == 302
    listing = db.session.scalar(select(Listing).where(Listing.title == "新书包"))
    assert listing.value_fen == 15_050 and listing.status == "draft" and listing.photo_path
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "新书包" in page and "¥150.50" in page and "Submit for verification" in page
    assert household.full_name in page and f"/wishes/households/{household.id}" in page


def test_a_household_need_takes_its_co_funding_plan_from_the_rows(client, auth, station, create_household):
    household = create_household()
    auth.login(station.worker.email)
    path = f"/wishes/households/{household.id}/listings/new"
    response = auth.post(path, {"kind": "household_need", "title": "扶手改造", "quantity": "1", "value": "12000",
                                "funding-0-source": "government", "funding-0-amount": "8000",
                                "funding-1-source": "family", "funding-1-amount": "4000", "funding-1-note": "自付",
                                "funding-2-source": "", "funding-2-amount": ""}, form_page=path)
    assert response.status_code == 302
    listing = db.session.scalar(select(Listing).where(Listing.title == "扶手改造"))
    assert [(f.source, f.amount_fen, f.note) for f in listing.funding_lines] == [
        ("government", 800_000, ""), ("family", 400_000, "自付")]
    edit = client.get(f"/wishes/listings/{listing.id}/edit").get_data(as_text=True)
    assert 'value="8000.00"' in edit and 'value="12000.00"' in edit


def test_bad_listings_are_refused_with_field_messages_and_nothing_written(client, auth, station, create_household):
    household = create_household()
    auth.login(station.worker.email)
    path = f"/wishes/households/{household.id}/listings/new"
    for data, message in (({"value": "5000"}, "at most ¥1,000.00"), ({"value": "1.234"}, "amount in yuan"),
                          ({"title": ""}, "This field is required."),
                          ({"kind": "household_need", "funding-0-source": "firm"}, "an amount above zero"),
                          ({"photo": (io.BytesIO(b"GIF89a..."), "x.gif")}, "JPEG or PNG")):
        fields = {"kind": "wish", "title": "电饭煲", "quantity": "1", "value": "300"} | data
        response = auth.post(path, fields, form_page=path, content_type="multipart/form-data")
        assert response.status_code == 422 and message in response.get_data(as_text=True), message
    assert db.session.scalar(select(func.count(Listing.id))) == 0


def test_outsiders_get_404_on_every_listing_page(client, auth, station, create_listing):
    wish = create_listing()  # published: its public page is open, its staff page is not
    auth.login(station.donor.email)
    base = f"/wishes/listings/{wish.id}"
    for path in (base, f"{base}/edit", f"{base}/photo/original", f"/wishes/orgs/{station.org.id}/listings",
                 f"/wishes/households/{wish.beneficiary_id}/listings/new"):
        assert client.get(path).status_code == 404, path
    for action, data in (("move", {"to": "withdrawn", "note": "x"}), ("approve-budget", {"note": "x"}),
                         ("deliver", {"note": ""}), ("thanks", {"text": "谢谢"}),
                         ("activity", {"starts_at": "2030-01-01T09:00", "ends_at": "2030-01-01T10:00",
                                       "capacity": "3"})):
        assert auth.post(f"{base}/{action}", data).status_code == 404, action
    db.session.refresh(wish)
    assert wish.status == "published"


def test_the_staff_list_filters_by_status(client, auth, station, create_listing):
    create_listing(title="已发布的心愿")
    create_listing(status="draft", title="草稿心愿")
    auth.login(station.worker.email)
    path = f"/wishes/orgs/{station.org.id}/listings"
    page = client.get(path).get_data(as_text=True)
    assert "已发布的心愿" in page and "草稿心愿" in page
    page = client.get(f"{path}?status=draft&page=abc").get_data(as_text=True)
    assert "草稿心愿" in page and "已发布的心愿" not in page
    assert client.get(f"{path}?status=nonsense&page=99999999999999999999").status_code == 200


def test_a_second_staff_member_verifies_and_the_author_cannot(client, auth, as_staff, station, create_listing):
    wish = create_listing(status="draft")
    base = f"/wishes/listings/{wish.id}"
    as_staff(station.worker)
    auth.post(f"{base}/move", {"to": "submitted"}, form_page=base)
    page = client.get(base).get_data(as_text=True)
    assert 'data-status="submitted"' in page and ">Verify<" not in page  # a colleague must verify
    response = auth.post(f"{base}/move", {"to": "verified"}, form_page=base)
    assert response.status_code == 302
    assert "Someone other than the author must verify" in client.get(base).get_data(as_text=True)
    db.session.refresh(wish)
    assert wish.status == "submitted"
    as_staff(station.checker)
    auth.post(f"{base}/move", {"to": "verified"}, form_page=base)
    auth.post(f"{base}/move", {"to": "published"}, form_page=base)
    db.session.refresh(wish)
    assert wish.status == "published"
    page = client.get(base).get_data(as_text=True)
    assert page.count('data-event="') == 4 and "社工小李" in page and "社工小陈" in page
    assert f"/wishes/{wish.public_code}" in page


def test_withdrawing_needs_a_note(client, auth, station, create_listing):
    wish = create_listing()
    base = f"/wishes/listings/{wish.id}"
    auth.login(station.checker.email)
    auth.post(f"{base}/move", {"to": "withdrawn", "note": ""}, form_page=base)
    assert "Give the reason" in client.get(base).get_data(as_text=True)
    db.session.refresh(wish)
    assert wish.status == "published"
    auth.post(f"{base}/move", {"to": "withdrawn", "note": "家属已购买"}, form_page=base)
    db.session.refresh(wish)
    assert wish.status == "withdrawn"
    assert "家属已购买" in client.get(base).get_data(as_text=True)


def test_a_budget_over_the_cap_needs_an_admins_approval(client, auth, as_staff, station, create_listing):
    need = create_listing(status="submitted", kind="household_need", value_fen=9_000_000,
                          funding=[{"source": "government", "amount_fen": 9_000_000}])
    base = f"/wishes/listings/{need.id}"
    as_staff(station.checker)
    page = client.get(base).get_data(as_text=True)
    assert "data-over-cap" in page and "An organisation admin must approve" in page
    auth.post(f"{base}/move", {"to": "verified"}, form_page=base)
    assert "over the cap" in client.get(base).get_data(as_text=True)
    assert auth.post(f"{base}/approve-budget", {"note": "危房"}, form_page=base).status_code == 404
    as_staff(station.admin)
    auth.post(f"{base}/approve-budget", {"note": ""}, form_page=base)
    db.session.refresh(need)
    assert need.over_cap_approved_by_id is None
    auth.post(f"{base}/approve-budget", {"note": "危房，需整体加固"}, form_page=base)
    db.session.refresh(need)
    assert need.over_cap_approved_by_id == station.admin.id
    as_staff(station.checker)
    auth.post(f"{base}/move", {"to": "verified"}, form_page=base)
    db.session.refresh(need)
    assert need.status == "verified"


def test_staff_confirm_delivery_with_a_photo_and_the_donor_is_thanked(client, auth, station, create_listing,
                                                                      mailbox):
    wish = create_listing()
    claims.claim_wish(wish.id, station.donor)
    base = f"/wishes/listings/{wish.id}"
    auth.login(station.worker.email)
    page = client.get(base).get_data(as_text=True)
    assert "爱心人士" in page and "Confirm delivery" in page and ">Publish<" not in page
    response = auth.post(f"{base}/deliver", {"note": "已送到", "photo": (io.BytesIO(image()), "done.png")},
                         form_page=base, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(wish)
    assert wish.status == "fulfilled" and wish.delivery_photo_path and wish.delivery_note == "已送到"
    photo = client.get(f"{base}/photo/delivery")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    assert photo.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"{base}/photo/original").status_code == 404  # none was attached
    auth.post(f"{base}/thanks", {"text": ""}, form_page=base)
    assert not mailbox.messages
    auth.post(f"{base}/thanks", {"text": "谢谢您的书包！"}, form_page=base)
    assert [m.to for m in mailbox.messages] == [[station.donor.email]]
    assert "谢谢您的书包！" in mailbox.messages[0].body
    auth.logout()
    auth.login(station.donor.email)
    assert client.get(f"{base}/photo/delivery").status_code == 404


def test_delivery_and_thanks_wait_for_their_moment(client, auth, station, create_listing, mailbox):
    wish = create_listing()
    base = f"/wishes/listings/{wish.id}"
    auth.login(station.worker.email)
    auth.post(f"{base}/deliver", {"note": ""}, form_page=base)
    assert "Only a claimed listing" in client.get(base).get_data(as_text=True)
    auth.post(f"{base}/thanks", {"text": "谢谢"}, form_page=base)
    assert "once the help has been delivered" in client.get(base).get_data(as_text=True)
    db.session.refresh(wish)
    assert wish.status == "published" and not mailbox.messages


def test_the_original_photo_is_for_the_staff_only(client, auth, station, create_household):
    household = create_household()
    auth.login(station.worker.email)
    path = f"/wishes/households/{household.id}/listings/new"
    auth.post(path, {"kind": "wish", "title": "棉被", "quantity": "1", "value": "200",
                     "photo": (io.BytesIO(image("JPEG")), "quilt.jpg")}, form_page=path,
              content_type="multipart/form-data")
    listing = db.session.scalar(select(Listing).where(Listing.title == "棉被"))
    response = client.get(f"/wishes/listings/{listing.id}/photo/original")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert client.get(f"/wishes/listings/{listing.id}/photo/other").status_code == 404
    auth.logout()
    auth.login(station.firm_member.email)
    assert client.get(f"/wishes/listings/{listing.id}/photo/original").status_code == 404


def test_staff_edit_a_draft_but_not_a_published_listing(client, auth, station, create_listing):
    draft = create_listing(status="draft")
    auth.login(station.worker.email)
    path = f"/wishes/listings/{draft.id}/edit"
    assert "冬天的棉被" in client.get(path).get_data(as_text=True)
    response = auth.post(path, {"title": "更厚的棉被", "story": "", "quantity": "2", "value": "250"}, form_page=path)
    assert response.status_code == 302
    db.session.refresh(draft)
    assert (draft.title, draft.quantity, draft.value_fen) == ("更厚的棉被", 2, 25_000)
    assert auth.post(path, {"title": "", "quantity": "2", "value": "250"}, form_page=path).status_code == 422
    published = create_listing()
    response = client.get(f"/wishes/listings/{published.id}/edit")
    assert response.status_code == 302
    assert "Only a draft" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_service_need_becomes_an_activity(client, auth, station, create_listing):
    need = create_listing(kind="service_need", title="春耕帮手")
    base = f"/wishes/listings/{need.id}"
    auth.login(station.worker.email)
    assert "Turn into a volunteer activity" in client.get(base).get_data(as_text=True)
    starts = now_utc() + timedelta(days=5)
    auth.post(f"{base}/activity", {"starts_at": local(starts), "ends_at": local(starts - timedelta(hours=1)),
                                   "capacity": "4"}, form_page=base)
    db.session.refresh(need)
    assert need.status == "published" and need.activity_id is None
    auth.post(f"{base}/activity", {"starts_at": local(starts), "ends_at": local(starts + timedelta(hours=3)),
                                   "capacity": "4", "address": "田头"}, form_page=base)
    db.session.refresh(need)
    assert need.status == "claimed" and need.activity_id is not None
    assert f"/timebank/activities/{need.activity_id}/manage" in client.get(base).get_data(as_text=True)


def test_the_staff_page_shows_pledges_and_their_coverage(client, auth, station, create_listing):
    need = create_listing(kind="household_need")
    pledges.pledge(need.id, station.donor, 300_000)
    auth.login(station.checker.email)
    page = client.get(f"/wishes/listings/{need.id}").get_data(as_text=True)
    assert "¥3,000.00 of ¥10,000.00 pledged (30%)" in page and "爱心人士" in page
