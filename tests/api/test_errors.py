"""Every API failure answers in the one JSON error shape, in the caller's language."""
import pytest

from tests.api.conftest import ERROR_KEYS, api_error, bearer


@pytest.fixture
def caller(create_user, create_org, create_token):
    """An organisation's only admin with a read and a write token."""
    user = create_user(locale="en")
    org = create_org(members={user: "admin"})
    return {"read": create_token(user, "read"), "write": create_token(user, "write"),
            "org": org.id, "membership": org.memberships[0].id}


CASES = {  # name: (method, path, body, token, status, code)
    "invalid JSON": ("PATCH", "/api/v1/me", b'{"locale": ', "write", 400, "bad_request"),
    "no token": ("GET", "/api/v1/me", None, None, 401, "unauthenticated"),
    "read token writes": ("PATCH", "/api/v1/me", {"locale": "en"}, "read", 403, "forbidden"),
    "missing object": ("GET", "/api/v1/orgs/999999", None, "read", 404, "not_found"),
    "last admin demoted": ("PATCH", "/api/v1/orgs/{org}/members/{membership}", {"role": "member"},
                           "write", 409, "conflict"),
    "bad field": ("PATCH", "/api/v1/me", {"locale": "fr"}, "write", 422, "invalid_input"),
    "wrong method": ("DELETE", "/api/v1/me", None, "write", 405, "method_not_allowed"),
    "wrong method on a collection": ("PUT", "/api/v1/orgs", {}, "write", 405, "method_not_allowed"),
    "unknown path": ("GET", "/api/v1/no/such/thing", None, "read", 404, "not_found"),
    "unknown path, anonymous": ("GET", "/api/v1/no/such/thing", None, None, 404, "not_found"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_failure_has_the_one_error_shape(client, caller, case):
    method, path, body, token, status, code = CASES[case]
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, bytes) else {"json": body}
    response = client.open(path.format(**caller), method=method,
                           headers=bearer(caller[token]) if token else {}, **kwargs)
    error = api_error(response, status)
    assert error["code"] == code
    assert set(error) == ERROR_KEYS


def test_field_errors_name_the_field(client, caller):
    response = client.patch("/api/v1/me", data=b"[1, 2]", content_type="application/json",
                            headers=bearer(caller["write"]))
    assert api_error(response, 422)["fields"] == {"_schema": ["Send a JSON object."]}
    response = client.patch("/api/v1/me", data=b"{oops", content_type="application/json",
                            headers=bearer(caller["write"]))
    assert api_error(response, 400)["fields"] == {"_schema": ["The body is not valid JSON."]}


@pytest.mark.parametrize("lang,message", [("en", "We could not find that page."), ("zh-CN", "找不到这个页面。")])
def test_errors_speak_the_callers_language(client, lang, message):
    response = client.get("/api/v1/orgs/999999", headers={"Accept-Language": lang})
    assert api_error(response, 404)["message"] == message
