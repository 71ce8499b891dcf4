"""Request facts that several modules need."""
from flask import request


def client_address() -> str:
    """Return the caller's address (ProxyFix sets remote_addr behind a proxy)."""
    return request.remote_addr or "unknown"
