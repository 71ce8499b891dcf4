"""Claims, pledges and the board through the API: one claimant wins, pledges stay within the budget."""
from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.wishes.models import Pledge, WishClaim
from tests.api.conftest import api_error


def test_one_claimant_wins_and_the_next_is_told_clearly(client, station, create_listing, create_user, headers):
    wish = create_listing()
    url = f"/api/v1/listings/{wish.public_code}/claims"
    won = client.post(url, json={"method": "in_kind"}, headers=headers(station.donor))
    assert won.status_code == 201
    body = won.get_json()
    assert (body["listing_code"], body["method"], body["status"]) == (wish.public_code, "in_kind", "active")
    assert body["id"] and body["deadline_at"]
    error = api_error(client.post(url, json={}, headers=headers(create_user())), 409)
    assert error["code"] == "conflict" and "has just claimed this wish" in error["message"]
    assert db.session.scalar(select(func.count(WishClaim.id))) == 1
    listing = client.get(f"/api/v1/listings/{wish.public_code}").get_json()
    assert listing["status"] == "claimed" and listing["claim_deadline_at"]


def test_claims_are_refused_without_a_write_token_or_a_fit(client, station, create_listing, headers):
    wish = create_listing()
    url = f"/api/v1/listings/{wish.public_code}/claims"
    api_error(client.post(url, json={}), 401)
    api_error(client.post(url, json={}, headers=headers(station.donor, "read")), 403)
    barter = api_error(client.post(url, json={"method": "barter"}, headers=headers(station.donor)), 422)
    assert "method" in barter["fields"]
    for bad in [{"method": "barter"}, {"organisation_id": "1"}, {"organisation_id": 10**30}, {"zzz": 1}]:
        api_error(client.post(url, json=bad, headers=headers(station.donor)), 422)
    api_error(client.post(url, json={"organisation_id": station.firm.id}, headers=headers(station.donor)), 422)
    api_error(client.post(url, json={}, headers=headers(station.checker)), 409)  # its own organisation's wish
    need = create_listing(kind="household_need")
    api_error(client.post(f"/api/v1/listings/{need.public_code}/claims", json={}, headers=headers(station.donor)), 409)
    draft = create_listing(status="draft")
    api_error(client.post(f"/api/v1/listings/{draft.public_code}/claims", json={}, headers=headers(station.donor)),
              404)
    assert db.session.scalar(select(func.count(WishClaim.id))) == 0
    for_firm = client.post(url, json={"organisation_id": station.firm.id}, headers=headers(station.firm_member))
    assert for_firm.status_code == 201 and for_firm.get_json()["organisation_id"] == station.firm.id


def test_a_claim_is_released_and_listed(client, station, create_listing, create_user, headers):
    first, second = create_listing(), create_listing()
    ids = [client.post(f"/api/v1/listings/{w.public_code}/claims", json={}, headers=headers(station.donor))
           .get_json()["id"] for w in (first, second)]
    page = client.get("/api/v1/me/wish-claims?limit=1", headers=headers(station.donor, "read")).get_json()
    rest = client.get("/api/v1/me/wish-claims", query_string={"cursor": page["next_cursor"]},
                      headers=headers(station.donor, "read")).get_json()
    assert [c["id"] for c in page["items"] + rest["items"]] == ids
    assert client.get("/api/v1/me/wish-claims", headers=headers(create_user())).get_json()["items"] == []
    api_error(client.get("/api/v1/me/wish-claims"), 401)
    url = f"/api/v1/wish-claims/{ids[0]}/release"
    api_error(client.post(url, headers=headers(create_user())), 404)
    api_error(client.post(url, headers=headers(station.donor, "read")), 403)
    released = client.post(url, headers=headers(station.donor))
    assert released.status_code == 200 and released.get_json()["status"] == "released"
    assert api_error(client.post(url, headers=headers(station.donor)), 409)["code"] == "conflict"
    assert client.get(f"/api/v1/listings/{first.public_code}").get_json()["status"] == "published"
    staff_release = client.post(f"/api/v1/wish-claims/{ids[1]}/release", headers=headers(station.worker))
    assert staff_release.get_json()["status"] == "released"


def test_pledges_cover_a_need_but_never_pass_its_budget(client, station, create_listing, create_user, headers):
    need = create_listing(kind="household_need")
    url = f"/api/v1/listings/{need.public_code}/pledges"
    made = client.post(url, json={"amount_fen": 600_000}, headers=headers(station.donor))
    assert made.status_code == 201
    assert (made.get_json()["amount_fen"], made.get_json()["source"], made.get_json()["status"]) == (
        600_000, "donor", "active")
    over = api_error(client.post(url, json={"amount_fen": 500_000}, headers=headers(create_user())), 409)
    assert over["code"] == "conflict" and "amount_fen" in over["fields"]
    firm = client.post(url, json={"amount_fen": 400_000, "organisation_id": station.firm.id},
                       headers=headers(station.firm_member))
    assert firm.status_code == 201 and firm.get_json()["source"] == "firm"
    api_error(client.post(url, json={"amount_fen": 100}, headers=headers(create_user())), 409)
    body = client.get(f"/api/v1/listings/{need.public_code}").get_json()
    assert body["status"] == "claimed" and body["coverage"]["left_fen"] == 0
    assert body["coverage"]["by_source"] == {"donor": 600_000, "firm": 400_000}
    total = db.session.scalar(select(func.sum(Pledge.amount_fen)).where(Pledge.status == "active"))
    assert total == need.value_fen


def test_bad_pledges_are_refused_and_write_nothing(client, station, create_listing, headers):
    need, wish = create_listing(kind="household_need"), create_listing()
    url = f"/api/v1/listings/{need.public_code}/pledges"
    api_error(client.post(url, json={"amount_fen": 1000}), 401)
    api_error(client.post(url, json={"amount_fen": 1000}, headers=headers(station.donor, "read")), 403)
    for bad in [{}, {"amount_fen": "1000"}, {"amount_fen": 10.5}, {"amount_fen": 0}, {"amount_fen": 10**30},
                {"amount_fen": 99}, {"amount_fen": 1000, "source": "government"}, {"amount_fen": 1000, "zzz": 1},
                {"amount_fen": 1000, "organisation_id": station.org.id}]:
        api_error(client.post(url, json=bad, headers=headers(station.donor)), 422)
    api_error(client.post(f"/api/v1/listings/{wish.public_code}/pledges", json={"amount_fen": 1000},
                          headers=headers(station.donor)), 409)
    assert db.session.scalar(select(func.count(Pledge.id))) == 0
    api_error(client.post(url, json={"amount_fen": 400_000, "source": "government"}, headers=headers(station.worker)),
              422)  # a share is money received, not a pledge in a social worker's name
    share = client.post(f"/api/v1/listings/{need.public_code}/shares", headers=headers(station.worker),
                        json={"source": "government", "amount_fen": 400_000, "received_on": "2026-01-05"})
    assert share.status_code == 201 and share.get_json()["source"] == "government"
    assert client.get(f"/api/v1/listings/{need.public_code}").get_json()["coverage"]["by_source"] == {
        "government": 400_000}
    api_error(client.post(f"/api/v1/listings/{need.public_code}/shares", headers=headers(station.donor),
                          json={"source": "government", "amount_fen": 100, "received_on": "2026-01-05"}), 404)


def test_a_pledge_is_withdrawn_and_listed(client, station, create_listing, create_user, headers):
    need = create_listing(kind="household_need")
    pledge_id = client.post(f"/api/v1/listings/{need.public_code}/pledges", json={"amount_fen": 1_000_000},
                            headers=headers(station.donor)).get_json()["id"]
    mine = client.get("/api/v1/me/pledges", headers=headers(station.donor, "read")).get_json()
    assert [p["id"] for p in mine["items"]] == [pledge_id] and mine["items"][0]["listing_code"] == need.public_code
    api_error(client.get("/api/v1/me/pledges"), 401)
    url = f"/api/v1/pledges/{pledge_id}/withdraw"
    api_error(client.post(url, headers=headers(create_user())), 404)
    api_error(client.post(url, headers=headers(station.donor, "read")), 403)
    withdrawn = client.post(url, headers=headers(station.donor))
    assert withdrawn.status_code == 200 and withdrawn.get_json()["status"] == "withdrawn"
    api_error(client.post(url, headers=headers(station.donor)), 409)
    assert client.get(f"/api/v1/listings/{need.public_code}").get_json()["coverage"]["left_fen"] == 1_000_000


def test_the_board_shows_lights_to_staff_only(client, station, create_listing, headers):
    wish, need = create_listing(), create_listing(kind="household_need")
    create_listing(status="draft")
    rows = client.get("/api/v1/board", headers=headers(station.worker, "read")).get_json()
    assert {(r["code"], r["light"]) for r in rows} == {(wish.public_code, "green"), (need.public_code, "green")}
    assert "pseudonym" not in rows[0]
    only = client.get("/api/v1/board", query_string={"category": "disability"}, headers=headers(station.worker))
    assert only.get_json() == []
    page = client.get("/api/v1/board", query_string={"offset": 1, "limit": 1}, headers=headers(station.worker))
    assert len(page.get_json()) == 1
    counts = client.get("/api/v1/board/counts", headers=headers(station.admin, "read")).get_json()
    assert counts == [{"organisation_id": station.org.id, "red": 0, "yellow": 0, "green": 2}]
    api_error(client.get("/api/v1/board", headers=headers(station.donor)), 403)
    api_error(client.get("/api/v1/board/counts", headers=headers(station.firm_member)), 403)
    api_error(client.get("/api/v1/board"), 401)
    api_error(client.get("/api/v1/board?light=blue", headers=headers(station.worker)), 422)
