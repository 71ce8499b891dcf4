"""Public pages that browsers and shared caches may keep: ETag, Last-Modified, `Cache-Control: public` and 304.

A view opts in with `@public_cache(version)`. Only an anonymous GET or HEAD with no message waiting to be
shown qualifies; everyone else gets the page as before (a logged-in visitor's answers are `no-store`,
see `marketplace.auth.session`). `version(**view_args)` is asked first: a few small queries (the newest
ledger line of a fund, the time its cached figures were computed), never the page itself. The ETag hashes
that version with the page's address, language, text size and the site's code, so when the figures change
(a gift, a payment, a recomputation) the next conditional request gets the new page; when it matches, the
answer is 304 without rendering; when it does not (a new visitor), the page rendered for that ETag is served
from the figures' cache when an earlier visitor had it rendered. A view without `version` is rendered and its
body hashed: the 304 then saves only the transfer.

A cacheable answer carries nothing personal: no CSRF token (the base template shows none to anonymous
visitors), no Set-Cookie (an answer that would set one is sent `private` instead), and a CSP without a
nonce (`security.py`), so one stored copy may be shown to anyone.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache, wraps
from pathlib import Path

from flask import Flask, Response, g, make_response, request, session

from config import settings
from marketplace.platform.i18n import current_locale
from marketplace.transparency import cache as figures_cache

ROOT = Path(__file__).resolve().parent.parent.parent
PAGE_PREFIX = "page:"  # rendered public pages kept under their ETag


@dataclass(frozen=True)
class Version:
    """What a page's content depends on (`key`) and when that last changed (`modified`, if known)."""

    key: tuple
    modified: datetime | None = None


def public_cache(version: Callable[..., Version] | None = None):
    """Decorate a public view so anonymous visitors' answers are cacheable and revalidated by ETag."""
    def decorate(view):
        @wraps(view)
        def wrapper(**view_args):
            ttl = max(0, settings.PUBLIC_CACHE_SECONDS)
            if ttl == 0 or not is_anonymous_read():
                return view(**view_args)
            g.public_cache = True  # security.py: no nonce in this page's CSP
            if version is None:
                return _by_body(make_response(view(**view_args)), ttl)
            found = version(**view_args)
            etag = _etag(found.key)
            modified = _second(found.modified)
            if _fresh(etag, modified):
                return _mark(_not_modified(), etag, modified, ttl)
            return _mark(_rendered(etag, ttl, lambda: make_response(view(**view_args))), etag, modified, ttl)
        return wrapper
    return decorate


def is_anonymous_read() -> bool:
    """Whether this request may get a shared answer: GET or HEAD, nobody logged in, no flashed message pending."""
    return (request.method in ("GET", "HEAD") and g.get("user") is None and not g.get("signed_in")
            and "_user_id" not in session and not session.get("_flashes"))


def _etag(key: tuple) -> str:
    # an anonymous visitor's text size is the one in their session (core.views.large_text)
    parts = (request.endpoint, sorted((request.view_args or {}).items()), request.query_string.decode("latin-1"),
             current_locale(), session.get("text_size"), key, code_version())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _second(moment: datetime | None) -> datetime | None:
    """HTTP dates have whole seconds."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).replace(microsecond=0)


def _fresh(etag: str, modified: datetime | None) -> bool:
    """Whether the visitor's copy is current: If-None-Match decides when sent (compared weakly, as RFC 9110 asks:
    nginx's gzip turns the ETag weak), else If-Modified-Since."""
    if request.if_none_match:
        return request.if_none_match.contains_weak(etag)
    since = request.if_modified_since
    return modified is not None and since is not None and modified <= since


def _rendered(etag: str, ttl: int, render: Callable[[], Response]) -> Response:
    """The page for `etag`: as rendered for an earlier visitor when kept (the ETag names everything the page
    depends on, so a kept page is the same page), else rendered now and kept for `ttl` seconds, shared by every
    worker and host through the figures' cache (Redis). A page that wrote the session is not kept."""
    kept = figures_cache.read(PAGE_PREFIX + etag)
    if kept is not None:
        mimetype, _, body = kept.partition("\n")
        return Response(body, mimetype=mimetype)
    response = render()
    if response.status_code == 200 and not response.is_streamed and not session.modified \
            and "Set-Cookie" not in response.headers:
        figures_cache.write(PAGE_PREFIX + etag, f"{response.mimetype}\n{response.get_data(as_text=True)}", ttl)
    return response


def _by_body(response: Response, ttl: int) -> Response:
    if response.status_code != 200 or response.is_streamed:
        return response
    etag = hashlib.sha256(response.get_data()).hexdigest()[:32]
    if request.if_none_match.contains_weak(etag):
        return _mark(_not_modified(), etag, None, ttl)
    return _mark(response, etag, None, ttl)


def _not_modified() -> Response:
    """A 304 with no body and no Content-Type (a cache would otherwise apply it to the stored page)."""
    response = Response(status=304)
    response.headers.pop("Content-Type", None)
    return response


def _mark(response: Response, etag: str, modified: datetime | None, ttl: int) -> Response:
    if response.status_code not in (200, 304):
        return response
    response.set_etag(etag)
    if modified is not None:
        response.last_modified = modified
    response.headers["Cache-Control"] = f"public, max-age={ttl}"
    response.vary.update(("Accept-Language", "Cookie"))
    g.public_cache_response = response
    return response


def _keep_private_if_personal(response: Response) -> Response:
    """An answer that sets a cookie or writes the session is this visitor's own: never let a cache share it."""
    if g.get("public_cache_response") is response and (session.modified or "Set-Cookie" in response.headers):
        response.headers["Cache-Control"] = "private, no-cache"
    return response


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code, templates and catalogs this process renders with: a new release, new ETags."""
    digest = hashlib.sha256()
    for folder, pattern in (("marketplace", "*.py"), ("templates", "*.html"), ("marketplace", "*.mo")):
        for path in sorted((ROOT / folder).rglob(pattern)):
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def init_app(app: Flask) -> None:
    app.after_request(_keep_private_if_personal)
