"""A short-lived cache of computed public figures (numbers, never rendered HTML, so no language leaks).

Figures live for TRANSPARENCY_CACHE_SECONDS (default 300; 0 turns the cache off). With REDIS_URL
they are shared by every worker through Redis; without it (one process on a laptop) they stay in
this process. A cache that cannot be reached is skipped: the figures are computed afresh.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from config import settings
from marketplace.platform.timeutil import now_utc

log = logging.getLogger(__name__)
PREFIX = "goodhours:transparency:"
_memory: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()
_clients: dict[str, Any] = {}
_refreshing: ContextVar[bool] = ContextVar("transparency_refreshing", default=False)


def seconds() -> int:
    """Return how long figures are kept (0: not cached)."""
    return max(0, settings.TRANSPARENCY_CACHE_SECONDS)


def cached(key: str, compute: Callable[[], Any]) -> tuple[Any, datetime]:
    """Return `compute()`'s JSON-able result and when it was computed, from the cache when fresh."""
    ttl = seconds()
    if ttl == 0:
        return compute(), now_utc()
    found = None if _refreshing.get() else read(key)
    if found is not None:
        try:
            stored = json.loads(found)
            return stored["value"], datetime.fromtimestamp(stored["at"], UTC)
        except (ValueError, KeyError, TypeError):
            pass
    value, at = compute(), now_utc()
    write(key, json.dumps({"value": value, "at": at.timestamp()}, separators=(",", ":")), ttl)
    return value, at


@contextmanager
def refreshing() -> Iterator[None]:
    """Within this block, `cached` computes every figure afresh and stores it (the refresh job)."""
    token = _refreshing.set(True)
    try:
        yield
    finally:
        _refreshing.reset(token)


def clear() -> None:
    """Forget this process's figures (tests and benchmarks)."""
    with _lock:
        _memory.clear()


def _redis():
    url = settings.REDIS_URL
    if not url:
        return None
    if url not in _clients:
        from redis import Redis

        _clients[url] = Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    return _clients[url]


def read(key: str) -> str | None:
    """Return what is kept under `key`, or None (absent, expired, or the cache unreachable)."""
    client = _redis()
    if client is None:
        with _lock:
            found = _memory.get(key)
        return found[1] if found and found[0] > time.monotonic() else None
    try:
        data = client.get(PREFIX + key)
    except Exception:  # noqa: BLE001  (a cache that is down only makes the page slower)
        log.warning("transparency cache unreachable; computing figures afresh")
        return None
    return data.decode() if data else None


def write(key: str, data: str, ttl: int) -> None:
    """Keep `data` under `key` for `ttl` seconds (a cache that is down keeps nothing)."""
    client = _redis()
    if client is None:
        with _lock:
            if len(_memory) > 10_000:  # a crawler walking every fund cannot grow this without bound
                _memory.clear()
            _memory[key] = (time.monotonic() + ttl, data)
        return
    try:
        client.set(PREFIX + key, data, ex=ttl)
    except Exception:  # noqa: BLE001
        log.warning("transparency cache unreachable; figures not kept")
