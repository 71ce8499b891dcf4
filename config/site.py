"""The site's public address (`SITE_URL`): its shape, and its value in development, where it follows HOST and PORT
so that `HOST=… PORT=… ./scripts/run.sh` prints and mails links to the address the server really listens on."""
from __future__ import annotations

from urllib.parse import urlsplit

# addresses a server listens on that no browser can open: links point at this machine instead (nothing binds here)
ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # nosec B104


def development_site_url(host: str, port: int) -> str:
    """Return the address of a development server listening on `host`:`port`."""
    host = ANY_ADDRESS.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # an IPv6 address
    return f"http://{host}:{port}"


def site_url_problem(url: str, *, production: bool) -> str | None:
    """Say what is wrong with a SITE_URL, if anything: it must be a plain http(s) address (https in production)."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username or parts.password:
        return f"SITE_URL must be the site's address, like https://goodhours.example.org, not {url!r}"
    if production and parts.scheme != "https":
        return f"SITE_URL must start with https:// in production (cookies are Secure, HSTS is sent), not {url!r}"
    return None
