"""Private pages are never kept by a browser's back button, a shared computer or a proxy: every answer
to a logged-in user (and to an API token) says `Cache-Control: no-store`, while public pages stay cacheable.
Every route and role is also checked by the access matrix (tests/test_access_policy.py)."""
import pytest

from tests.conftest import AuthActions

PRIVATE = [
    "/account/", "/account/password", "/account/tokens", "/timebank/my", "/timebank/give", "/timebank/care",
    "/timebank/certificates", "/timebank/hour-reports/new", "/payments/my", "/payments/attention", "/wishes/my",
    "/wishes/board", "/wishes/board.csv", "/wishes/orgs/{org}/households", "/wishes/orgs/{org}/households/new",
    "/wishes/orgs/{org}/listings", "/admin/", "/orgs/{org}/members", "/payments/orgs/{org}/offline",
    "/reconciliation/orgs/{org}/", "/reconciliation/orgs/{org}/unmatched", "/reconciliation/orgs/{org}/report",
    "/reconciliation/platform/", "/timebank/orgs/{org}/hour-reports", "/funds/orgs/{org}",
    "/", "/wishes/", "/transparency/",  # public pages too, when someone is logged in (they show who)
]


@pytest.fixture
def admin_client(app, create_user, create_org):
    admin = create_user(email="admin@example.org", admin=True)
    org = create_org("charity", {admin: "admin"})
    client = app.test_client()
    assert AuthActions(client).login("admin@example.org").status_code == 302
    return client, org


@pytest.mark.parametrize("page", PRIVATE)
def test_every_page_a_logged_in_person_sees_is_no_store(admin_client, page):
    client, org = admin_client
    response = client.get(page.format(org=org.id))
    assert response.status_code == 200, page
    assert response.headers["Cache-Control"] == "no-store"


def test_api_answers_to_a_token_are_no_store(client, create_user, headers):
    response = client.get("/api/v1/me", headers=headers(create_user()))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_public_pages_for_visitors_are_not_marked_private(client):
    for page in ("/", "/wishes/", "/transparency/"):
        assert "no-store" not in client.get(page).headers.get("Cache-Control", ""), page
