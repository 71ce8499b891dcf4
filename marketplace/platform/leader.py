"""One host at a time for periodic work: a lease in Redis that the holder renews and that expires when it stops.

Every periodic task is safe to run on several hosts at once (guarded updates), but each run costs queries;
with several hosts running `flask jobs work`, the sweeps run on the one holding the lease, and another takes
over within `seconds` when that host goes away. Without Redis (one process on one host) the caller always
leads.
"""
from __future__ import annotations

import logging
import os
import socket

from config import settings

log = logging.getLogger(__name__)
PREFIX = "goodhours:lead:"
# set the key to us if it is free, or renew it if it is already ours, in one step
_TAKE = """
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
    redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
    return 1
end
return 0
"""


def host() -> str:
    """This host, as a lease held by a host rather than by one process (a timer's task) names it."""
    return socket.gethostname()


def me() -> str:
    """This process, as the lease names it."""
    return f"{host()}:{os.getpid()}"


def leads(name: str, seconds: int, who: str | None = None) -> bool:
    """Take or renew the lease `name` for `seconds`; tell whether this process (or `who`) holds it.

    Without Redis, or when Redis cannot be reached, the answer is True: the work is safe to repeat, and doing
    it twice beats not doing it.
    """
    try:
        client = _client()
        return client is None or bool(client.eval(_TAKE, 1, PREFIX + name, who or me(), max(1, int(seconds))))
    except Exception:  # noqa: BLE001  (no lease service: act, as one host would)
        log.warning("Could not reach Redis for the %s lease; acting anyway", name, exc_info=True)
        return True


def holder(name: str) -> str | None:
    """Return the process holding the lease `name` (as `me()` names it), or None: no Redis, or no holder."""
    try:
        client = _client()
        held = client.get(PREFIX + name) if client is not None else None
    except Exception:  # noqa: BLE001  (no lease service: nobody holds it)
        return None
    return held.decode() if held else None


def _client():
    url = settings.REDIS_URL
    if not url:
        return None
    from redis import Redis

    return Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
