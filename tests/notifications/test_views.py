"""The bell, the list and the email choices over HTTP, without JavaScript: one's own notifications only."""
from __future__ import annotations

import re

from marketplace.notifications import service as notifications
from marketplace.notifications.kinds import DIGEST
from marketplace.notifications.models import Notification
from marketplace.platform.extensions import db


def tell(user, title="冬天的棉被", link=("wishes.index", {})):
    row = notifications.notify(user, "listing_update", link=link, title=title)
    db.session.commit()
    return row


def bell(page: str) -> str:
    match = re.search(r'<a class="bell[^"]*" href="/notifications/">(.*?)</a>', page, re.S)
    assert match, "no bell in the header"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_the_bell_shows_the_unread_count_to_its_owner_only(client, auth, create_user):
    me, other = create_user(email="me@example.org"), create_user()
    assert 'class="bell' not in client.get("/").get_data(as_text=True)  # visitors have no bell
    for _ in range(3):
        tell(me)
    tell(other)
    auth.login("me@example.org")
    assert bell(client.get("/").get_data(as_text=True)) == "Notifications 3 unread"
    notifications.mark_all_read(me)
    assert bell(client.get("/").get_data(as_text=True)) == "Notifications"


def test_the_list_opens_marks_one_and_all_read(client, auth, create_user):
    me = create_user(email="me@example.org")
    first, second = tell(me, "旧棉被"), tell(me, "新书包", link=("wishes.detail", {"listing_code": "GONE"}))
    auth.login("me@example.org")
    response = client.get("/notifications/")
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    assert page.index("新书包") < page.index("旧棉被")  # newest first
    assert "Mark all as read" in page
    opened = auth.post("/notifications/read", {"id": str(first.id), "go": "1"}, form_page="/notifications/")
    assert opened.status_code == 302 and opened.location.endswith("/wishes/")
    marked = auth.post("/notifications/read", {"id": str(second.id)}, form_page="/notifications/")
    assert marked.status_code == 302 and marked.location.endswith("/notifications/?page=1")
    db.session.expire_all()
    assert db.session.get(Notification, first.id).read_at and db.session.get(Notification, second.id).read_at
    tell(me)
    auth.post("/notifications/read-all", form_page="/notifications/")
    assert "Mark all as read" not in client.get("/notifications/").get_data(as_text=True)


def test_anothers_notification_cannot_be_read_or_opened(client, auth, create_user):
    create_user(email="me@example.org")
    theirs = tell(create_user(), "别人的心愿")
    auth.login("me@example.org")
    assert "别人的心愿" not in client.get("/notifications/").get_data(as_text=True)
    for data in ({"id": str(theirs.id), "go": "1"}, {"id": "999999"}):
        response = auth.post("/notifications/read", data, form_page="/notifications/")
        assert response.status_code == 302 and response.location.endswith("/notifications/")
        assert "This notification was not found." in client.get("/notifications/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None


def test_a_missing_page_is_pointed_back_to_the_list_and_pages_page(client, auth, create_user):
    me = create_user(email="me@example.org")
    for i in range(notifications.PAGE_SIZE + 1):
        tell(me, f"心愿{i:02d}")
    auth.login("me@example.org")
    first = client.get("/notifications/").get_data(as_text=True)
    assert "心愿20" in first and "心愿00" not in first and "?page=2" in first
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "心愿00" in second and "心愿20" not in second
    assert client.get("/notifications/?page=abc").status_code == 200


def test_email_choices_are_saved_from_the_form(client, auth, create_user):
    me = create_user(email="me@example.org")
    auth.login("me@example.org")
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert '<input checked id="email-hours_approved" name="hours_approved" type="checkbox"' in page  # on by default
    [digest] = re.findall(r'<input[^>]*name="weekly_digest"[^>]*>', page)
    assert "checked" not in digest  # off by default
    assert "Receipts for your gifts are always emailed" in page
    response = auth.post("/notifications/settings", {"shift_reminder": "y", DIGEST: "y"},
                         form_page="/notifications/settings")
    assert response.status_code == 302
    choices = notifications.email_choices(me)
    assert choices["shift_reminder"] and choices[DIGEST] and not choices["hours_approved"]
    assert "Your email choices are saved." in client.get("/notifications/settings").get_data(as_text=True)
