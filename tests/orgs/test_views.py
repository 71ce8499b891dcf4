"""Organisation pages as people use them: register, edit, members, invitations, verification."""
import re

import pytest

from marketplace.orgs.models import Invitation, Organisation
from marketplace.platform.extensions import db
from tests.conftest import PASSWORD

FORM = {"kind": "volunteer_team", "name_zh": "海珠区义工队", "name_en": "Haizhu Volunteers", "district_id": "3",
        "description": "周末探访长者", "contact_name": "陈老师", "contact_phone": "020-1234 5678",
        "contact_email": "team@example.org"}


@pytest.fixture
def person(create_user):
    """Make a user who reads English: person(email, **fields)."""
    return lambda email, **fields: create_user(email=email, locale="en", **fields)


@pytest.fixture
def charity(person, create_org):
    """A charity run by admin@example.org, with staff@example.org on its staff."""
    admin, staff = person("admin@example.org"), person("staff@example.org")
    return create_org("charity", {admin: "admin", staff: "staff"}, name_en="Sunshine Charity")


def _membership(org, email):
    return next((m for m in org.memberships if m.user.email == email), None)


def _text(response):
    return response.get_data(as_text=True)


def _roles(org):
    db.session.refresh(org)
    return {m.user.email: m.role for m in org.memberships}


def test_register_an_organisation_and_become_its_admin(client, auth, person):
    user = person("founder@example.org")
    auth.login("founder@example.org")
    assert client.get("/orgs/new").status_code == 200
    response = auth.post("/orgs/new", FORM, form_page="/orgs/new")
    org = db.session.scalar(db.select(Organisation))
    assert response.status_code == 302 and response.location.endswith(f"/orgs/{org.id}")
    page = _text(client.get(response.location))
    assert "Haizhu Volunteers" in page and "Not yet verified" in page and "A platform admin will verify it" in page
    assert [(m.user, m.role) for m in org.memberships] == [(user, "admin")]
    assert (org.contact_phone, org.district_id) == ("020-1234 5678", 3)


def test_unconfirmed_user_is_told_to_confirm_first(client, auth, person):
    person("new@example.org", verified=False)
    auth.login("new@example.org")
    response = auth.post("/orgs/new", FORM, form_page="/orgs/new")
    assert response.status_code == 422 and "confirm your email address" in _text(response)
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_register_form_marks_each_bad_field(client, auth, person):
    person("founder@example.org")
    auth.login("founder@example.org")
    response = auth.post("/orgs/new", FORM | {"name_zh": "", "district_id": "999", "contact_email": "nope"},
                         form_page="/orgs/new")
    page = _text(response)
    assert response.status_code == 422 and page.count('class="field-error"') == 2  # the form checks shape first
    assert "This field is required." in page and "Enter a valid email address." in page
    response = auth.post("/orgs/new", FORM | {"district_id": "999"}, form_page="/orgs/new")
    assert response.status_code == 422 and "Choose a district from the list." in _text(response)
    assert db.session.scalar(db.select(db.func.count(Organisation.id))) == 0


def test_admin_edits_the_organisation_and_others_cannot(client, auth, charity):
    auth.login("admin@example.org")
    path = f"/orgs/{charity.id}/edit"
    assert 'value="Sunshine Charity"' in _text(client.get(path))
    data = {k: v for k, v in FORM.items() if k != "kind"} | {"name_en": "Sunshine Trust"}
    response = auth.post(path, data, form_page=path)
    assert response.status_code == 302 and "Sunshine Trust" in _text(client.get(response.location))
    db.session.refresh(charity)
    assert (charity.kind, charity.name_en, charity.district_id) == ("charity", "Sunshine Trust", 3)
    auth.logout()
    auth.login("staff@example.org")
    assert client.get(path).status_code == 404
    assert auth.post(path, data | {"name_en": "Taken Over"}).status_code == 404
    db.session.refresh(charity)
    assert charity.name_en == "Sunshine Trust"


def test_members_page_shows_management_to_admins_only(client, auth, charity, person):
    person("outsider@example.org")
    path = f"/orgs/{charity.id}/members"
    auth.login("staff@example.org")
    page = _text(client.get(path))
    assert "admin@example.org" not in page and "Send invitation" not in page and "Leave this organisation" in page
    auth.logout()
    auth.login("admin@example.org")
    page = _text(client.get(path))
    assert "Send invitation" in page and "Change role" in page and "Remove" in page
    auth.logout()
    auth.login("outsider@example.org")
    assert client.get(path).status_code == 404


def test_invite_by_email_then_accept_through_the_link(client, auth, charity, person, mailbox):
    auth.login("admin@example.org")
    response = auth.post(f"/orgs/{charity.id}/members/invite", {"email": "Helper@Example.org", "role": "coordinator"},
                         form_page=f"/orgs/{charity.id}/members")
    assert response.status_code == 302
    page = _text(client.get(response.location))
    assert "Invitation sent to helper@example.org" in page and "Waiting for an answer" in page
    link = mailbox.last_link("helper@example.org")
    assert "Sunshine Charity" in mailbox.messages[-1].body
    auth.logout()
    person("helper@example.org")
    response = client.get(link)
    assert response.status_code == 302 and "/auth/login" in response.location
    auth.post(response.location, {"email": "helper@example.org", "password": PASSWORD}, form_page="/auth/login")
    page = _text(client.get(link))
    assert "Join Sunshine Charity" in page and "Coordinator" in page
    response = auth.post(link, form_page=link)
    assert response.status_code == 302 and response.location.endswith(f"/orgs/{charity.id}")
    assert "Welcome to Sunshine Charity" in _text(client.get(response.location))
    assert _roles(charity)["helper@example.org"] == "coordinator"
    response = client.get(link)
    assert response.status_code == 400 and "This invitation is invalid, used or expired" in _text(response)


def test_invitation_for_another_address_is_refused(client, auth, charity, person, mailbox):
    auth.login("admin@example.org")
    auth.post(f"/orgs/{charity.id}/members/invite", {"email": "helper@example.org", "role": "member"})
    link = mailbox.last_link()
    auth.logout()
    person("someone.else@example.org")
    auth.login("someone.else@example.org")
    response = auth.post(link, form_page=link)
    assert response.status_code == 403 and "sent to another email address" in _text(response)
    assert "someone.else@example.org" not in _roles(charity)


def test_withdrawn_invitation_stops_working(client, auth, charity, person, mailbox):
    auth.login("admin@example.org")
    auth.post(f"/orgs/{charity.id}/members/invite", {"email": "helper@example.org", "role": "member"})
    link = mailbox.last_link()
    invitation = db.session.scalar(db.select(Invitation))
    auth.post(f"/orgs/{charity.id}/invitations/{invitation.id}/revoke")
    assert "Waiting for an answer" not in _text(client.get(f"/orgs/{charity.id}/members"))
    auth.logout()
    person("helper@example.org")
    auth.login("helper@example.org")
    assert client.get(link).status_code == 400
    assert "helper@example.org" not in _roles(charity)


def test_invite_form_shows_field_messages(client, auth, charity, mailbox):
    auth.login("admin@example.org")
    path = f"/orgs/{charity.id}/members/invite"
    response = auth.post(path, {"email": "staff@example.org", "role": "member"})
    assert response.status_code == 422 and "This person is already a member." in _text(response)
    response = auth.post(path, {"email": "not an email", "role": "owner"})
    assert response.status_code == 422 and "Enter a valid email address." in _text(response)
    assert db.session.scalar(db.select(db.func.count(Invitation.id))) == 0 and not mailbox.messages


def test_member_leaves(client, auth, charity):
    auth.login("staff@example.org")
    response = auth.post(f"/orgs/{charity.id}/leave")
    assert response.status_code == 302 and response.location.endswith("/account/")
    assert "You have left Sunshine Charity" in _text(client.get(response.location))
    assert "staff@example.org" not in _roles(charity)


def test_last_admin_cannot_leave_demote_or_remove_themselves(client, auth, charity):
    auth.login("admin@example.org")
    mine = _membership(charity, "admin@example.org").id
    for path, data in [(f"/orgs/{charity.id}/leave", {}),
                       (f"/orgs/{charity.id}/members/{mine}/role", {"role": "staff"}),
                       (f"/orgs/{charity.id}/members/{mine}/remove", {})]:
        response = auth.post(path, data)
        assert response.status_code == 409 and "at least one admin" in _text(response)
    assert _roles(charity)["admin@example.org"] == "admin"


def test_a_second_admin_lets_the_first_one_leave(client, auth, charity):
    auth.login("admin@example.org")
    auth.post(f"/orgs/{charity.id}/members/{_membership(charity, 'staff@example.org').id}/role", {"role": "admin"})
    assert auth.post(f"/orgs/{charity.id}/leave").status_code == 302
    assert _roles(charity) == {"staff@example.org": "admin"}


def test_admin_changes_a_role_and_a_made_up_role_is_refused(client, auth, charity):
    auth.login("admin@example.org")
    staff = _membership(charity, "staff@example.org").id
    response = auth.post(f"/orgs/{charity.id}/members/{staff}/role", {"role": "coordinator"})
    assert "The role is changed." in _text(client.get(response.location))
    response = auth.post(f"/orgs/{charity.id}/members/{staff}/role", {"role": "owner"})
    assert "Choose a role from the list." in _text(client.get(response.location))
    assert _roles(charity)["staff@example.org"] == "coordinator"


def test_admin_removes_a_member(client, auth, charity):
    auth.login("admin@example.org")
    response = auth.post(f"/orgs/{charity.id}/members/{_membership(charity, 'staff@example.org').id}/remove")
    assert "The member is removed." in _text(client.get(response.location))
    assert _roles(charity) == {"admin@example.org": "admin"}


def test_platform_admin_verifies_an_organisation(client, auth, person, create_org):
    owner = person("owner@example.org")
    org = create_org(members={owner: "admin"}, verified=False, name_en="New Charity")
    root = person("root@example.org", admin=True)
    auth.login("owner@example.org")
    assert "Mark as verified" not in _text(client.get(f"/orgs/{org.id}"))
    assert auth.post(f"/orgs/{org.id}/verify", {"verified": "1"}).status_code == 404
    auth.logout()
    auth.login("root@example.org")
    assert "New Charity" in _text(client.get("/admin/"))
    assert "Mark as verified" in _text(client.get(f"/orgs/{org.id}"))
    response = auth.post(f"/orgs/{org.id}/verify", {"verified": "1"})
    page = _text(client.get(response.location))
    assert ">Verified<" in page and "Remove verification" in page and "New Charity" not in _text(client.get("/admin/"))
    assert auth.post(f"/orgs/{org.id}/verify", {"verified": "yes please"}).status_code == 400
    db.session.refresh(org)
    assert org.is_verified and org.verified_by_id == root.id
    auth.post(f"/orgs/{org.id}/verify", {"verified": "0"})
    db.session.refresh(org)
    assert not org.is_verified and org.verified_by_id is None


def test_index_filters_and_pages(client, create_org):
    for n in range(22):
        create_org("firm" if n % 2 else "charity", name_en=f"Org {n:02d}")
    page = _text(client.get("/orgs/"))
    assert "Org 00" in page and "Org 19" in page and "Org 20" not in page
    more = re.search(r'href="(/orgs/\?[^"]*cursor=[^"]+)"', page).group(1).replace("&amp;", "&")
    page = _text(client.get(more))
    assert "Org 20" in page and "Org 21" in page and "Org 19" not in page
    page = _text(client.get("/orgs/?kind=firm"))
    assert "Org 01" in page and "Org 00" not in page
    assert client.get("/orgs/?cursor=forged").status_code == 400
