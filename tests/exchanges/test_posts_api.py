"""The read API of offers and requests: the same search and the same visibility as the pages."""
from __future__ import annotations

from marketplace.exchanges.models import MemberBlock
from marketplace.platform.extensions import db
from tests.api.conftest import api_error
from tests.exchanges.posts_helpers import post


def test_search_pages_newest_first_and_reads_one_post(exchange, client, headers):
    for n in range(3):
        post(exchange.amy.user, exchange.amy, title=f"Offer number {n}")
    post(exchange.ben.user, exchange.ben, kind="request", title="Fix my tap", category="repairs")
    mine = headers(exchange.teen.user, "read")
    first = client.get("/api/v1/exchange/posts?kind=offer&limit=2", headers=mine).get_json()
    assert [p["title"] for p in first["items"]] == ["Offer number 2", "Offer number 1"]
    rest = client.get(f"/api/v1/exchange/posts?kind=offer&limit=2&cursor={first['next_cursor']}",
                      headers=mine).get_json()
    assert [p["title"] for p in rest["items"]] == ["Offer number 0"] and rest["next_cursor"] is None
    one = client.get(f"/api/v1/exchange/posts/{first['items'][0]['code']}", headers=mine).get_json()
    assert one["member_name"] == "Amy Wong" and one["minutes"] == 60 and "phone" not in str(one)
    api_error(client.get("/api/v1/exchange/posts?category=gardening", headers=mine), 422)


def test_blocked_members_and_outsiders_see_nothing(exchange, client, headers):
    offer = post(exchange.amy.user, exchange.amy)
    db.session.add(MemberBlock(blocker_id=exchange.amy.id, blocked_id=exchange.ben.id))
    db.session.commit()
    ben, olly = headers(exchange.ben.user, "read"), headers(exchange.outsider, "read")
    assert client.get("/api/v1/exchange/posts", headers=ben).get_json()["items"] == []
    api_error(client.get(f"/api/v1/exchange/posts/{offer.code}", headers=ben), 404)
    assert client.get("/api/v1/exchange/posts", headers=olly).get_json()["items"] == []
    api_error(client.get(f"/api/v1/exchange/posts/{offer.code}", headers=olly), 404)
    api_error(client.get("/api/v1/exchange/posts"), 401)
