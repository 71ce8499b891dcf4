"""Security headers with a per-request CSP nonce; no inline script runs without it.

A page that caches may share (`http_cache.public_cache`) gets the same policy without a nonce: one stored
copy is shown to many people, so it holds no inline script and loads its scripts from the site itself.
"""
from __future__ import annotations

import secrets

from flask import Flask, g

from config import Settings


def csp_nonce() -> str:
    """Return this request's nonce for <script nonce=...>."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def _set_headers(response):
    scripts = "'self'" if g.get("public_cache") else f"'self' 'nonce-{csp_nonce()}'"
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src {scripts}; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "geolocation=(), microphone=(), camera=(self)"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    return response


def _set_hsts(response):
    response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def init_app(app: Flask) -> None:
    app.after_request(_set_headers)
    if Settings(app.config).ENV_NAME == "production":
        app.after_request(_set_hsts)
    app.jinja_env.globals["csp_nonce"] = csp_nonce

