"""Map failures to pages (HTML) or to the one JSON error shape (API), in both languages."""
from __future__ import annotations

from flask import Flask, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from marketplace.api.messages import translate_tree
from marketplace.errors import DomainError, Unauthenticated

HTTP_MESSAGES = {
    400: lambda: _("The request could not be understood."),
    401: lambda: _("Please log in first."),
    403: lambda: _("You do not have permission to do that."),
    404: lambda: _("We could not find that page."),
    405: lambda: _("That action is not allowed here."),
    409: lambda: _("That conflicts with the current state; reload and try again."),
    413: lambda: _("The upload is too large."),
    415: lambda: _("That content type is not supported."),
    422: lambda: _("Some fields need correcting."),
    429: lambda: _("Too many attempts. Please wait a few minutes and try again."),
    500: lambda: _("Something went wrong on our side. Please try again later."),
}
CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media",
         422: "invalid_input", 429: "too_many_requests", 500: "server_error"}


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


def handle_domain_error(error: DomainError):
    if wants_json():
        return jsonify(error_body(error.status, error.message, error.code, error.fields)), error.status
    if isinstance(error, Unauthenticated):
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return _page(error.status, str(error.message))


def handle_http_error(error: HTTPException):
    status = error.code or 500
    fields = None
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs validation errors, keyed by location
        fields = {}
        for location_errors in data["messages"].values():
            translated = translate_tree(location_errors)
            fields.update(translated if isinstance(translated, dict) else {"_schema": translated})
    if wants_json():
        response = jsonify(error_body(status, message_for(status), fields=fields))
        return response, status, getattr(error, "headers", None) or {}
    return _page(status, message_for(status))


def handle_csrf_error(error: CSRFError):
    if wants_json():
        return jsonify(error_body(400, _("Your form expired. Please try again."), "csrf")), 400
    return _page(400, _("Your form expired or came from another site. Please try again."))


def handle_unexpected(error: Exception):
    g.pop("user", None)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
