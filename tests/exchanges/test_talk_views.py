"""The message pages as members and coordinators use them."""
# ruff: noqa: F811
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from marketplace.exchanges import reports, talk
from marketplace.exchanges.models import Conversation, Message
from marketplace.platform.extensions import db
from tests.conftest import AuthActions
from tests.exchanges.talk_helpers import talk_world  # noqa: F401

PHONE_TEXT = "周六可以，我电话 13900139000"


@pytest.fixture
def w(talk_world):
    return talk_world


def _as(app, user):
    client = app.test_client()
    auth = AuthActions(client)
    assert auth.login(user.email).status_code == 302
    return client, auth


def _start(client, auth, w, **extra):
    page = client.post(f"/exchange/posts/{w.post.code}/message", data={"csrf_token": auth.csrf("/exchange/messages"),
                                                                        **extra})
    assert page.status_code == 302, page.status_code
    return int(re.search(r"/exchange/messages/(\d+)", page.location).group(1))


def _send(client, auth, conversation_id, body, **extra):
    path = f"/exchange/messages/{conversation_id}"
    return client.post(path, data={"csrf_token": auth.csrf(path + (f"?member={extra['member']}" if extra else "")),
                                   "body": body, **extra})


def _press(client, auth, conversation_id, what):
    path = f"/exchange/messages/{conversation_id}"
    return client.post(f"{path}/{what}", data={"csrf_token": auth.csrf(path)})


def test_journey_message_then_both_share_and_the_phones_show(app, w):
    bob, bob_auth = _as(app, w.bob)
    ann, ann_auth = _as(app, w.ann)
    cid = _start(bob, bob_auth, w)
    assert _send(bob, bob_auth, cid, PHONE_TEXT).status_code == 302
    listed = ann.get("/exchange/messages").get_data(as_text=True)
    assert "Bob" in listed and 'data-unread="1"' in listed
    page = ann.get(f"/exchange/messages/{cid}").get_data(as_text=True)
    assert "13900139000" not in page and "•••" in page and "contact details hidden" in page
    assert 'data-unread' not in ann.get("/exchange/messages").get_data(as_text=True)  # read now
    assert _press(bob, bob_auth, cid, "share").status_code == 302
    page = ann.get(f"/exchange/messages/{cid}").get_data(as_text=True)
    assert "13900139000" not in page and "Bob agreed to share" in page and "data-phones" not in page
    assert _press(ann, ann_auth, cid, "share").status_code == 302
    page = ann.get(f"/exchange/messages/{cid}").get_data(as_text=True)
    phones = page[page.index("data-phones"):page.index("</dl>", page.index("data-phones"))]
    assert "13900139000" in phones and "13800138000" in phones
    assert PHONE_TEXT in page and "contact details hidden" not in page
    assert _press(bob, bob_auth, cid, "unshare").status_code == 302
    assert "13900139000" not in ann.get(f"/exchange/messages/{cid}").get_data(as_text=True)


def test_bad_messages_keep_what_was_typed(app, w):
    bob, bob_auth = _as(app, w.bob)
    cid = _start(bob, bob_auth, w)
    empty = _send(bob, bob_auth, cid, "   ")
    assert empty.status_code == 422 and "Write a message first." in empty.get_data(as_text=True)
    long = "很长的话" * 500 + "!"
    refused = _send(bob, bob_auth, cid, long)
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "at most 2000 characters" in page and long in page
    assert db.session.scalar(select(Message.id)) is None


def test_a_block_stops_messages_both_ways_on_the_pages(app, w):
    bob, bob_auth = _as(app, w.bob)
    ann, ann_auth = _as(app, w.ann)
    cid = _start(bob, bob_auth, w)
    _send(bob, bob_auth, cid, "你好")
    assert _press(ann, ann_auth, cid, "block").status_code == 302
    refused = _send(bob, bob_auth, cid, "还在吗？")
    assert refused.status_code == 409 and "takes no new messages" in refused.get_data(as_text=True)
    page = bob.get(f"/exchange/messages/{cid}").get_data(as_text=True)
    assert "takes no new messages" in page and "blocked" not in page  # Bob is not told why
    assert _send(ann, ann_auth, cid, "我也不发").status_code == 409
    assert [m.body for m in db.session.scalars(select(Message))] == ["你好"]
    assert "Unblock Bob" in ann.get(f"/exchange/messages/{cid}").get_data(as_text=True)


def test_a_coordinator_reads_only_reported_conversations(app, w):
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    talk.send(w.bob, w.m.bob, conversation, PHONE_TEXT)
    coord, _auth = _as(app, w.coord)
    assert coord.get(f"/exchange/messages/{conversation.id}").status_code == 404
    missing = coord.get("/exchange/messages/999999")
    assert missing.status_code == 404
    ann, ann_auth = _as(app, w.ann)
    path = f"/exchange/messages/{conversation.id}/report"
    sent = ann.post(path, data={"csrf_token": ann_auth.csrf(path), "reason": "scam", "note": "要我电话"})
    assert sent.status_code == 302
    page = coord.get(f"/exchange/messages/{conversation.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "周六可以" in text and "13900139000" not in text and "Ann reported Bob" in text
    assert 'name="body"' not in text  # reading, not writing
    stranger, _s = _as(app, w.stranger)
    assert stranger.get(f"/exchange/messages/{conversation.id}").status_code == 404


def test_a_bad_report_keeps_what_was_typed(app, w):
    conversation = talk.start_or_open(w.bob, w.m.bob, w.post)
    ann, ann_auth = _as(app, w.ann)
    path = f"/exchange/messages/{conversation.id}/report"
    refused = ann.post(path, data={"csrf_token": ann_auth.csrf(path), "note": "他一直催我"})
    assert refused.status_code == 422 and "他一直催我" in refused.get_data(as_text=True)
    assert reports.reports_by(w.m.ann) == []


def test_a_coordinator_writes_for_an_elderly_member(app, w):
    coord, auth = _as(app, w.coord)
    listed = coord.get("/exchange/messages").get_data(as_text=True)
    assert "Write for a member" in listed and "Gran" in listed and "Bob</option>" not in listed
    cid = _start(coord, auth, w, member=str(w.m.gran.id))
    assert _send(coord, auth, cid, "想学用手机看病挂号", member=str(w.m.gran.id)).status_code == 302
    message = db.session.scalar(select(Message))
    assert (message.sender_id, message.written_by_id) == (w.m.gran.id, w.coord.id)
    ann, _a = _as(app, w.ann)
    page = ann.get(f"/exchange/messages/{cid}").get_data(as_text=True)
    assert "written by coordinator Carol for Gran" in page
    assert coord.get(f"/exchange/messages?member={w.m.bob.id}").status_code == 404  # Bob uses the site himself
    conversation = db.session.get(Conversation, cid)
    assert coord.get(f"/exchange/messages/{conversation.id}").status_code == 404  # not as herself


def test_no_message_button_for_a_stranger_to_the_exchange(app, w):
    stranger, auth = _as(app, w.stranger)
    path = f"/exchange/posts/{w.post.code}/message"
    assert stranger.post(path, data={"csrf_token": auth.csrf("/")}).status_code == 404
    assert stranger.post("/exchange/posts/NOPE/message", data={"csrf_token": auth.csrf("/")}).status_code == 404


def test_a_member_reports_a_post_and_the_board_names_it(app, w):
    bob, auth = _as(app, w.bob)
    path = f"/exchange/posts/{w.post.code}/report"
    assert bob.get(path).status_code == 200
    refused = bob.post(path, data={"csrf_token": auth.csrf(path), "note": "收费的广告"})
    assert refused.status_code == 422 and "收费的广告" in refused.get_data(as_text=True)
    assert bob.post(path, data={"csrf_token": auth.csrf(path), "reason": "inappropriate",
                                "note": "收费的广告"}).status_code == 302
    (found,) = reports.reports_by(w.m.bob)
    assert (found.post_id, found.reported_id) == (w.post.id, w.m.ann.id)
    ann, ann_auth = _as(app, w.ann)
    assert ann.get(path).status_code == 404  # nobody reports their own post
    coord, _c = _as(app, w.coord)
    assert "About the post “教用智能手机”" in coord.get("/exchange/coordinate").get_data(as_text=True)
