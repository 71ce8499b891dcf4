"""Every API error body matches the one `Error` schema of the OpenAPI document, and every operation's error
responses refer to it (so clients can rely on `error.code`, `error.message` and `error.fields`)."""
from __future__ import annotations

import jsonschema
import pytest


@pytest.fixture
def spec(client):
    return client.get("/api/openapi.json").get_json()


def _error_validator(spec) -> jsonschema.Draft4Validator:
    return jsonschema.Draft4Validator({"$ref": "#/components/schemas/Error", "components": spec["components"]})


def _schema_of(spec, response: dict) -> dict:
    if "$ref" in response:
        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    return response["content"]["application/json"]["schema"]


def test_every_operation_documents_its_errors_with_the_error_schema(spec):
    operations = [(path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
                  if method in ("get", "post", "put", "patch", "delete")]
    assert len(operations) > 50
    for path, method, operation in operations:
        responses = operation["responses"]
        assert "default" not in responses, (method, path)
        errors = {status: response for status, response in responses.items() if int(status) >= 400}
        assert {"401", "429"} <= set(errors), (method, path)
        for status, response in errors.items():
            assert _schema_of(spec, response) == {"$ref": "#/components/schemas/Error"}, (method, path, status)
        assert "Retry-After" in responses["429"]["headers"]


@pytest.fixture
def caller(create_user, create_org, headers):
    """An organisation's only admin, with a read and a write token."""
    user = create_user()
    org = create_org(members={user: "admin"})
    return {"read": headers(user, "read"), "write": headers(user, "write"), "org": org.id,
            "membership": org.memberships[0].id}


CASES = {  # status: (method, path, body, token); None for the body sends none
    400: ("PATCH", "/api/v1/me", b'{"locale": ', "write"),
    401: ("GET", "/api/v1/me", None, None),
    403: ("PATCH", "/api/v1/me", {"locale": "en"}, "read"),
    404: ("GET", "/api/v1/orgs/999999", None, "read"),
    405: ("DELETE", "/api/v1/me", None, "write"),
    409: ("PATCH", "/api/v1/orgs/{org}/members/{membership}", {"role": "member"}, "write"),
    413: ("PATCH", "/api/v1/me", {"display_name": "x" * 4096}, "write"),
    422: ("PATCH", "/api/v1/me", {"locale": "fr"}, "write"),
    429: ("GET", "/api/v1/districts", None, None),
}


@pytest.mark.parametrize("status", sorted(CASES))
def test_every_error_body_matches_the_error_schema(app, client, spec, caller, status):
    app.config["MAX_CONTENT_LENGTH"] = 1024  # for 413
    app.config["API_RATE_LIMIT"] = "0 per minute"  # for 429
    method, path, body, token = CASES[status]
    if status != 429:
        app.config["API_RATE_LIMIT"] = "1000 per minute"
    kwargs = {"data": body, "content_type": "application/json"} if isinstance(body, bytes) else {"json": body}
    response = client.open(path.format(**caller), method=method, headers=caller[token] if token else {}, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    _error_validator(spec).validate(response.get_json())
    if status != 405:  # a method the address does not take is no operation of the document
        documented = spec["paths"][path.replace("{org}", "{org_id}").replace("{membership}", "{membership_id}")
                                   .replace("999999", "{org_id}")][method.lower()]["responses"]
        assert str(status) in documented


def test_an_error_that_is_not_the_one_shape_fails_the_schema(spec):
    """The schema is strict: flask-smorest's own shape, or a missing part, does not pass."""
    validator = _error_validator(spec)
    assert not validator.is_valid({"code": 404, "status": "Not Found", "message": "Not Found"})
    assert not validator.is_valid({"error": {"status": 404, "code": "not_found", "message": "x"}})
    assert validator.is_valid({"error": {"status": 404, "code": "not_found", "message": "x", "fields": {}}})
