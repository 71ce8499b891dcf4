"""API helpers: tokens, bearer headers and the one JSON error shape."""
from __future__ import annotations

import pytest

from marketplace.auth.service import create_api_token

ERROR_KEYS = {"status", "code", "message", "fields"}


@pytest.fixture
def create_token(app):
    """Make a personal API token: create_token(user, scope="read") -> the plain token."""

    def make(user, scope="read"):
        return create_api_token(user, "test", scope)[1]

    return make


def bearer(plain: str) -> dict:
    return {"Authorization": f"Bearer {plain}"}


def api_error(response, status: int) -> dict:
    """Return the error of a response, checking it has the status and the one error shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS, body
    error = body["error"]
    assert error["status"] == status and error["code"] and error["message"]
    assert isinstance(error["fields"], dict)
    return error
