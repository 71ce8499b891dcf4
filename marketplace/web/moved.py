"""Addresses that moved answer 308 (method and body kept) with the new address, so bookmarks and old
API clients keep working.

- Organisations in the API moved from `/api/v1/organisations…` to `/api/v1/orgs…`, the scheme of the pages.
- Hours served offline are hour reports, no longer "claims" (a claim is a donor's promise to fulfil a wish):
  `…/claims…` of the time bank became `…/hour-reports…`, on the pages and in the API.
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Flask

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
MOVED = {  # old rule: new address, with the old rule's variables in braces
    "/api/v1/organisations": "/api/v1/orgs",
    "/api/v1/organisations/<path:rest>": "/api/v1/orgs/{rest}",
    "/api/v1/me/claims": "/api/v1/me/hour-reports",
    "/api/v1/orgs/<int:org_id>/claims": "/api/v1/orgs/{org_id}/hour-reports",
    "/api/v1/claims/<path:rest>": "/api/v1/hour-reports/{rest}",
    "/timebank/claims/<path:rest>": "/timebank/hour-reports/{rest}",
    "/timebank/orgs/<int:org_id>/claims": "/timebank/orgs/{org_id}/hour-reports",
}


def _redirect(new: str):
    def to(adapter, **values) -> str:
        path = new.format(**{name: quote(str(value)) for name, value in values.items()})
        query = adapter.query_args
        return f"{path}?{query}" if query else path
    return to


def init_app(app: Flask) -> None:
    for number, (old, new) in enumerate(MOVED.items()):
        app.add_url_rule(old, f"moved_{number}", redirect_to=_redirect(new), methods=METHODS)
