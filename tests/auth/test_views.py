"""Account pages as a person uses them."""
import re

from marketplace.audit.models import AuditEvent
from marketplace.auth.models import User
from marketplace.platform.extensions import db
from tests.conftest import PASSWORD


def _register(auth, email="new@example.org", password=PASSWORD):
    return auth.post("/auth/register", {
        "display_name": "李雷", "email": email, "password": password, "locale": "en",
    }, form_page="/auth/register")


def test_sign_up_verify_log_in_and_see_profile(client, auth, mailbox):
    response = _register(auth)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    link = mailbox.last_link("new@example.org")
    confirmed = client.get(link)
    assert confirmed.status_code == 302 and confirmed.location.endswith("/auth/login")
    assert db.session.scalar(db.select(User)).is_email_verified
    auth.login("new@example.org")
    page = client.get("/account/").get_data(as_text=True)
    assert "new@example.org" in page and "confirm your email" not in page.lower()


def test_login_renews_session_and_logout_ends_it_everywhere(app, client, auth, create_user):
    user = create_user(email="a@example.org")
    client.get("/")
    with client.session_transaction() as before:
        assert "_user_id" not in before
        before["planted"] = "by-an-attacker"
    assert auth.login("a@example.org").status_code == 302
    with client.session_transaction() as after:
        assert "planted" not in after and after["_user_id"] == user.get_id()
    other = app.test_client()
    AuthActionsFor(other).login("a@example.org")
    assert other.get("/account/").status_code == 200
    stolen_cookie = client.get_cookie("session").value
    auth.logout()
    assert other.get("/account/").status_code == 302  # the other browser is logged out too
    replay = app.test_client()
    replay.set_cookie("session", stolen_cookie)
    assert replay.get("/account/").status_code == 302


def test_login_failure_does_not_reveal_whether_email_exists(client, auth, create_user):
    create_user(email="known@example.org")
    wrong = auth.login("known@example.org", "wrong password here")
    unknown = auth.login("unknown@example.org", "wrong password here")
    assert wrong.status_code == unknown.status_code == 401
    strip = lambda r: r.get_data(as_text=True).replace("known@example.org", "").replace(  # noqa: E731
        "unknown@example.org", "").split('name="csrf_token"')[0]
    assert strip(wrong) == strip(unknown)


def test_change_password_keeps_this_session_and_ends_others(app, client, auth, create_user):
    create_user(email="a@example.org")
    auth.login("a@example.org")
    other = app.test_client()
    AuthActionsFor(other).login("a@example.org")
    response = auth.post("/account/password", {
        "current_password": PASSWORD, "new_password": "a fresh long passphrase"},
        form_page="/account/password")
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302
    events = db.session.scalars(db.select(AuditEvent.action)).all()
    assert "user.password_changed" in events


def test_password_reset_is_single_use_and_quiet_about_unknown_emails(client, auth, create_user, mailbox):
    create_user(email="a@example.org")
    known = auth.post("/auth/reset", {"email": "a@example.org"}, form_page="/auth/reset")
    unknown = auth.post("/auth/reset", {"email": "zz@example.org"}, form_page="/auth/reset")
    assert known.get_data(as_text=True).split("<main")[1] == unknown.get_data(as_text=True).split("<main")[1]
    assert len(mailbox.messages) == 1
    link = mailbox.last_link("a@example.org")
    response = auth.post(link, {"new_password": "another long passphrase"}, form_page=link)
    assert response.status_code == 302
    assert client.get(link).status_code == 400  # used once, dead after
    auth.logout()
    assert auth.login("a@example.org", "another long passphrase").status_code == 302


def test_profile_update_changes_language_and_public_name(client, auth, create_user):
    user = create_user(email="a@example.org", display_name="王芳")
    auth.login("a@example.org")
    response = auth.post("/account/", {"display_name": "王芳", "locale": "en", "phone": "+86 138 0000 0000",
                                       "public_display": "masked"}, form_page="/account/")
    assert response.status_code == 302
    assert user.locale == "en" and user.phone == "+86 138 0000 0000"
    page = client.get("/account/").get_data(as_text=True)
    assert "王**" in page and 'lang="en"' in page


def test_profile_rejects_bad_phone_and_keeps_old_values(client, auth, create_user):
    user = create_user(email="a@example.org", display_name="王芳")
    auth.login("a@example.org")
    response = auth.post("/account/", {"display_name": "新名字", "locale": "en", "phone": "call me",
                                       "public_display": "name"}, form_page="/account/")
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.display_name == "王芳" and user.phone is None


def test_tokens_page_shows_new_token_once_and_revokes(client, auth, create_user):
    user = create_user(email="a@example.org")
    auth.login("a@example.org")
    page = auth.post("/account/tokens", {"name": "my script", "scope": "write"},
                     form_page="/account/tokens").get_data(as_text=True)
    token = user.tokens[0]
    plain = re.search(r"gh_[A-Za-z0-9_-]{30,}", page).group(0)
    assert plain.startswith(token.prefix)
    assert plain not in client.get("/account/tokens").get_data(as_text=True)
    auth.post(f"/account/tokens/{token.id}/revoke", form_page="/account/tokens")
    assert token.revoked_at is not None


def test_wrong_csrf_token_is_refused_and_writes_nothing(client):
    response = client.post("/auth/register", data={
        "display_name": "x", "email": "x@example.org", "password": PASSWORD, "locale": "en",
        "csrf_token": "forged"})
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def AuthActionsFor(client):  # noqa: N802  (reads like the fixture's class)
    from tests.conftest import AuthActions

    return AuthActions(client)
