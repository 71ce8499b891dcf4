"""Map failures to pages (HTML) or to the one JSON error shape (API), in both languages.

Every request carries an id (`X-Request-ID`, kept from a proxy when it is sane), sent back on the
response and written with the traceback of any unhandled error, so a user's report finds its log line.
"""
from __future__ import annotations

import logging
import math
import re
import time
import uuid

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, DisconnectionError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed, ServiceUnavailable

from marketplace.api.messages import translate_tree
from marketplace.platform.errors import DomainError, Unauthenticated
from marketplace.platform.extensions import db, limiter
from marketplace.web import too_large
from marketplace.web.redirects import to_login_and_back

HTTP_MESSAGES = {
    400: lambda: _("The request could not be understood."),
    401: lambda: _("Please log in first."),
    403: lambda: _("You do not have permission to do that."),
    404: lambda: _("We could not find that page."),
    405: lambda: _("That action is not allowed here."),
    409: lambda: _("That conflicts with the current state; reload and try again."),
    413: lambda: _("The upload is too large (at most %(n)d MB).", n=(request.max_content_length or 0) // (1024 * 1024)),
    415: lambda: _("That content type is not supported."),
    422: lambda: _("Some fields need correcting."),
    429: lambda: _("Too many attempts. Please wait a few minutes and try again."),
    500: lambda: _("Something went wrong on our side. Please try again later."),
    503: lambda: _("The site is briefly unavailable. Please try again in a minute."),
}
CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media",
         422: "invalid_input", 429: "too_many_requests", 500: "server_error",
         503: "unavailable"}
RETRY_AFTER_SECONDS = 30
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
log = logging.getLogger(__name__)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(status: int, message: str, code: str | None = None, fields: dict | None = None):
    """Return the API's one error shape."""
    return {"error": {"status": status, "code": code or CODES.get(status, "error"),
                      "message": str(message),
                      "fields": {k: [str(m) for m in v] if isinstance(v, list) else v
                                 for k, v in (fields or {}).items()}}}


def message_for(status: int) -> str:
    return HTTP_MESSAGES.get(status, HTTP_MESSAGES[400 if status < 500 else 500])()


def _page(status: int, message: str):
    template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/generic.html"
    return render_template(template, status=status, message=message), status


def retry_after_seconds() -> int:
    """Return when a refused caller may come back: when the breached rate limit's window resets, if known."""
    breached = limiter.current_limit
    if breached is not None and breached.breached:
        return max(1, math.ceil(breached.reset_at - time.time()))
    return RETRY_AFTER_SECONDS


def manners(status: int, error: Exception | None = None) -> dict[str, str]:
    """Return the headers HTTP asks of a status: when to come back (429, 503), which methods a 405's address takes."""
    headers = {}
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    elif status == 429:
        headers["Retry-After"] = str(retry_after_seconds())
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    return headers


def handle_domain_error(error: DomainError):
    headers = manners(error.status, error)
    if wants_json():
        return jsonify(error_body(error.status, error.message, error.code, error.fields)), error.status, headers
    if isinstance(error, Unauthenticated):
        return to_login_and_back(error.message)
    return *_page(error.status, str(error.message)), headers


def handle_http_error(error: HTTPException):
    status = error.code or 500
    fields = None
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs validation errors, keyed by location
        fields = {}
        for location_errors in data["messages"].values():
            translated = translate_tree(location_errors)
            fields.update(translated if isinstance(translated, dict) else {"_schema": translated})
    headers = dict(getattr(error, "headers", None) or {}) | manners(status, error)
    if wants_json():
        return jsonify(error_body(status, message_for(status), fields=fields)), status, headers
    if status == 413:  # the form comes back with the message by its file field, or a page says it
        return too_large.back_to_form() or _page(status, str(too_large.message()))
    page, status = _page(status, message_for(status))
    return page, status, headers


def handle_csrf_error(error: CSRFError):
    if wants_json():
        return jsonify(error_body(400, _("Your form expired. Please try again."), "csrf")), 400
    return _page(400, _("Your form expired or came from another site. Please try again."))


def request_id() -> str:
    """Return this request's id: a sane incoming `X-Request-ID`, else a new random one."""
    if "request_id" not in g:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    return g.request_id


def database_unavailable(error: Exception) -> bool:
    """Tell whether the error means the database cannot be reached (or is too busy) right now."""
    if isinstance(error, DisconnectionError):
        return True
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", None) or getattr(error.orig, "pgcode", None)
    if state is None:  # refused, timed out or dropped before the server answered
        return error.__class__.__name__ in ("OperationalError", "InterfaceError")
    return state.startswith("08") or state in ("57P01", "57P02", "57P03", "53300", "40001", "40P01")


def handle_unexpected(error: Exception):
    g.pop("user", None)
    _rollback_quietly()
    if database_unavailable(error):
        log.warning("Database unavailable on %s %s [request %s]: %s", request.method, request.path,
                    request_id(), error.__class__.__name__)
        return handle_http_error(ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS))
    log.error("Unhandled error on %s %s [request %s]", request.method, request.path, request_id(),
              exc_info=error)
    return handle_http_error(InternalServerError())


def _rollback_quietly() -> None:
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001  (the database may be gone; the answer must still go out)
        log.debug("rollback failed after an error", exc_info=True)


def _send_request_id(response):
    response.headers["X-Request-ID"] = request_id()
    return response


def init_app(app: Flask) -> None:
    app.after_request(_send_request_id)
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
