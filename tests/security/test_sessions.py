"""Log-in sessions: Flask-Login with strong protection, remember-me only when chosen, a fresh log-in
before money and password steps, every session ended by logging out or a new password."""
from marketplace.platform.extensions import db
from tests.conftest import PASSWORD, AuthActions

REMEMBER = "remember_token"


def test_a_log_in_lasts_the_browser_session_unless_remember_me_is_chosen(client, auth, create_user):
    create_user(email="a@example.org")
    auth.login("a@example.org")
    assert client.get_cookie(REMEMBER) is None
    assert client.get_cookie("session").expires is None  # gone when the browser closes
    auth.logout()
    auth.login("a@example.org", remember=True)
    assert client.get_cookie(REMEMBER).expires is not None


def test_a_remembered_browser_comes_back_but_must_give_the_password_before_money_or_password_steps(
        app, client, auth, create_user, create_org):
    user = create_user(email="a@example.org")
    org = create_org("charity", {user: "admin"})
    auth.login("a@example.org", remember=True)
    later = app.test_client()  # the browser was closed: only the remember-me cookie is left
    later.set_cookie(REMEMBER, client.get_cookie(REMEMBER).value)
    assert later.get("/account/").status_code == 200
    for page in ("/account/password", "/account/tokens", f"/payments/orgs/{org.id}/offline"):
        response = later.get(page)
        assert response.status_code == 302 and "/auth/login?next=" in response.location, page
    page = later.get("/auth/login").get_data(as_text=True)
    assert "enter your password again" in page
    assert AuthActions(later).login("a@example.org", path="/auth/login?next=/account/password").location \
        == "/account/password"
    assert later.get("/account/password").status_code == 200


def test_a_form_sent_from_a_remembered_browser_returns_to_its_page_after_the_password(app, client, auth,
                                                                                      create_user):
    create_user(email="a@example.org")
    auth.login("a@example.org", remember=True)
    later = app.test_client()
    later.set_cookie(REMEMBER, client.get_cookie(REMEMBER).value)
    csrf = AuthActions(later).csrf("/account/")
    response = later.post("/account/password", data={"csrf_token": csrf},
                          headers={"Referer": "http://localhost/account/password"})
    assert response.status_code == 302 and response.location.endswith("next=/account/password")


def test_a_remembered_phone_that_changes_network_stays_logged_in_but_gives_its_password_for_money(
        app, create_user, create_org):
    user = create_user(email="a@example.org")
    org = create_org("charity", {user: "admin"})
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = "192.0.2.10"  # on wifi
    assert AuthActions(phone).login("a@example.org", remember=True).status_code == 302
    phone.environ_base["REMOTE_ADDR"] = "198.51.100.20"  # now on the mobile network
    assert phone.get("/account/").status_code == 200
    assert phone.get_cookie(REMEMBER) is not None
    response = phone.get(f"/payments/orgs/{org.id}/offline")
    assert response.status_code == 302 and "/auth/login?next=" in response.location


def test_a_session_cookie_taken_to_another_browser_is_refused(app, client, auth, create_user):
    create_user(email="a@example.org")
    auth.login("a@example.org")
    assert client.get("/account/").status_code == 200
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    response = thief.get("/account/", headers={"User-Agent": "another browser"})
    assert response.status_code == 302 and "/auth/login" in response.location


def test_a_new_password_ends_remembered_browsers_too(app, client, auth, create_user):
    user = create_user(email="a@example.org")
    other = app.test_client()
    AuthActions(other).login("a@example.org", remember=True)
    kept = other.get_cookie(REMEMBER).value
    auth.login("a@example.org")
    response = auth.post("/account/password", {"current_password": PASSWORD,
                                               "new_password": "a fresh long passphrase"},
                         form_page="/account/password")
    assert response.status_code == 302
    db.session.refresh(user)
    returning = app.test_client()
    returning.set_cookie(REMEMBER, kept)
    assert returning.get("/account/").status_code == 302
    assert client.get("/account/").status_code == 200  # this browser stays logged in
