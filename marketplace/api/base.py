"""The JSON API's foundation: flask-smorest, token authentication, one error shape."""
from __future__ import annotations

import functools

from flask import Flask, g, request

from config import settings
from marketplace.api.parser import Blueprint
from marketplace.auth.models import TokenScope
from marketplace.auth.service import user_for_api_token
from marketplace.auth.tokens import digest
from marketplace.platform.errors import Forbidden, Unauthenticated
from marketplace.platform.extensions import api, csrf, limiter
from marketplace.web.net import client_address

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


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


def init_api(app: Flask) -> None:
    from marketplace.api import moved
    from marketplace.api.docs import bp as docs_bp
    from marketplace.auth.api import blp as me_blp
    from marketplace.funds.api import blp as funds_blp
    from marketplace.orgs.api import blp as orgs_blp
    from marketplace.payments.api import blp as donations_blp
    from marketplace.timebank.activities.api import blp as activities_blp
    from marketplace.timebank.care.api import blp as care_blp
    from marketplace.timebank.hours.api import blp as hours_blp
    from marketplace.wishes.api import blp as wishes_blp
    from marketplace.wishes.households_api import blp as households_blp

    api.init_app(app, spec_kwargs={"components": {"securitySchemes": {
        "token": {"type": "http", "scheme": "bearer"}}}})
    for blp in (me_blp, orgs_blp, activities_blp, hours_blp, care_blp, wishes_blp, households_blp, funds_blp,
                donations_blp):
        api.register_blueprint(blp)
    app.register_blueprint(docs_bp)
    moved.init_app(app)
