"""The site's public address (`SITE_URL`): its shape, and its value in development, where it follows HOST and PORT
so that `HOST=… PORT=… ./scripts/run.sh` prints and mails links to the address the server really listens on."""
from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


def development_site_url(host: str, port: int) -> str:
    """Return the address of a development server listening on `host`:`port`.

    A server listening on every address (0.0.0.0, ::) is reached at this machine's own address.
    """
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return f"http://{host or '127.0.0.1'}:{port}"  # a host name
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"http://{address}:{port}" if address.version == 4 else f"http://[{address}]:{port}"


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
