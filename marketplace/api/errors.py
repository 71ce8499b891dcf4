"""The API's one error shape as an OpenAPI component, and the error answers every operation documents with it.

The bodies themselves are built in one place, `marketplace.web.errors.error_body`; `ErrorSchema` describes
exactly that shape, and `ErrorResponses` lists on each operation the statuses it can answer with, each
referring to the one `Error` component.
"""
from __future__ import annotations

from apispec import BasePlugin
from marshmallow import Schema, fields

SCHEMA_NAME = "Error"
WRITES = {"post", "put", "patch", "delete"}
DESCRIPTIONS = {
    400: "The body is not valid JSON, or the request holds text that cannot be stored (such as NUL).",
    401: "No valid bearer token (a token sent must be valid, even where none is needed).",
    403: "The token may not do this: a read-only token for a change, or a caller without the role.",
    404: "No such object, or one the caller may not see (both answer alike).",
    409: "It conflicts with the current state (already claimed, not enough saved, a rule of the workflow).",
    413: "The body is too large.",
    422: "Some fields need correcting; `fields` names each one.",
    429: "Too many calls; `Retry-After` says how many seconds to wait.",
    503: "Briefly unavailable; `Retry-After` says how many seconds to wait.",
}
RETRY_AFTER = {"description": "seconds to wait before trying again", "schema": {"type": "integer", "minimum": 0}}


class ErrorDetailSchema(Schema):
    status = fields.Integer(required=True, metadata={"description": "the HTTP status, repeated"})
    code = fields.String(required=True, metadata={
        "description": "a stable code for programs: invalid_input, not_found, conflict, insufficient_balance, …"})
    message = fields.String(required=True, metadata={"description": "what went wrong, in the caller's language"})
    fields = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True, metadata={
        "description": "messages by field name (a list of messages, or for a nested field the same mapping "
                       "again); `_schema` for the body as a whole; empty when no field is at fault"})


class ErrorSchema(Schema):
    """Every failure of the API answers in this shape, in the caller's language."""

    error = fields.Nested(ErrorDetailSchema, required=True)


def error_statuses(path: str, method: str, operation: dict) -> list[int]:
    """Return the error statuses an operation can answer with."""
    # everywhere: text no database stores (400), a bad token (401), the rate limit (429), a database away (503)
    statuses = [400, 401, 429, 503]
    if operation.get("security") and {} not in operation["security"]:
        statuses.append(403)
    if "{" in path or (method in WRITES and "requestBody" in operation):  # a body may name a fund, wish or pledge
        statuses.append(404)
    if "requestBody" in operation:
        statuses.append(413)
    if method in WRITES:
        statuses += [409, 422]
    if any(parameter.get("in") == "query" for parameter in operation.get("parameters", [])):
        statuses.append(422)
    return sorted(set(statuses))


def error_response(status: int) -> dict:
    """Return the documentation of one error answer, in the one error shape."""
    response = {"description": DESCRIPTIONS[status], "content": {"application/json": {"schema": SCHEMA_NAME}}}
    if status in (429, 503):
        response["headers"] = {"Retry-After": RETRY_AFTER}
    return response


class ErrorResponses(BasePlugin):
    """An apispec plugin documenting on every operation its error answers, all referring to `Error`."""

    def operation_helper(self, path=None, operations=None, **kwargs) -> None:
        for method, operation in (operations or {}).items():
            responses = operation.setdefault("responses", {})
            for status in error_statuses(path or "", method, operation):
                if status not in responses and str(status) not in responses:
                    responses[str(status)] = error_response(status)
