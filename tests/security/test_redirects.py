"""`next=` sends people only to a path on this site, on log-in and on the language switch, and never fails."""
from urllib.parse import quote, urlsplit

import pytest

from tests.conftest import AuthActions

HOSTILE = [
    "/\t/evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "https://evil.example/",
    "http:evil.example", "javascript:alert(1)", "/%2F/evil.example", "/%252F%252Fevil.example",
    "/%5Cevil.example", "/\r\nSet-Cookie: x=1", "/\nLocation: //evil.example", "/ /evil.example",
    "/\u3000/evil.example", "/\u200b/evil.example", "", "evil.example", "/" + "a" * 3000,
]


def _stays_home(response):
    assert response.status_code in (302, 303), response.status_code
    target = urlsplit(response.location)
    assert target.netloc in ("", "localhost") and target.path == "/", response.location


@pytest.mark.parametrize("target", HOSTILE, ids=range(len(HOSTILE)))
def test_login_sends_hostile_next_targets_home(client, create_user, target):
    create_user(email="a@example.org")
    _stays_home(AuthActions(client).login("a@example.org", path="/auth/login?next=" + quote(target, safe="")))


@pytest.mark.parametrize("target", HOSTILE, ids=range(len(HOSTILE)))
def test_the_language_switch_sends_hostile_next_targets_home(client, auth, target):
    _stays_home(auth.post("/language?next=" + quote(target, safe=""), {"locale": "en"}))


def test_a_same_site_path_is_followed_with_its_query(client, auth, create_user):
    create_user(email="a@example.org")
    target = "/wishes/?district=1&page=2"
    assert AuthActions(client).login("a@example.org", path="/auth/login?next=" + quote(target, safe="")).location \
        == target
    assert auth.post("/language?next=" + quote("/transparency/", safe=""), {"locale": "en"}).location \
        == "/transparency/"


def test_a_page_that_needs_a_log_in_returns_there_afterwards(client, create_user):
    create_user(email="a@example.org")
    response = client.get("/account/tokens?x=1")
    assert response.status_code == 302 and response.location == "/auth/login?next=/account/tokens?x%3D1"
    assert AuthActions(client).login("a@example.org", path=response.location).location == "/account/tokens?x=1"
