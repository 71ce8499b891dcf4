"""Listings API: the public list and detail never carry a private field; staff write, review and deliver."""
from sqlalchemy import func, select

from marketplace.platform.extensions import db
from marketplace.wishes import claims
from marketplace.wishes.models import Listing, ListingEvent
from tests.api.conftest import api_error
from tests.wishes.conftest import PRIVATE

WISH = {"kind": "wish", "title": "新书包", "story": "上学用", "quantity": 1, "value_fen": 15_000}


def no_private(text: str) -> None:
    """Fail if any private marker of a household shows up in `text`."""
    for marker in PRIVATE.values():
        assert marker not in text, marker


def listing_count() -> int:
    return db.session.scalar(select(func.count(Listing.id)))


def test_the_public_list_filters_and_shows_no_private_field(client, create_listing, create_household):
    wish = create_listing()
    need = create_listing(kind="household_need", household=create_household(pseudonym="暖阳20"))
    draft = create_listing(status="draft", title="草稿")
    response = client.get("/api/v1/listings")
    no_private(response.get_data(as_text=True))
    codes = [item["code"] for item in response.get_json()["items"]]
    assert codes == [wish.public_code, need.public_code] and draft.public_code not in codes
    item = response.get_json()["items"][0]
    assert item["pseudonym"] == "青禾12" and item["age_band"] == "80+" and item["district"]["id"] == 1
    assert not {"id", "beneficiary_id", "author_id", "full_name", "delivery_note", "thanks_note"} & set(item)
    only = client.get("/api/v1/listings", query_string={"kind": "household_need"}).get_json()["items"]
    assert [i["code"] for i in only] == [need.public_code]
    assert [i["code"] for i in client.get("/api/v1/listings?q=暖阳").get_json()["items"]] == [need.public_code]
    assert [i["code"] for i in client.get("/api/v1/listings?max_fen=20000").get_json()["items"]] == [wish.public_code]
    first = client.get("/api/v1/listings?limit=1").get_json()
    after = client.get("/api/v1/listings", query_string={"limit": 1, "cursor": first["next_cursor"]}).get_json()
    assert [i["code"] for i in after["items"]] == [need.public_code] and after["next_cursor"] is None
    api_error(client.get("/api/v1/listings?kind=nothing"), 422)
    api_error(client.get("/api/v1/listings?status=draft"), 422)
    api_error(client.get("/api/v1/listings?cursor=garbage"), 422)


def test_detail_is_public_for_everyone_and_fuller_for_staff(client, station, create_listing, headers):
    need = create_listing(kind="household_need")
    anonymous = client.get(f"/api/v1/listings/{need.public_code}")
    no_private(anonymous.get_data(as_text=True))
    body = anonymous.get_json()
    assert body["coverage"] == {"budget_fen": 1_000_000, "pledged_fen": 0, "received_fen": 0, "left_fen": 1_000_000,
                                "by_source": {}, "percent": 0}
    assert [line["source"] for line in body["funding"]] == ["government", "firm", "family"]
    assert "author_id" not in body and "note" not in body["funding"][0]
    as_donor = client.get(f"/api/v1/listings/{need.public_code}", headers=headers(station.donor, "read"))
    assert "author_id" not in as_donor.get_json()
    staff = client.get(f"/api/v1/listings/{need.public_code}", headers=headers(station.worker, "read")).get_json()
    assert staff["author_id"] == station.worker.id and staff["coverage"]["left_fen"] == 1_000_000
    no_private(str(staff))
    assert client.get(f"/api/v1/listings/{create_listing().public_code}").get_json()["coverage"] is None
    draft = create_listing(status="draft")
    api_error(client.get(f"/api/v1/listings/{draft.public_code}"), 404)
    api_error(client.get(f"/api/v1/listings/{draft.public_code}", headers=headers(station.donor)), 404)
    assert client.get(f"/api/v1/listings/{draft.public_code}", headers=headers(station.checker)).status_code == 200
    api_error(client.get("/api/v1/listings/nosuchcode"), 404)


def test_the_spec_lists_every_wishes_endpoint_and_no_private_value(client):
    response = client.get("/api/openapi.json")
    no_private(response.get_data(as_text=True))
    paths = response.get_json()["paths"]
    listing = "/api/v1/listings/{listing_code}"
    for path in ["/api/v1/listings", listing, "/api/v1/beneficiaries/{beneficiary_id}/listings",
                 *(f"{listing}/{action}" for action in ("transitions", "approve-budget", "delivery", "thanks",
                                                         "claims", "pledges")),
                 "/api/v1/wish-claims/{wish_claim_id}/release", "/api/v1/me/wish-claims",
                 "/api/v1/pledges/{pledge_id}/withdraw", "/api/v1/me/pledges",
                 "/api/v1/board", "/api/v1/board/counts", "/api/v1/orgs/{org_id}/beneficiaries",
                 "/api/v1/beneficiaries/{beneficiary_id}", "/api/v1/beneficiaries/{beneficiary_id}/verification"]:
        assert path in paths, path
        for method, operation in paths[path].items():
            assert method == "parameters" or operation["summary"], path
    public = response.get_json()["components"]["schemas"]["ListingPublic"]["properties"]
    assert not {"full_name", "phone", "id_number", "address", "notes"} & set(public)


def test_staff_write_a_draft_and_change_it(client, station, create_household, headers):
    household = create_household()
    url = f"/api/v1/beneficiaries/{household.id}/listings"
    made = client.post(url, json=WISH, headers=headers(station.worker))
    assert made.status_code == 201
    body = made.get_json()
    assert (body["status"], body["title"], body["value_fen"], body["author_id"]) == ("draft", "新书包", 15_000,
                                                                                      station.worker.id)
    code = body["code"]
    changed = client.patch(f"/api/v1/listings/{code}", json={"title": "新书包和文具"}, headers=headers(station.checker))
    assert changed.status_code == 200 and changed.get_json()["title"] == "新书包和文具"
    assert changed.get_json()["value_fen"] == 15_000
    api_error(client.patch(f"/api/v1/listings/{code}", json={"title": "x"}, headers=headers(station.donor)), 404)
    api_error(client.patch(f"/api/v1/listings/{code}", json={"quantity": "2"}, headers=headers(station.worker)), 422)
    api_error(client.patch(f"/api/v1/listings/{code}", json={"zzz": 1}, headers=headers(station.worker)), 422)


def test_bad_listings_are_refused_and_write_nothing(client, station, create_household, headers):
    household = create_household()
    url = f"/api/v1/beneficiaries/{household.id}/listings"
    before = listing_count()
    for bad in [WISH | {"value_fen": "150"}, WISH | {"value_fen": 10**30}, WISH | {"quantity": 1.5},
                WISH | {"kind": "gift"}, WISH | {"title": "a\x00b"}, WISH | {"title": "x" * 121},
                WISH | {"story": "\ud800"}, WISH | {"zzz": 1}, WISH | {"value_fen": 200_000},
                WISH | {"funding": [{"source": "firm", "amount_fen": "1"}]}, {"title": "无类别"}]:
        api_error(client.post(url, json=bad, headers=headers(station.worker)), 422)
    error = api_error(client.post(url, json=WISH | {"value_fen": 200_000}, headers=headers(station.worker)), 422)
    assert "value_fen" in error["fields"]
    api_error(client.post(url, json=WISH, headers=headers(station.donor)), 404)
    api_error(client.post(url, json=WISH, headers=headers(station.worker, "read")), 403)
    api_error(client.post(url, json=WISH), 401)
    assert listing_count() == before


def test_transitions_move_a_listing_and_are_recorded(client, station, create_listing, headers):
    code = create_listing(status="draft").public_code
    url = f"/api/v1/listings/{code}/transitions"
    moved = client.post(url, json={"to": "submitted"}, headers=headers(station.worker))
    assert moved.status_code == 200 and moved.get_json()["status"] == "submitted"
    error = api_error(client.post(url, json={"to": "verified"}, headers=headers(station.worker)), 409)
    assert error["code"] == "conflict" and "other than the author" in error["message"]
    assert client.post(url, json={"to": "verified", "note": "家访属实"},
                       headers=headers(station.checker)).get_json()["status"] == "verified"
    api_error(client.post(url, json={"to": "claimed"}, headers=headers(station.checker)), 409)
    api_error(client.post(url, json={"to": "nowhere"}, headers=headers(station.checker)), 422)
    api_error(client.post(url, json={"to": "published"}, headers=headers(station.donor)), 404)
    api_error(client.post(url, json={"to": "published"}, headers=headers(station.checker, "read")), 403)
    history = client.get(url, headers=headers(station.worker, "read")).get_json()
    assert [(e["from"], e["to"]) for e in history] == [("", "draft"), ("draft", "submitted"),
                                                        ("submitted", "verified")]
    assert history[2]["actor_id"] == station.checker.id and history[2]["note"] == "家访属实" and history[2]["at"]
    client.post(url, json={"to": "published"}, headers=headers(station.checker))
    api_error(client.get(url, headers=headers(station.donor)), 404)  # published, but the history is staff-only
    api_error(client.get(url), 401)
    assert db.session.scalar(select(func.count(ListingEvent.id))) == 4


def test_an_admin_approves_a_budget_over_the_cap(client, station, create_listing, headers):
    big = create_listing(status="submitted", kind="household_need", value_fen=9_000_000,
                         funding=[{"source": "government", "amount_fen": 9_000_000}])
    url = f"/api/v1/listings/{big.public_code}/approve-budget"
    api_error(client.post(url, json={"note": "危房"}, headers=headers(station.worker)), 404)
    api_error(client.post(url, json={}, headers=headers(station.admin)), 422)
    approved = client.post(url, json={"note": "危房，特批"}, headers=headers(station.admin))
    assert approved.status_code == 200 and approved.get_json()["over_cap_approved_by_id"] == station.admin.id
    assert approved.get_json()["needs_budget_approval"] is False
    small = create_listing(status="draft", kind="household_need")
    api_error(client.post(f"/api/v1/listings/{small.public_code}/approve-budget", json={"note": "x"},
                          headers=headers(station.admin)), 409)


def test_staff_confirm_delivery_and_pass_on_thanks(client, station, create_listing, headers, mailbox):
    wish = create_listing()
    thanks_url = f"/api/v1/listings/{wish.public_code}/thanks"
    api_error(client.post(thanks_url, json={"text": "谢谢"}, headers=headers(station.worker)), 409)
    delivery = f"/api/v1/listings/{wish.public_code}/delivery"
    api_error(client.post(delivery, json={}, headers=headers(station.worker)), 409)  # not claimed yet
    claims.claim_wish(wish.id, station.donor)
    api_error(client.post(delivery, json={"note": "收到"}, headers=headers(station.donor)), 404)
    delivered = client.post(delivery, json={"note": "已送到"}, headers=headers(station.worker))
    assert delivered.status_code == 200 and delivered.get_json()["status"] == "fulfilled"
    assert delivered.get_json()["delivery_note"] == "已送到"
    api_error(client.post(thanks_url, json={"text": ""}, headers=headers(station.worker)), 422)
    api_error(client.post(thanks_url, json={"text": "谢谢"}, headers=headers(station.donor)), 404)
    thanked = client.post(thanks_url, json={"text": "谢谢好心人"}, headers=headers(station.worker))
    assert thanked.status_code == 200 and thanked.get_json()["thanks_note"] == "谢谢好心人"
    assert [m.to for m in mailbox.messages] == [[station.donor.email]]
    public = client.get(f"/api/v1/listings/{wish.public_code}").get_json()
    assert "thanks_note" not in public and "delivery_note" not in public and public["status"] == "fulfilled"
