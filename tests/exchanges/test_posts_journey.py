"""A member's journey through the pages: join, post an offer, find it with filters, change it, withdraw it."""
from __future__ import annotations

import re

from marketplace.audit.models import AuditEvent
from marketplace.exchanges import posts
from marketplace.exchanges.models import ExchangeMember, ExchangePost
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from tests.exchanges.posts_helpers import post

OFFER = {"kind": "offer", "title": "Teach smartphone use", "category": "teaching", "district_id": "1",
         "place": "outside", "when_text": "Weekends", "minutes": "90", "body": "WeChat and video calls."}


def _code(response) -> str:
    return re.search(r"/exchange/posts/([A-Za-z0-9]+)", response.headers["Location"]).group(1)


def test_join_post_find_edit_withdraw(exchange, auth, client):
    auth.login("newcomer@example.org")
    answer = client.get("/exchange/posts/new?kind=offer")
    assert answer.status_code == 302 and "/exchange/join" in answer.headers["Location"]
    joined = auth.post("/exchange/join?next=/exchange/posts/new?kind%3Doffer", {
        "birth_year": str(local_today().year - 30), "district_id": "1", "about": "I like phones."},
        form_page="/exchange/join")
    assert joined.status_code == 302 and joined.headers["Location"].startswith("/exchange/posts/new")
    assert db.session.query(ExchangeMember).filter_by(user_id=exchange.newcomer.id).count() == 1

    posted = auth.post("/exchange/posts/new", OFFER, form_page="/exchange/posts/new")
    assert posted.status_code == 302
    code = _code(posted)
    page = client.get(f"/exchange/posts/{code}").get_data(as_text=True)
    assert "Teach smartphone use" in page and "1 h 30 min" in page and "Nina New" in page
    assert "Teaching (phones, reading, skills)" in page and "Meeting outside" in page

    auth.logout()
    auth.login("amy@example.org")
    assert "Teach smartphone use" in client.get("/exchange/?kind=offer&category=teaching&district=1").text
    assert "Teach smartphone use" in client.get("/exchange/?q=smartphone").text
    assert "Teach smartphone use" not in client.get("/exchange/?kind=request").text
    assert "Teach smartphone use" not in client.get("/exchange/?category=repairs").text
    assert "Teach smartphone use" not in client.get("/exchange/?q=plumbing").text
    auth.logout()

    auth.login("newcomer@example.org")
    edited = auth.post(f"/exchange/posts/{code}/edit", {**OFFER, "title": "Teach tablets and phones"},
                       form_page=f"/exchange/posts/{code}/edit")
    assert edited.status_code == 302
    assert "Teach tablets and phones" in client.get("/exchange/").text
    assert "Teach tablets and phones" in client.get("/exchange/mine").text
    auth.post(f"/exchange/posts/{code}/withdraw", form_page=f"/exchange/posts/{code}")
    assert db.session.scalar(db.select(ExchangePost.status).filter_by(code=code)) == "withdrawn"
    assert "Teach tablets and phones" not in client.get("/exchange/").text
    assert "Withdrawn" in client.get("/exchange/mine").text


def test_bad_input_keeps_what_was_typed(exchange, auth, client):
    auth.login("amy@example.org")
    answer = auth.post("/exchange/posts/new", {**OFFER, "title": "Fix my bike please", "minutes": "5000"},
                       form_page="/exchange/posts/new")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "from 15 to 600" in page and 'value="Fix my bike please"' in page and 'value="5000"' in page
    assert db.session.query(ExchangePost).count() == 0
    auth.logout()
    auth.login("newcomer@example.org")
    answer = auth.post("/exchange/join", {"birth_year": "1850", "district_id": "1", "about": "Gardener"},
                       form_page="/exchange/join")
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Enter the year you were born" in page
    assert 'value="1850"' in page and "Gardener" in page
    assert db.session.query(ExchangeMember).filter_by(user_id=exchange.newcomer.id).count() == 0


def test_the_adult_rule_shows_on_the_form(exchange, auth):
    auth.login("teen@example.org")
    answer = auth.post("/exchange/posts/new", {**OFFER, "place": "home"}, form_page="/exchange/posts/new")
    assert answer.status_code == 422 and "cannot offer services in someone" in answer.get_data(as_text=True)


def test_a_coordinator_posts_for_a_member_without_a_phone(exchange, auth, client):
    auth.login("coord@example.org")
    assert "Grandma Ho" in client.get("/exchange/coordinate/post").text
    page = f"/exchange/members/{exchange.grandma.id}/post"
    assert "You are posting for Grandma Ho" in client.get(page).text
    answer = auth.post(page, {**OFFER, "kind": "request", "title": "Walk with me to the clinic",
                              "category": "health_escort"}, form_page=page)
    assert answer.status_code == 302
    made = posts.by_code(_code(answer))
    assert made.member_id == exchange.grandma.id and made.created_by_id == exchange.coordinator.id
    event = db.session.query(AuditEvent).filter_by(action="exchanges.post_created", subject_id=made.id).one()
    assert event.actor_id == exchange.coordinator.id and event.detail["for_user_id"] == exchange.grandma.user_id
    auth.logout()
    auth.login("amy@example.org")
    assert client.get("/exchange/coordinate/post").status_code == 403
    assert client.get(f"/exchange/members/{exchange.grandma.id}/post").status_code == 404


def test_the_post_page_never_shows_phone_or_address_and_hides_from_outsiders(exchange, auth, client):
    exchange.ben.user.phone = "13912345678"
    exchange.ben.user.public_display = "masked"
    db.session.commit()
    offer = post(exchange.ben.user, exchange.ben)
    auth.login("amy@example.org")
    page = client.get(f"/exchange/posts/{offer.code}").get_data(as_text=True)
    assert "13912345678" not in page and "Ben Li" not in page and "B**" in page
    auth.logout()
    auth.login("olly@example.org")
    assert client.get(f"/exchange/posts/{offer.code}").status_code == 404
    assert "Teach smartphone use" not in client.get("/exchange/").text


def test_a_coordinator_takes_a_post_down_from_its_page(exchange, auth, client):
    offer = post(exchange.amy.user, exchange.amy)
    auth.login("coord@example.org")
    auth.post(f"/exchange/posts/{offer.code}/hide", {"reason": "Asked for money"},
              form_page=f"/exchange/posts/{offer.code}")
    assert db.session.get(ExchangePost, offer.id).status == "hidden"
    auth.logout()
    auth.login("ben@example.org")
    assert client.get(f"/exchange/posts/{offer.code}").status_code == 404


def test_a_coordinator_joins_a_member_then_posts_for_them(exchange, auth, client, create_user):
    from marketplace.orgs.models import Membership

    auntie = create_user(display_name="Auntie Lam", email="lam@example.org")
    db.session.add(Membership(organisation=exchange.org, user=auntie, role="member"))
    db.session.commit()
    ms = db.session.query(Membership).filter_by(user_id=auntie.id).one()
    auth.login("coord@example.org")
    assert "Join Auntie Lam to the exchange" in client.get("/exchange/coordinate/post").text
    page = f"/exchange/coordinate/join/{ms.id}"
    answer = auth.post(page, {"birth_year": str(local_today().year - 80), "district_id": "1"}, form_page=page)
    joined = db.session.query(ExchangeMember).filter_by(user_id=auntie.id).one()
    assert joined.joined_by_id == exchange.coordinator.id
    assert answer.headers["Location"].endswith(f"/exchange/members/{joined.id}/post")
    auth.logout()
    auth.login("amy@example.org")
    assert client.get(page).status_code == 404
