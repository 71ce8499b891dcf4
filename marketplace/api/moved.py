"""API addresses that moved answer 308 (method and body kept) with the new address, so old clients keep working.

Organisations moved from `/api/v1/organisations…` to `/api/v1/orgs…`, the scheme of the HTML pages.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def _to_orgs(adapter, rest: str = "") -> str:
    """Return the new address of an old organisations address, with its query string."""
    path = "/api/v1/orgs" + (f"/{quote(rest)}" if rest else "")
    query = adapter.query_args
    return f"{path}?{query}" if query else path


def init_app(app: Flask) -> None:
    app.add_url_rule("/api/v1/organisations", "moved_organisations", redirect_to=_to_orgs, methods=METHODS)
    app.add_url_rule("/api/v1/organisations/<path:rest>", "moved_organisations", redirect_to=_to_orgs,
                     methods=METHODS)
