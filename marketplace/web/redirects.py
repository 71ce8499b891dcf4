"""Where a `next` parameter may send someone: only to a path on this site, never elsewhere, never a 5xx."""
from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Response, flash, redirect, request, url_for

MAX_LENGTH = 2000


def _unsafe_char(char: str) -> bool:
    """Tell whether a character can bend a URL: backslashes, spaces and every control or format character."""
    return char == "\\" or char.isspace() or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Zs")


def _plain_path(text: str) -> bool:
    if not text.startswith("/") or text.startswith("//") or any(map(_unsafe_char, text)):
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def same_site_path(target: str | None) -> str | None:
    """Return `target` when it is a path on this site, read raw and after each decoding; else None.

    Browsers drop tabs and newlines, read a backslash as a slash and `//host` as another site, and a
    decoded `%2F%2F` can turn into one later, so each of these is refused rather than repaired.
    """
    if not isinstance(target, str) or not target or len(target) > MAX_LENGTH:
        return None
    seen = target
    for _ in range(3):  # a path decoded three times over is not one people follow by accident
        if not _plain_path(seen):
            return None
        decoded = unquote(seen)
        if decoded == seen:
            return target
        seen = decoded
    return None


def referring_path() -> str | None:
    """Return the path (and query) of the page that sent this request, when that page is on this site."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return same_site_path(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


def to_login_and_back(message) -> Response:
    """Send the visitor to log in, saying why, then back to this page (or, after a form, to the page the
    form was on: a form's own address may only take posts)."""
    flash(message, "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else referring_path()
    return redirect(url_for("auth.login", next=target))


def safe_next(default: str = "core.home") -> str:
    """Return the request's `next` target when it stays on this site, else the `default` page."""
    return same_site_path(request.args.get("next")) or url_for(default)
