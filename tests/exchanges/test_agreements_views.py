"""The agreement pages, as a member and as a coordinator: propose from a post (bad input keeps what was typed),
the agreement's page with the buttons its reader may press, a coordinator acting for an elderly member,
approvals, disputes, endorsements, my agreements and the public figures."""
# ruff: noqa: F811  (pytest fixtures imported from agreement_helpers are named as arguments)
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.exchanges import agreements, endorsements, transfer
from marketplace.exchanges.models import AgreementStatus as AS
from marketplace.exchanges.models import ExchangeAgreement
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc, site_zone
from tests.exchanges.agreement_helpers import (  # noqa: F401
    exchange,
    join,
    make_post,
    save_minutes,
    soon,
    time_passes,
)


def _local(moment) -> str:
    return moment.astimezone(site_zone()).strftime("%Y-%m-%dT%H:%M")


def _page(client, path) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_proposing_from_a_post_and_bad_input_keeps_what_was_typed(app, client, auth, exchange):
    x = exchange
    auth.login("ben@example.org")
    path = f"/exchange/posts/{x.offer.code}/agree"
    page = _page(client, path)
    assert "Chats and tea" in page and "the minutes move from you to them" in page
    for minutes, message in (("0", "from 1 to 600"), ("601", "from 1 to 600"), ("an hour", "from 1 to 600")):
        response = auth.post(path, {"starts_at": _local(soon()), "minutes": minutes, "note": "Tuesday?"},
                             form_page=path)
        body = response.get_data(as_text=True)
        assert response.status_code == 422 and message in body, minutes
        assert f'value="{minutes}"' in body and "Tuesday?" in body
    past = _local(now_utc() - timedelta(days=1))
    response = auth.post(path, {"starts_at": past, "minutes": "45", "note": "Tuesday?"}, form_page=path)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "has not passed yet" in body and f'value="{past}"' in body
    assert 'value="45"' in body
    assert db.session.scalar(select(ExchangeAgreement)) is None
    response = auth.post(path, {"starts_at": _local(soon()), "minutes": "45", "note": "Tuesday?"}, form_page=path)
    assert response.status_code == 302
    agreement = db.session.scalar(select(ExchangeAgreement))
    assert response.location.endswith(f"/exchange/agreements/{agreement.code}")
    page = _page(client, response.location)
    assert "Waiting for an answer" in page and "45 min" in page and "Tuesday?" in page and "Call it off" in page
    assert "proposed" not in page  # the state in words, never its code


def test_the_agreement_page_offers_each_side_its_own_buttons(app, client, auth, exchange):
    x = exchange
    agreement = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60, "")
    auth.login("ann@example.org")
    path = f"/exchange/agreements/{agreement.code}"
    page = _page(client, path)
    assert ">Accept this time<" in page and ">Say no<" in page and "Call it off" not in page
    assert auth.post(f"{path}/accept", {}, form_page=path).status_code == 302
    db.session.expire_all()
    assert agreement.status == AS.AGREED
    time_passes(agreement)
    page = _page(client, path)
    assert "Ask them to confirm" in page and "Ask a coordinator to decide" in page
    refused = auth.post(f"{path}/claim", {"minutes": "601", "note": "A whole day of chats"}, form_page=path)
    page = refused.get_data(as_text=True)  # the page again, with what was typed and why it was refused
    assert refused.status_code == 422 and "from 1 to 600" in page
    assert 'value="601"' in page and ">A whole day of chats</textarea>" in page
    db.session.expire_all()
    assert agreement.status == AS.AGREED and agreement.claimed_minutes is None
    assert auth.post(f"{path}/claim", {"minutes": "75", "note": "Long chat"}, form_page=path).status_code == 302
    auth.logout()
    auth.login("ben@example.org")
    page = _page(client, path)
    assert "Confirm 1 h 15 min" in page and "Long chat" in page
    assert auth.post(f"{path}/confirm", {}, form_page=path).status_code == 302
    page = _page(client, path)
    assert "Done" in page and "Save the words" in page
    assert auth.post(f"{path}/endorse", {"text": "Kind and on time"}, form_page=path).status_code == 302
    assert "Save the words" not in _page(client, path)
    assert [e.text for e in endorsements.endorsements_of(x.m.ann)] == ["Kind and on time"]
    mine = _page(client, "/exchange/agreements")
    assert "Chats and tea" in mine and "Your balance: −1 h 15 min" in mine and "−1 h 15 min" in mine


def test_a_coordinator_acts_for_an_elderly_member_on_the_pages(app, client, auth, exchange):
    x = exchange
    walk = make_post(x.m.wang, kind="request", category="health_escort", title="陪我去社区医院")
    agreement = agreements.propose(x.ann, x.m.ann, walk, soon(), 60, "")
    auth.login("coordinator@example.org")
    path = f"/exchange/agreements/{agreement.code}"
    page = _page(client, path)
    assert "For Wang" in page and "For Ann" in page
    assert auth.post(f"{path}/accept", {"for_member": str(x.m.wang.id)}, form_page=path).status_code == 302
    time_passes(agreement)
    response = auth.post(f"{path}/confirm", {"for_member": str(x.m.wang.id), "minutes": "60"}, form_page=path)
    assert response.status_code == 302
    db.session.expire_all()
    assert agreement.status == AS.CONFIRMED and transfer.balance_of(x.m.wang) == -60
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "exchange.confirmed"))
    assert event.actor_id == x.coordinator.id and event.detail["for_user_id"] == x.wang.id
    # without naming whom they act for, a coordinator who is no side is asked to choose
    other = agreements.propose(x.ann, x.m.ann, walk, soon(), 30, "")
    refused = auth.post(f"/exchange/agreements/{other.code}/accept", {}, form_page=path)
    assert refused.status_code == 422 and "Choose the member you act for." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert other.status == AS.PROPOSED


def test_strangers_do_not_see_an_agreement(app, client, auth, exchange, create_user):
    x = exchange
    agreement = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 60, "")
    create_user(email="stranger@example.org")
    auth.login("stranger@example.org")
    assert client.get(f"/exchange/agreements/{agreement.code}").status_code == 404
    assert auth.post(f"/exchange/agreements/{agreement.code}/accept", {}).status_code == 404
    assert client.get(f"/exchange/posts/{x.offer.code}/agree").status_code == 404
    assert client.get("/exchange/coordinate/disputes").status_code == 403


def test_approvals_and_disputes_pages(app, client, auth, exchange, create_user):
    x = exchange
    newcomer = create_user(display_name="Newcomer")
    member = join(x.org, newcomer, approved=0)
    waiting = agreements.propose(newcomer, member, x.offer, soon(), 60, "")
    agreements.accept(x.ann, x.m.ann, waiting.code)
    disputed = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 90, "")
    agreements.accept(x.ann, x.m.ann, disputed.code)
    time_passes(disputed)
    agreements.claim(x.ann, x.m.ann, disputed.code, 90, "Ninety minutes with the shopping")
    agreements.dispute(x.ben, x.m.ben, disputed.code, "An hour at most")
    auth.login("coordinator@example.org")
    board = _page(client, "/exchange/coordinate")  # the board counts both and links their lists
    assert re.search(r'href="/exchange/coordinate/approvals">[^<]*approval: 1<', board)
    assert re.search(r'href="/exchange/coordinate/disputes">[^<]*settled: 1<', board)
    page = _page(client, "/exchange/coordinate/approvals")
    assert "Newcomer" in page and "Chats and tea" in page
    assert auth.post(f"/exchange/agreements/{waiting.code}/approve", {"note": ""}).status_code == 302
    assert "Nothing waiting." in _page(client, "/exchange/coordinate/approvals")
    page = _page(client, "/exchange/coordinate/disputes")
    assert "Ninety minutes with the shopping" in page and "An hour at most" in page
    response = auth.post(f"/exchange/agreements/{disputed.code}/settle",
                         {"outcome": "minutes", "minutes": "60", "note": "Both agreed on an hour"})
    assert response.status_code == 302
    db.session.expire_all()
    assert disputed.status == AS.CONFIRMED and disputed.minutes == 60


def test_public_figures_hide_small_counts_and_names(app, client, exchange):
    x = exchange
    save_minutes(x.ben, 60)
    for _ in range(5):
        done = agreements.propose(x.ben, x.m.ben, x.offer, soon(), 20, "")
        agreements.accept(x.ann, x.m.ann, done.code)
        time_passes(done)
        agreements.confirm(x.ben, x.m.ben, done.code, 20)
    one = agreements.propose(x.ann, x.m.ann, x.request, soon(), 30, "")
    agreements.accept(x.ben, x.m.ben, one.code)
    time_passes(one)
    agreements.confirm(x.ben, x.m.ben, one.code, 30)
    page = _page(client, "/exchange/figures")
    assert "Companionship and chats" in page and "1 h 40 min" in page
    assert "Going to the clinic together" in page and "&lt;5" in page and "30 min" not in page
    assert "6 exchanges, 2 h 10 min traded in all." in page
    assert "Ann" not in page and "Ben" not in page
    data = client.get("/api/v1/exchanges/figures").get_json()
    assert (data["exchanges"], data["minutes"], data["least_shown"]) == (6, 130, 5)
    assert {r["key"]: (r["exchanges"], r["minutes"]) for r in data["by_category"]} == {
        "companionship": (5, 100), "health_escort": (None, None)}
    assert data["by_district"] == [{"key": 1, "exchanges": 6, "minutes": 130}]


def test_the_propose_button_a_post_page_includes(app, exchange):
    from flask import g, render_template_string

    x = exchange
    include = '{% include "exchanges/agreements/_propose_button.html" %}'
    with app.test_request_context():
        g.user = x.ben
        assert f"/exchange/posts/{x.offer.code}/agree" in render_template_string(include, post=x.offer)
        assert "Ask for this" in render_template_string(include, post=x.offer)
        assert "agree" not in render_template_string(include, post=x.request)  # his own request
        g.user = x.ann
        assert "Offer to help" in render_template_string(include, post=x.request)
        assert "agree" not in render_template_string(include, post=x.offer)  # her own offer
        g.user = None
        assert "agree" not in render_template_string(include, post=x.offer)
