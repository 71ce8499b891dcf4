"""Absolute links — in emails, QR codes, certificates, receipts, the API and checkout addresses — built from
the configured `SITE_URL`, never from a request's `Host` or `X-Forwarded-Host`, which a client can forge
to have the victim mailed a link to the attacker's site.

Relative links (`url_for` without `_external`) stay as they are: a browser resolves them against the
page it is on.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app

from config import settings


def site_url(endpoint: str, **values) -> str:
    """Return the absolute address of `endpoint` on this site, in a request or not (a job, the CLI)."""
    scheme, host, root = _site()
    adapter = current_app.url_map.bind(host, script_name=root or "/", url_scheme=scheme)
    current_app.inject_url_defaults(endpoint, values)
    anchor = values.pop("_anchor", None)
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{anchor}" if anchor else url


def site_address(path: str) -> str:
    """Return the absolute address of a path on this site (e.g. a request's own `full_path`)."""
    scheme, host, root = _site()
    return f"{scheme}://{host}{root}/{path.lstrip('/')}".rstrip("?")


def _site() -> tuple[str, str, str]:
    """Split SITE_URL (checked at startup: http or https, a host, no query) into scheme, host and root path."""
    parts = urlsplit(settings.SITE_URL)
    return parts.scheme, parts.netloc, parts.path.rstrip("/")
