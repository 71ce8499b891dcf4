"""Larger text: a visitor's choice lasts for the browser, a user's is kept on the account."""
import re

from marketplace.platform.extensions import db
from tests.conftest import AuthActions


def _root(client, path="/"):
    page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    return re.search(r"<html[^>]*>", page).group(0)


def test_a_visitor_switches_to_larger_text_and_back(client, auth):
    assert "large-text" not in _root(client)
    answer = auth.post("/text-size?next=/wishes/", {"size": "large"})
    assert answer.status_code == 302 and answer.location.endswith("/wishes/")
    assert 'class="large-text"' in _root(client, "/wishes/")
    page = client.get("/").get_data(as_text=True)
    assert 'name="size" value="normal"' in page  # the header now offers the way back
    auth.post("/text-size", {"size": "normal"})
    assert "large-text" not in _root(client)


def test_a_users_choice_follows_them_to_another_browser(app, client, auth, create_user):
    user = create_user(email="gran@example.org")
    auth.login(user.email)
    auth.post("/text-size", {"size": "large"})
    db.session.refresh(user)
    assert user.is_large_text
    other = app.test_client()
    AuthActions(other).login(user.email)
    assert 'class="large-text"' in _root(other, "/account/")


def test_an_unknown_size_changes_nothing(client, auth, create_user):
    user = create_user()
    auth.login(user.email)
    assert auth.post("/text-size", {"size": "huge"}).status_code == 302
    db.session.refresh(user)
    assert not user.is_large_text and "large-text" not in _root(client)
