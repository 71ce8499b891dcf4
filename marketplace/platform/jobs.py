"""Background jobs: through RQ when Redis is configured, otherwise on a thread of this process.

A job is named by the dotted path of a function taking plain arguments (ids, rows of text);
it keeps whatever progress others need to see in the database, never in process memory, so
any web process or host can report on it. `JOBS_RUN_INLINE` runs jobs at once (tests).
`enqueue_at` schedules a job for later through RQ, and only there.

A job's row beats a heartbeat (`beat`) while it works; `sweep_silent` finds rows whose job fell
silent for `STALE` (its worker was killed, ran out of memory, or its host went away) and says so on
them, for `flask jobs sweep` (marketplace/platform/worker.py). The rows need `status`, `heartbeat_at` and
`created_at` columns.
"""
from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import Flask, current_app, has_app_context
from sqlalchemy import func, select

from config import Settings, settings
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc

log = logging.getLogger(__name__)
STALE = timedelta(seconds=45)  # a job silent this long has lost its worker; with sweeps every 15 s, found in a minute
BEAT_EVERY = timedelta(seconds=5)
_worker_app: Flask | None = None  # built once per RQ worker process
_connections: dict = {}  # Redis URL -> client: a new client a job cost a webhook three connects (about 9 ms)


def enqueue(func_path: str, *args):
    """Run `func_path(*args)` in the background; return the RQ job or thread (None when inline)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if settings.JOBS_RUN_INLINE:
        resolve(func_path)(*args)
        return None
    queue = _rq_queue(app)
    if queue is not None:
        return queue.enqueue(run, func_path, *args, job_timeout=settings.JOBS_TIMEOUT)
    thread = threading.Thread(target=_run_in_thread, args=(app, func_path, args), daemon=True,
                              name=f"job {func_path}")
    thread.start()
    return thread


def enqueue_at(when: datetime, func_path: str, *args):
    """Run `func_path(*args)` at `when` through RQ's scheduler (`rq worker --with-scheduler`); return the job.

    Without Redis (or with JOBS_RUN_INLINE) nothing is scheduled and None is returned: the hourly
    `flask` commands do the same work. A job for later never runs now, not even inline in tests.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue = None if settings.JOBS_RUN_INLINE else _rq_queue(app)
    if queue is None:
        return None
    try:
        return queue.enqueue_at(when, run, func_path, *args, job_timeout=settings.JOBS_TIMEOUT)
    except Exception:  # Redis down: the work is already committed and the hourly command will catch up
        log.exception("Could not schedule %s at %s", func_path, when)
        return None


def beat(job) -> None:
    """Say that the job on this row is alive: set its heartbeat and commit (at most every few seconds)."""
    now = now_utc()
    if job.heartbeat_at is None or now - job.heartbeat_at >= BEAT_EVERY:
        job.heartbeat_at = now
        db.session.commit()


def sweep_silent(model, running: tuple[str, ...], stopped: Callable[[str], tuple[str, dict]], *,
                 stale: timedelta = STALE, now: datetime | None = None,
                 after: Callable[[int, str], None] | None = None) -> int:
    """Move every row of `model` in a `running` status whose heartbeat is older than `stale` to the state
    and values `stopped(status)` names (its heartbeat cleared), then call `after(id, status)`; commit each.

    Each row is taken by a guarded move (`model.machine.move_if`), so sweeps on several hosts handle it once.
    Returns how many.
    """
    cutoff = (now or now_utc()) - stale
    stale_beat = func.coalesce(model.heartbeat_at, model.created_at) < cutoff
    handled = 0
    for job_id, status in db.session.execute(select(model.id, model.status)
                                             .where(model.status.in_(running), stale_beat)).all():
        to, values = stopped(status)
        still_running = (status, *(s for s in running if s != status and model.machine.can(s, to)))
        taken = int(model.machine.move_if(job_id, still_running, to, why="its job stopped", conditions=(stale_beat,),
                                          heartbeat_at=None, **values))
        if taken and after is not None:
            after(job_id, status)
        db.session.commit()
        handled += taken
    return handled


def resolve(func_path: str) -> Callable:
    module, _, name = func_path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def run(func_path: str, *args):
    """Run a job inside an app context (what RQ workers call), building the app when there is none."""
    global _worker_app
    if has_app_context():
        return resolve(func_path)(*args)
    if _worker_app is None:
        from marketplace import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        return resolve(func_path)(*args)


def _rq_queue(app: Flask):
    url = Settings(app.config).REDIS_URL
    if not url:
        return None
    try:
        from redis import Redis
        from rq import Queue
    except ImportError:  # rq is optional: without it jobs run on a thread of this process
        return None
    if url not in _connections:  # one client (and its pool of connections) per process, shared by its threads
        _connections[url] = Redis.from_url(url)
    return Queue(Settings(app.config).JOBS_QUEUE, connection=_connections[url])


def _run_in_thread(app: Flask, func_path: str, args: tuple) -> None:
    from marketplace.platform.extensions import db

    with app.app_context():
        try:
            resolve(func_path)(*args)
        except Exception:
            log.exception("Background job %s failed", func_path)
        finally:
            db.session.remove()
