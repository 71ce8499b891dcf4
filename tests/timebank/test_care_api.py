"""Care API: ask, take on, confirm, dispute and settle; the recipient named only to those involved."""
from datetime import timedelta

from marketplace.auth.service import create_api_token
from marketplace.ledger import service as ledger
from marketplace.orgs.models import Membership
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.timebank.activities.service import savings_account
from tests.api.conftest import api_error, bearer
from tests.timebank.test_care import fund


def create_token(user, scope="write"):
    return create_api_token(user, "test", scope)[1]


def body(team, **extra):
    return {"organisation_id": team.org.id, "recipient_name": "王阿姨", "service": "home_visit",
            "district_id": 1, "scheduled_at": (now_utc() + timedelta(days=2)).isoformat(), "minutes": 60,
            "idempotency_key": "k1", **extra}


def test_care_through_the_api(client, team, create_user):
    daughter, helper, stranger = create_user(), create_user(), create_user()
    fund(daughter, 200)
    mine, theirs, other = (bearer(create_token(u, "write")) for u in (daughter, helper, stranger))
    made = client.post("/api/v1/care", json=body(team), headers=mine)
    assert made.status_code == 201 and made.get_json()["recipient_name"] == "王阿姨"
    assert client.post("/api/v1/care", json=body(team), headers=mine).get_json()["id"] == made.get_json()["id"]
    care_id = made.get_json()["id"]
    listed = client.get("/api/v1/care", headers=other).get_json()["items"]
    assert [c["id"] for c in listed] == [care_id] and "recipient_name" not in listed[0]
    assert client.get(f"/api/v1/care/{care_id}", headers=other).get_json()["recipient_name"] is None
    assert client.post(f"/api/v1/care/{care_id}/accept", headers=theirs).get_json()["status"] == "accepted"
    api_error(client.post(f"/api/v1/care/{care_id}/accept", headers=other), 409)
    api_error(client.get(f"/api/v1/care/{care_id}", headers=other), 404)
    assert client.post(f"/api/v1/care/{care_id}/confirm", headers=mine).get_json()["status"] == "settled"
    assert ledger.balance(savings_account(helper)).posted == 60


def test_disputes_go_to_a_coordinator(client, team, create_user):
    daughter, helper = create_user(), create_user()
    fund(daughter, 200)
    mine, theirs = bearer(create_token(daughter, "write")), bearer(create_token(helper, "write"))
    coordinator = bearer(create_token(team.coordinator, "write"))
    care_id = client.post("/api/v1/care", json=body(team), headers=mine).get_json()["id"]
    client.post(f"/api/v1/care/{care_id}/accept", headers=theirs)
    api_error(client.post(f"/api/v1/care/{care_id}/dispute", json={}, headers=mine), 422)
    assert client.post(f"/api/v1/care/{care_id}/dispute", json={"note": "没来"}, headers=mine).status_code == 200
    api_error(client.post(f"/api/v1/care/{care_id}/settle", json={"minutes": 0, "note": "x"}, headers=theirs), 404)
    settled = client.post(f"/api/v1/care/{care_id}/settle", json={"minutes": 0, "note": "did not come"},
                          headers=coordinator)
    assert settled.get_json()["minutes_paid"] == 0
    assert ledger.balance(savings_account(daughter)) == ledger.Balance(posted=200, held=0)


def test_bad_requests_and_pools(client, team, create_user):
    giver = create_user()
    fund(giver, 100)
    db.session.add(Membership(organisation_id=team.org.id, user_id=giver.id, role="member"))
    db.session.commit()
    headers = bearer(create_token(giver, "write"))
    error = api_error(client.post("/api/v1/care", json=body(team, minutes=5, service="massage"), headers=headers),
                      422)
    assert {"minutes", "service"} <= set(error["fields"])
    api_error(client.post("/api/v1/care", json=body(team, minutes=500), headers=headers), 409)  # not enough
    pool = f"/api/v1/orgs/{team.org.id}/pool"
    for _ in range(2):
        given = client.post(pool, json={"minutes": 30, "idempotency_key": "once"}, headers=headers)
    assert given.get_json()["posted"] == 30
    assert client.get(pool, headers=headers).get_json()["available"] == 30
    api_error(client.get("/api/v1/orgs/999999/pool", headers=headers), 404)
