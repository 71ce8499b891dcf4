"""A member's profile: their chosen name, open offers, hours given and received (totals only), endorsements."""
from __future__ import annotations

from marketplace.exchanges.models import Endorsement, ExchangeAgreement, MemberBlock
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from tests.exchanges.posts_helpers import post


def _agreement(offer, giver, receiver, minutes, status):
    row = ExchangeAgreement(organisation_id=offer.organisation_id, post_id=offer.id, giver_id=giver.id,
                            receiver_id=receiver.id, proposed_by_id=receiver.id, starts_at=now_utc(),
                            planned_minutes=minutes, minutes=minutes, status=status)
    db.session.add(row)
    db.session.flush()
    return row


def test_the_profile_shows_offers_hours_and_endorsements_without_other_names(exchange, auth, client):
    offer = post(exchange.amy.user, exchange.amy, title="Teach smartphone use")
    post(exchange.amy.user, exchange.amy, kind="request", title="Walk my dog")
    done = _agreement(offer, exchange.amy, exchange.ben, 90, "confirmed")
    _agreement(offer, exchange.amy, exchange.teen, 45, "agreed")  # not confirmed: not counted
    _agreement(offer, exchange.teen, exchange.amy, 30, "confirmed")
    db.session.add(Endorsement(agreement_id=done.id, author_id=exchange.ben.id, subject_id=exchange.amy.id,
                               text="Patient and kind"))
    exchange.ben.user.public_display = "masked"
    exchange.teen.user.phone = "13800001111"
    exchange.amy.user.phone = "13900002222"
    db.session.commit()
    auth.login("teen@example.org")
    page = client.get(f"/exchange/members/{exchange.amy.id}").get_data(as_text=True)
    assert "Amy Wong" in page and "Teach smartphone use" in page and "Walk my dog" not in page
    assert "1 h 30 min" in page and "30 min" in page and "Patient and kind" in page and "B**" in page
    assert "Ben Li" not in page and "Tina Teen" not in page and "13900002222" not in page
    assert str(exchange.amy.birth_year) not in page


def test_outsiders_and_blocked_members_do_not_see_a_profile(exchange, auth, client):
    db.session.add(MemberBlock(blocker_id=exchange.amy.id, blocked_id=exchange.ben.id))
    db.session.commit()
    auth.login("ben@example.org")
    assert client.get(f"/exchange/members/{exchange.amy.id}").status_code == 404
    auth.logout()
    auth.login("olly@example.org")
    assert client.get(f"/exchange/members/{exchange.amy.id}").status_code == 404
    auth.logout()
    auth.login("coord@example.org")
    assert client.get(f"/exchange/members/{exchange.amy.id}").status_code == 200


def test_a_coordinator_edits_a_members_profile_for_them(exchange, auth, client):
    auth.login("coord@example.org")
    page = f"/exchange/members/{exchange.grandma.id}/edit"
    assert "for them" in client.get(page).text
    answer = auth.post(page, {"p-birth_year": str(exchange.grandma.birth_year), "p-district_id": "2",
                              "p-about": "Loves opera"}, form_page=page)
    assert answer.status_code == 302
    db.session.refresh(exchange.grandma)
    assert exchange.grandma.about == "Loves opera" and exchange.grandma.district_id == 2
    auth.logout()
    auth.login("amy@example.org")
    assert client.get(page).status_code == 404
