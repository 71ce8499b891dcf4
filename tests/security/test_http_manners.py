"""HTTP manners: a 429 says when to come back (Retry-After), a 405 names the methods the address takes
(Allow), on pages and in the API alike; an id past the range of ids is a missing address, not a wrong method."""
from __future__ import annotations

import pytest


def _retry_after(response) -> int:
    """Return the seconds a 429 asks to wait; never early, so up to the window and its rounding second."""
    assert response.status_code == 429
    return int(response.headers["Retry-After"])


def test_api_rate_limit_says_when_to_come_back(app, client):
    app.config["API_RATE_LIMIT"] = "2 per minute"
    assert [client.get("/api/v1/districts").status_code for _ in range(2)] == [200, 200]
    refused = client.get("/api/v1/districts")
    assert 1 <= _retry_after(refused) <= 61
    assert refused.get_json()["error"]["code"] == "too_many_requests"


@pytest.mark.own_app
def test_page_rate_limit_says_when_to_come_back(app, client):
    from marketplace.platform.extensions import limiter

    @app.get("/limited-for-test")
    @limiter.limit("1 per hour")
    def limited():
        return "ok"

    assert client.get("/limited-for-test").status_code == 200
    refused = client.get("/limited-for-test")
    assert refused.mimetype == "text/html"
    assert 60 < _retry_after(refused) <= 3601


def _allowed(response) -> set[str]:
    assert response.status_code == 405
    return {method.strip() for method in response.headers["Allow"].split(",")}


def test_api_wrong_method_names_the_allowed_ones(client, create_user, headers):
    response = client.delete("/api/v1/me", headers=headers(create_user()))
    assert _allowed(response) >= {"GET", "PATCH"} and "DELETE" not in _allowed(response)
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    assert _allowed(client.put("/api/v1/orgs", json={})) >= {"GET", "POST"}


def test_page_wrong_method_names_the_allowed_ones(client):
    response = client.delete("/")
    assert "GET" in _allowed(response) and "DELETE" not in _allowed(response)
    assert response.mimetype == "text/html"


@pytest.mark.parametrize("method,path", [
    ("PATCH", "/api/v1/orgs/2147483648"),  # one past the largest id; GET takes the same address
    ("PATCH", "/api/v1/orgs/136542538756756304"),
    ("DELETE", "/api/v1/activities/99999999999/signup"),  # POST takes the same address
])
def test_an_id_out_of_range_is_not_found_not_a_wrong_method(client, create_user, headers, method, path):
    response = client.open(path, method=method, json={}, headers=headers(create_user()))
    assert response.status_code == 404 and "Allow" not in response.headers
    assert response.get_json()["error"]["code"] == "not_found"


def test_ids_in_range_still_reach_their_routes(client, create_user, headers):
    assert client.get("/api/v1/orgs/2147483647").status_code == 404  # the largest id: routed, then not found
    assert _allowed(client.get("/api/v1/activities/2147483647/signup", headers=headers(create_user()))) >= {"POST"}
