"""/api/v1/orgs: list, read, register, edit, and manage members and invitations."""
import pytest

from marketplace.orgs.models import Invitation, Membership, Organisation
from marketplace.platform.extensions import db
from tests.api.conftest import api_error, bearer

NEW_ORG = {"kind": "charity", "name_zh": "阳光慈善", "name_en": "Sunshine Charity", "district_id": 2,
           "contact_email": "Hello@Example.org"}


@pytest.fixture
def charity(create_user, create_org, create_token):
    """A charity with an admin, a staff member, and write tokens for both and for an outsider."""
    admin, staff, outsider = create_user(locale="en"), create_user(locale="en"), create_user(locale="en")
    org = create_org("charity", {admin: "admin", staff: "staff"})
    members = {m.user: m for m in org.memberships}
    return {"org": org, "admin": bearer(create_token(admin, "write")), "staff": bearer(create_token(staff, "write")),
            "outsider": bearer(create_token(outsider, "write")), "admin_membership": members[admin],
            "staff_membership": members[staff]}


def _pages(client, query):
    ids, cursor, pages = [], None, 0
    while True:
        response = client.get("/api/v1/orgs", query_string={**query, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200
        body = response.get_json()
        ids += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return ids, pages


def test_list_pages_through_every_organisation_once(client, create_org):
    made = [create_org(name_en=f"Org {n}").id for n in range(5)]
    ids, pages = _pages(client, {"limit": 2})
    assert ids == made and pages == 3
    assert _pages(client, {"limit": 100}) == (made, 1)


def test_list_filters_by_kind_district_name_and_verification(client, create_org):
    firm = create_org("firm", name_en="Kind Firm", district_id=4)
    team = create_org("volunteer_team", name_en="Haizhu Volunteers", district_id=3, verified=False)
    charity = create_org("charity", name_zh="越秀慈善", district_id=3)
    listed = lambda **q: [o["id"] for o in client.get("/api/v1/orgs", query_string=q).get_json()["items"]]  # noqa: E731
    assert listed(kind="firm") == [firm.id]
    assert listed(district=3) == [team.id, charity.id]
    assert listed(q="volunteer") == [team.id] and listed(q="越秀") == [charity.id]
    assert listed(verified="true") == [firm.id, charity.id]
    assert listed(district=999_999) == []


@pytest.mark.parametrize("query,field", [
    ({"cursor": "forged"}, "cursor"), ({"cursor": "eyJhZnRlciI6IC0xfQ"}, "cursor"),  # {"after": -1}
    ({"limit": 0}, "limit"), ({"limit": 101}, "limit"), ({"limit": "ten"}, "limit"),
    ({"kind": "club"}, "kind"), ({"district": "yuexiu"}, "district"), ({"q": "x" * 101}, "q"),
])
def test_list_refuses_bad_query_with_a_field_message(client, query, field):
    error = api_error(client.get("/api/v1/orgs", query_string=query), 422)
    assert list(error["fields"]) == [field] and error["fields"][field][0]


def test_get_shows_public_details_only(client, create_user, create_org):
    org = create_org("firm", {create_user(email="owner@example.org"): "admin"}, contact_name="李经理")
    body = client.get(f"/api/v1/orgs/{org.id}").get_json()
    assert body["kind"] == "firm" and body["contact_name"] == "李经理"
    assert body["district"] == {"id": 1, "code": "yuexiu", "name_zh": "越秀区", "name_en": "Yuexiu"}
    assert "owner@example.org" not in str(body) and "memberships" not in body
    api_error(client.get("/api/v1/orgs/999999"), 404)


def test_create_makes_the_caller_admin(client, create_user, create_token):
    user = create_user()
    response = client.post("/api/v1/orgs", json=NEW_ORG, headers=bearer(create_token(user, "write")))
    assert response.status_code == 201
    body = response.get_json()
    assert body["is_verified"] is False and body["contact_email"] == "hello@example.org"
    org = db.session.get(Organisation, body["id"])
    assert [(m.user, m.role) for m in org.memberships] == [(user, "admin")]


@pytest.mark.parametrize(("method", "old", "new"), [
    ("GET", "/api/v1/organisations?limit=2", "/api/v1/orgs?limit=2"),
    ("POST", "/api/v1/organisations", "/api/v1/orgs"),
    ("PATCH", "/api/v1/organisations/7", "/api/v1/orgs/7"),
    ("DELETE", "/api/v1/organisations/7/members/9", "/api/v1/orgs/7/members/9"),
])
def test_the_old_organisations_addresses_answer_308_to_the_new_ones(client, method, old, new):
    response = client.open(old, method=method, json={} if method != "GET" else None)
    assert response.status_code == 308 and response.headers["Location"].endswith(new)


def test_a_client_following_the_old_address_still_creates(client, create_user, create_token):
    user = create_user()
    response = client.post("/api/v1/organisations", json=NEW_ORG, headers=bearer(create_token(user, "write")),
                           follow_redirects=True)
    assert response.status_code == 201 and response.request.path == "/api/v1/orgs"
    assert db.session.get(Organisation, response.get_json()["id"]).name_en == NEW_ORG["name_en"]


def test_create_needs_a_confirmed_email_and_a_write_token(client, create_user, create_token):
    unconfirmed = create_user(verified=False, locale="en")
    error = api_error(client.post("/api/v1/orgs", json=NEW_ORG,
                                  headers=bearer(create_token(unconfirmed, "write"))), 403)
    assert "confirm your email" in error["message"]
    api_error(client.post("/api/v1/orgs", json=NEW_ORG, headers=bearer(create_token(create_user()))), 403)
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


@pytest.mark.parametrize("change,field", [
    ({"name_zh": ""}, "name_zh"), ({"name_en": "x" * 161}, "name_en"), ({"district_id": 999}, "district_id"),
    ({"district_id": "2"}, "district_id"), ({"district_id": 2.5}, "district_id"), ({"kind": "club"}, "kind"),
    ({"contact_email": "not an email"}, "contact_email"), ({"description": ["a", "b"]}, "description"),
])
def test_create_refuses_bad_fields_and_writes_nothing(client, create_user, create_token, change, field):
    response = client.post("/api/v1/orgs", json=NEW_ORG | change,
                           headers=bearer(create_token(create_user(), "write")))
    assert field in api_error(response, 422)["fields"]
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_update_changes_only_what_is_sent(client, charity):
    org = charity["org"]
    response = client.patch(f"/api/v1/orgs/{org.id}", json={"name_en": "Renamed", "district_id": 5},
                            headers=charity["admin"])
    assert response.status_code == 200
    db.session.refresh(org)
    assert (org.name_zh, org.name_en, org.district_id) == ("测试机构", "Renamed", 5)
    api_error(client.patch(f"/api/v1/orgs/{org.id}", json={"kind": "firm"}, headers=charity["admin"]), 422)
    api_error(client.patch(f"/api/v1/orgs/{org.id}", json={"name_en": "Mine"}, headers=charity["staff"]), 404)
    db.session.refresh(org)
    assert (org.kind, org.name_en) == ("charity", "Renamed")


def test_members_are_listed_for_members_only(client, charity):
    org = charity["org"]
    body = client.get(f"/api/v1/orgs/{org.id}/members", headers=charity["staff"]).get_json()
    assert [m["role"] for m in body] == ["admin", "staff"]
    assert not any("email" in m for m in body)
    api_error(client.get(f"/api/v1/orgs/{org.id}/members", headers=charity["outsider"]), 404)
    api_error(client.get(f"/api/v1/orgs/{org.id}/members"), 401)


def test_invite_sends_an_email_with_a_link(client, charity, mailbox):
    org = charity["org"]
    response = client.post(f"/api/v1/orgs/{org.id}/invitations",
                           json={"email": "Helper@Example.org", "role": "coordinator"}, headers=charity["admin"])
    assert response.status_code == 201 and "expires_at" in response.get_json()
    invitation = db.session.scalar(db.select(Invitation))
    assert (invitation.email, invitation.role) == ("helper@example.org", "coordinator")
    assert mailbox.messages[-1].to == ["helper@example.org"] and "/orgs/invitations/" in mailbox.last_link()


@pytest.mark.parametrize("body,field", [
    ({"email": "not an email"}, "email"), ({"email": "a@example.org", "role": "boss"}, "role"), ({}, "email"),
])
def test_invite_refuses_bad_input(client, charity, mailbox, body, field):
    response = client.post(f"/api/v1/orgs/{charity['org'].id}/invitations", json=body,
                           headers=charity["admin"])
    assert field in api_error(response, 422)["fields"]
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0 and not mailbox.messages


def test_inviting_a_member_again_is_refused(client, charity, mailbox):
    staff_email = charity["staff_membership"].user.email
    response = client.post(f"/api/v1/orgs/{charity['org'].id}/invitations",
                           json={"email": staff_email}, headers=charity["admin"])
    assert api_error(response, 422)["fields"] == {"email": ["This person is already a member."]}


def test_change_role_and_keep_an_admin(client, charity):
    org, staff, admin = charity["org"], charity["staff_membership"], charity["admin_membership"]
    path = f"/api/v1/orgs/{org.id}/members/"
    response = client.patch(path + str(staff.id), json={"role": "coordinator"}, headers=charity["admin"])
    assert response.status_code == 200 and response.get_json()["role"] == "coordinator"
    error = api_error(client.patch(path + str(admin.id), json={"role": "member"}, headers=charity["admin"]), 409)
    assert "at least one admin" in error["message"]
    api_error(client.patch(path + str(staff.id), json={"role": "owner"}, headers=charity["admin"]), 422)
    db.session.refresh(admin)
    db.session.refresh(staff)
    assert (admin.role, staff.role) == ("admin", "coordinator")


def test_remove_member(client, charity):
    staff, admin = charity["staff_membership"].id, charity["admin_membership"].id
    path = f"/api/v1/orgs/{charity['org'].id}/members/"
    response = client.delete(path + str(staff), headers=charity["admin"])
    assert response.status_code == 204 and response.get_data() == b""
    api_error(client.delete(path + str(staff), headers=charity["admin"]), 404)
    api_error(client.delete(path + str(admin), headers=charity["admin"]), 409)
    assert db.session.scalars(db.select(Membership.id)).all() == [admin]


FORBIDDEN_OR_MISSING = [  # (method, path, body)
    ("PATCH", "/api/v1/orgs/{org}", {"name_en": "Mine"}),
    ("GET", "/api/v1/orgs/{org}/members", None),
    ("PATCH", "/api/v1/orgs/{org}/members/{membership}", {"role": "admin"}),
    ("DELETE", "/api/v1/orgs/{org}/members/{membership}", None),
    ("POST", "/api/v1/orgs/{org}/invitations", {"email": "friend@example.org"}),
]


@pytest.mark.parametrize("method,path,body", FORBIDDEN_OR_MISSING)
def test_forbidden_and_missing_objects_answer_alike(client, charity, create_user, create_org, method, path, body):
    other = create_org(members={create_user(): "admin"})
    ids = {"org": charity["org"].id, "membership": charity["staff_membership"].id}
    forbidden = client.open(path.format(**ids), method=method, json=body, headers=charity["outsider"])
    missing_org = client.open(path.format(org=999_999, membership=ids["membership"]), method=method, json=body,
                              headers=charity["outsider"])
    assert api_error(forbidden, 404) == api_error(missing_org, 404)
    if "{membership}" in path:  # a member of another organisation is as missing as no member at all
        elsewhere = client.open(path.format(org=ids["org"], membership=other.memberships[0].id), method=method,
                                json=body, headers=charity["admin"])
        nobody = client.open(path.format(org=ids["org"], membership=999_999), method=method, json=body,
                             headers=charity["admin"])
        assert api_error(elsewhere, 404) == api_error(nobody, 404)
    assert [m.role for m in db.session.scalars(db.select(Membership).order_by(Membership.id))] == [
        "admin", "staff", "admin"]
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0
