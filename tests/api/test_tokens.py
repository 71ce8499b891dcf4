"""Personal API tokens: made in the profile, stored hashed, scoped, revocable."""
import hashlib
import re

import pytest

from marketplace.auth.models import ApiToken, User
from marketplace.platform.extensions import db
from tests.api.conftest import api_error, bearer


def _make_on_page(auth, scope):
    page = auth.post("/account/tokens", {"name": "my script", "scope": scope},
                     form_page="/account/tokens").get_data(as_text=True)
    return re.search(r"gh_[A-Za-z0-9_-]{30,}", page).group(0)


def test_profile_shows_the_token_once_and_keeps_only_its_hash(client, auth, create_user):
    create_user(email="a@example.org")
    auth.login("a@example.org")
    plain = _make_on_page(auth, "read")
    token = db.session.scalar(db.select(ApiToken))
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in {token.name, token.prefix, token.token_hash}
    page = client.get("/account/tokens").get_data(as_text=True)
    assert plain not in page and token.prefix in page and "my script" in page
    assert client.get("/api/v1/me", headers=bearer(plain)).get_json()["email"] == "a@example.org"


def test_read_token_reads_but_may_not_write(client, create_user, create_token):
    user = create_user(display_name="王芳")
    plain = create_token(user, "read")
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200
    response = client.patch("/api/v1/me", json={"display_name": "改名"}, headers=bearer(plain))
    assert api_error(response, 403)["code"] == "forbidden"
    db.session.refresh(user)
    assert user.display_name == "王芳"


def test_write_token_changes_the_profile(client, create_user, create_token):
    user = create_user(display_name="王芳")
    response = client.patch("/api/v1/me", json={"display_name": "王小芳", "public_display": "name"},
                            headers=bearer(create_token(user, "write")))
    assert response.status_code == 200 and response.get_json()["display_name"] == "王小芳"
    db.session.refresh(user)
    assert (user.display_name, user.public_display) == ("王小芳", "name")


def test_revoked_token_is_refused(client, auth, create_user):
    create_user(email="a@example.org", locale="en")
    auth.login("a@example.org")
    plain = _make_on_page(auth, "write")
    token = db.session.scalar(db.select(ApiToken))
    assert client.get("/api/v1/me", headers=bearer(plain)).status_code == 200
    assert "Revoked" not in client.get("/account/tokens").get_data(as_text=True)
    auth.post(f"/account/tokens/{token.id}/revoke", form_page="/account/tokens")
    assert "Revoked" in client.get("/account/tokens").get_data(as_text=True)
    auth.logout()
    assert api_error(client.get("/api/v1/me", headers=bearer(plain)), 401)["code"] == "unauthenticated"


@pytest.mark.parametrize("header", [
    None, "Bearer gh_forged", "Bearer ", "Bearer", "Basic dXNlcjpwYXNz", "gh_no_scheme", "Bearer " + "x" * 10_000,
])
def test_bad_or_missing_bearer_token_gets_401(client, create_user, header):
    headers = {"Authorization": header} if header is not None else {}
    assert api_error(client.get("/api/v1/me", headers=headers), 401)["code"] == "unauthenticated"
    response = client.patch("/api/v1/me", json={"locale": "en"}, headers=headers)
    assert api_error(response, 401)["message"] == "Please log in first."


def test_token_of_a_deactivated_account_is_refused(client, create_user, create_token):
    user = create_user()
    plain = create_token(user, "write")
    user.is_active = False
    db.session.commit()
    api_error(client.get("/api/v1/me", headers=bearer(plain)), 401)


def test_a_valid_token_is_not_mistaken_for_another_by_prefix(client, create_user, create_token):
    plain = create_token(create_user(), "read")
    api_error(client.get("/api/v1/me", headers=bearer(plain[:-1])), 401)


def test_browser_session_may_only_read(client, auth, create_user):
    user = create_user(email="a@example.org", display_name="王芳")
    auth.login("a@example.org")
    assert client.get("/api/v1/me").get_json()["email"] == "a@example.org"
    response = client.patch("/api/v1/me", json={"display_name": "改名"})
    api_error(response, 401)
    response = client.post("/api/v1/orgs", json={
        "kind": "charity", "name_zh": "新机构", "name_en": "New", "district_id": 1})
    api_error(response, 401)
    db.session.refresh(user)
    assert user.display_name == "王芳"
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1
