"""The JSON API's foundation: flask-smorest in the one error shape, token authentication, rate limits.

Binding it to the app, with every domain's blueprint, is `api/setup.py`."""
from __future__ import annotations

import functools

from flask import g, request
from flask_smorest import Api

from config import settings
from marketplace.api.errors import ErrorSchema
from marketplace.api.parser import Blueprint
from marketplace.auth.models import TokenScope
from marketplace.auth.service import user_for_api_token
from marketplace.auth.tokens import digest
from marketplace.platform.errors import Forbidden, Unauthenticated
from marketplace.platform.extensions import csrf, limiter
from marketplace.web.errors import handle_http_error
from marketplace.web.net import client_address

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
TOKEN = [{"token": []}]  # the OpenAPI security of a handler that takes a bearer token


class GoodhoursApi(Api):
    """flask-smorest answering failures in the project's one error shape, and documenting them in it.

    Each operation lists its own error statuses (`api/errors.py`), so no catch-all `default` response.
    """

    ERROR_SCHEMA = ErrorSchema
    DEFAULT_ERROR_RESPONSE_NAME = None

    def handle_http_exception(self, error):
        return handle_http_error(error)


api = GoodhoursApi()


def load_api_user() -> None:
    """Authenticate an API call by bearer token; a browser session may only read."""
    g.api_scope = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, plain = header.partition(" ")
        found = user_for_api_token(plain.strip()) if scheme.lower() == "bearer" else None
        if found is None:
            g.user = None
            raise Unauthenticated()
        g.user, token = found
        g.api_scope = token.scope
    elif g.get("user") is not None and request.method in SAFE_METHODS:
        g.api_scope = TokenScope.READ.value
    else:
        g.user = None


def auth_required(write: bool = False):
    """Require an authenticated caller, with a read-write token for changes."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            if g.get("user") is None:
                raise Unauthenticated()
            if write and g.api_scope != TokenScope.WRITE.value:
                raise Forbidden()
            return view(*args, **kwargs)

        return wrapped

    return decorator


def _rate_key() -> str:
    """Count API calls per token when one is sent, else per address."""
    header = request.headers.get("Authorization", "")
    return "api-token:" + digest(header) if header else "api-address:" + client_address()


def api_blueprint(name: str, import_name: str, **options) -> Blueprint:
    """Return an API blueprint: token-authenticated (so exempt from CSRF) and rate-limited."""
    blp = Blueprint(name, import_name, **options)
    blp.before_request(load_api_user)
    csrf.exempt(blp)
    limiter.limit(lambda: settings.API_RATE_LIMIT, key_func=_rate_key)(blp)
    return blp


def token_route(blp: Blueprint, rule: str, *, methods: tuple[str, ...] = ("GET",), body=None, query=None,
                response=None, code: int = 200, inner=()):
    """Declare a token-authenticated API handler in one line: its address, the token in the docs, the caller check
    (a read-write token for any method that changes things), its body or query arguments and its reply.

    `inner` decorators wrap the handler between reading its arguments and checking the caller.
    """
    write = any(method not in SAFE_METHODS for method in methods)

    def decorator(view):
        view = blp.response(code, response)(view) if response is not None else blp.response(code)(view)
        if query is not None:
            view = blp.arguments(query, location="query")(view)
        if body is not None:
            view = blp.arguments(body)(view)
        for wrap in inner:
            view = wrap(view)
        view = auth_required(write=write)(view)
        view = blp.doc(security=TOKEN)(view)
        return (blp.route(rule) if methods == ("GET",) else blp.route(rule, methods=list(methods)))(view)

    return decorator
