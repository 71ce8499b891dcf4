"""Search: only open posts of one's exchanges, newest first, a page at a time, never between blocked members."""
from __future__ import annotations

from datetime import timedelta

from marketplace.exchanges import posts
from marketplace.exchanges.models import MemberBlock
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.exchanges.posts_helpers import post


def titles(rows) -> list[str]:
    return [p.title for p in rows]


def test_newest_first_in_pages_of_the_size_asked(exchange):
    for n in range(5):
        post(exchange.amy.user, exchange.amy, title=f"Offer number {n}")
    first, after = posts.search(exchange.ben.user, page_size=2)
    assert titles(first) == ["Offer number 4", "Offer number 3"]
    second, after = posts.search(exchange.ben.user, after=after, page_size=2)
    third, end = posts.search(exchange.ben.user, after=after, page_size=2)
    assert titles(second) == ["Offer number 2", "Offer number 1"] and titles(third) == ["Offer number 0"]
    assert end is None


def test_only_open_posts_in_date(exchange):
    gone = post(exchange.amy.user, exchange.amy, title="Withdrawn one")
    posts.withdraw(exchange.amy.user, gone.code)
    hidden = post(exchange.amy.user, exchange.amy, title="Hidden one")
    posts.hide(exchange.coordinator, hidden.code, "Reported")
    post(exchange.amy.user, exchange.amy, title="Ends today", active_until=local_today())
    found, _ = posts.search(exchange.ben.user)
    assert titles(found) == ["Ends today"]
    posts.expire_due(local_today() + timedelta(days=1))
    assert posts.search(exchange.ben.user)[0] == []


def test_blocked_members_never_see_each_others_posts(exchange):
    post(exchange.amy.user, exchange.amy, title="Amy teaches")
    post(exchange.ben.user, exchange.ben, kind="request", title="Ben needs a lift")
    db.session.add(MemberBlock(blocker_id=exchange.amy.id, blocked_id=exchange.ben.id))
    db.session.commit()
    assert titles(posts.search(exchange.ben.user)[0]) == ["Ben needs a lift"]  # his own only
    assert titles(posts.search(exchange.amy.user)[0]) == ["Amy teaches"]
    assert titles(posts.search(exchange.teen.user)[0]) == ["Ben needs a lift", "Amy teaches"]


def test_outsiders_and_visitors_find_nothing(exchange):
    post(exchange.amy.user, exchange.amy)
    assert posts.search(exchange.outsider)[0] == [] and posts.search(None)[0] == []
    assert posts.search(exchange.newcomer)[0] != []  # a member of the organisation may browse before joining


def test_filters_narrow_and_unknown_values_are_ignored(exchange):
    post(exchange.amy.user, exchange.amy, title="Teach phones")
    post(exchange.ben.user, exchange.ben, kind="request", title="Fix my tap", category="repairs", district=2)
    assert titles(posts.search(exchange.teen.user, kind="request")[0]) == ["Fix my tap"]
    assert titles(posts.search(exchange.teen.user, category="teaching")[0]) == ["Teach phones"]
    assert titles(posts.search(exchange.teen.user, district_id="2")[0]) == ["Fix my tap"]
    assert titles(posts.search(exchange.teen.user, text="tap")[0]) == ["Fix my tap"]
    assert len(posts.search(exchange.teen.user, kind="bogus", category="x", district_id="abc", after="-1")[0]) == 2
    assert posts.search(exchange.teen.user, org_id=exchange.org.id + 1000)[0] == []
