"""The daily digest: opted-in members hear once a day of new requests matching what they offer."""
from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.exchanges import matching, posts
from marketplace.exchanges.models import MemberBlock
from marketplace.notifications.models import Notification
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.exchanges.posts_helpers import post


def told(user) -> list[Notification]:
    return db.session.query(Notification).filter_by(user_id=user.id, kind="exchange_matches").all()


def test_a_matching_request_is_sent_once_the_next_day(exchange):
    post(exchange.amy.user, exchange.amy, category="teaching")  # what amy offers
    matching.choose(exchange.amy.user, exchange.amy, True, [])
    post(exchange.ben.user, exchange.ben, kind="request", title="Teach me video calls", category="teaching")
    post(exchange.ben.user, exchange.ben, kind="request", title="Fix my tap", category="repairs")
    post(exchange.ben.user, exchange.ben, kind="request", title="Far away", category="teaching", district=2)
    today = local_today()
    assert matching.send_digests(today) == 0  # today's requests wait for tomorrow's digest
    tomorrow = today + timedelta(days=1)
    assert matching.send_digests(tomorrow) == 1
    assert matching.send_digests(tomorrow) == 0  # at most once a day
    (row,) = told(exchange.amy.user)
    assert row.params == {"count": 1, "title": "Teach me video calls"}
    assert matching.send_digests(tomorrow + timedelta(days=1)) == 0  # nothing new since


def test_chosen_categories_replace_the_offers_and_opting_out_stops_it(exchange):
    matching.choose(exchange.amy.user, exchange.amy, True, ["repairs"])
    post(exchange.ben.user, exchange.ben, kind="request", title="Fix my tap", category="repairs")
    assert matching.send_digests(local_today() + timedelta(days=1)) == 1
    matching.choose(exchange.amy.user, exchange.amy, False, [])
    post(exchange.ben.user, exchange.ben, kind="request", title="Fix my door", category="repairs")
    assert matching.send_digests(local_today() + timedelta(days=2)) == 0
    assert len(told(exchange.amy.user)) == 1


def test_blocked_members_and_closed_requests_are_left_out(exchange):
    matching.choose(exchange.amy.user, exchange.amy, True, ["repairs"])
    post(exchange.ben.user, exchange.ben, kind="request", title="Fix my tap", category="repairs")
    gone = post(exchange.teen.user, exchange.teen, kind="request", title="Fix my bike", category="repairs")
    posts.withdraw(exchange.teen.user, gone.code)
    db.session.add(MemberBlock(blocker_id=exchange.ben.id, blocked_id=exchange.amy.id))
    db.session.commit()
    assert matching.send_digests(local_today() + timedelta(days=1)) == 0
    assert told(exchange.amy.user) == []


def test_choosing_checks_the_categories_and_who_chooses(exchange):
    with pytest.raises(InvalidInput):
        matching.choose(exchange.amy.user, exchange.amy, True, ["gardening"])
    with pytest.raises(NotFound):
        matching.choose(exchange.ben.user, exchange.amy, True, [])
    matching.choose(exchange.coordinator, exchange.grandma, True, ["companionship"])
    assert exchange.grandma.match_digest and exchange.grandma.match_categories == "companionship"


def test_the_profile_page_opts_in(exchange, auth, client):
    auth.login("amy@example.org")
    page = f"/exchange/members/{exchange.amy.id}/edit"
    assert "Tell me once a day" in client.get(page).text
    auth.post(f"/exchange/members/{exchange.amy.id}/digest",
              {"d-match_digest": "y", "d-match_categories": ["teaching", "repairs"]}, form_page=page)
    db.session.refresh(exchange.amy)
    assert exchange.amy.match_digest and exchange.amy.match_categories == "teaching,repairs"
