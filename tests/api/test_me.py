"""/api/v1/me: the signed-in user's profile, read and changed through the API."""
import pytest

from marketplace.audit.models import AuditEvent
from marketplace.platform.extensions import db
from tests.api.conftest import api_error, bearer


def test_me_shows_profile_and_memberships_without_secrets(client, create_user, create_org, create_token):
    user = create_user(email="a@example.org", display_name="王芳", phone="13800000000")
    org = create_org("charity", {user: "staff"}, name_zh="阳光慈善", name_en="Sunshine Charity")
    body = client.get("/api/v1/me", headers=bearer(create_token(user))).get_json()
    assert body["email"] == "a@example.org" and body["display_name"] == "王芳"
    assert body["is_email_verified"] is True and body["is_platform_admin"] is False
    assert body["memberships"] == [{"organisation_id": org.id, "organisation_name_zh": "阳光慈善",
                                    "organisation_name_en": "Sunshine Charity", "role": "staff"}]
    assert not {"password_hash", "session_version", "tokens"} & set(body)


def test_patch_changes_only_what_is_sent(client, create_user, create_token):
    user = create_user(display_name="王芳", phone="13800000000", locale="zh_CN")
    response = client.patch("/api/v1/me", json={"locale": "en"}, headers=bearer(create_token(user, "write")))
    assert response.status_code == 200
    db.session.refresh(user)
    assert (user.locale, user.display_name, user.phone) == ("en", "王芳", "13800000000")
    assert "user.profile_updated" in db.session.scalars(db.select(AuditEvent.action)).all()


def test_patch_can_clear_the_phone(client, create_user, create_token):
    user = create_user(phone="13800000000")
    response = client.patch("/api/v1/me", json={"phone": None}, headers=bearer(create_token(user, "write")))
    assert response.status_code == 200 and response.get_json()["phone"] is None


@pytest.mark.parametrize("body,field,message", [
    ({"display_name": ""}, "display_name", "Use 1 to 80 characters."),
    ({"display_name": "   "}, "display_name", "Enter a name of 1 to 80 characters."),
    ({"display_name": "x" * 81}, "display_name", "Use 1 to 80 characters."),
    ({"display_name": 42}, "display_name", "Enter text."),
    ({"locale": "fr"}, "locale", "Choose one of: zh_CN, en."),
    ({"public_display": "famous"}, "public_display", "Choose one of: name, masked, anonymous."),
    ({"phone": "call me"}, "phone", "Enter a phone number using digits, spaces, + and - only."),
    ({"email": "new@example.org"}, "email", "This field is not accepted."),
    ({"is_platform_admin": True}, "is_platform_admin", "This field is not accepted."),
])
def test_bad_values_get_field_messages_and_change_nothing(client, create_user, create_token, body, field, message):
    user = create_user(email="a@example.org", display_name="王芳", locale="en")
    response = client.patch("/api/v1/me", json=body, headers=bearer(create_token(user, "write")))
    error = api_error(response, 422)
    assert error["code"] == "invalid_input" and error["fields"] == {field: [message]}
    db.session.refresh(user)
    assert (user.email, user.display_name, user.phone, user.is_platform_admin) == (
        "a@example.org", "王芳", None, False)


def test_field_messages_follow_the_users_language(client, create_user, create_token):
    user = create_user(locale="zh_CN")
    response = client.patch("/api/v1/me", json={"locale": "fr"}, headers=bearer(create_token(user, "write")))
    error = api_error(response, 422)
    assert error["message"] == "有些内容需要修改，请检查。"
    assert error["fields"]["locale"] == ["请从以下选项中选择一个：zh_CN, en。"]
