"""Background jobs: inline in tests, on a thread without Redis (or without rq), always in an app context."""
import sys

from flask import current_app

from marketplace.platform import jobs

seen: list = []


def remember(*args):
    """A job: note the app it ran in and its arguments."""
    seen.append((current_app.name, args))


def explode():
    raise RuntimeError("job failed")


def test_jobs_run_at_once_when_inline(app):
    seen.clear()
    assert jobs.enqueue("tests.test_jobs.remember", 1, "二") is None
    assert seen == [(app.name, (1, "二"))]


def test_without_redis_jobs_run_on_a_thread_in_an_app_context(app):
    seen.clear()
    app.config.update(JOBS_RUN_INLINE=False, REDIS_URL=None)
    thread = jobs.enqueue("tests.test_jobs.remember", [3])
    thread.join(10)
    assert seen == [(app.name, ([3],))]


def test_without_the_rq_package_redis_alone_does_not_stop_jobs(app, monkeypatch, caplog):
    seen.clear()
    app.config.update(JOBS_RUN_INLINE=False, REDIS_URL="redis://127.0.0.1:9/0")
    monkeypatch.setitem(sys.modules, "rq", None)  # `import rq` now fails as if it were not installed
    jobs.enqueue("tests.test_jobs.remember", 4).join(10)
    jobs.enqueue("tests.test_jobs.explode").join(10)  # a failing job is logged, not raised in the caller
    assert seen == [(app.name, (4,))]
    assert "tests.test_jobs.explode failed" in caplog.text


def test_a_worker_runs_a_job_inside_the_current_app(app):
    seen.clear()
    jobs.run("tests.test_jobs.remember", 5)
    assert seen == [(app.name, (5,))]


def test_with_redis_a_job_goes_through_rq_to_a_worker(app):
    """Enqueue on the local Redis, then let an RQ worker (in this process) run it."""
    import secrets

    import pytest
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown
    from rq import Queue, SimpleWorker

    class BurstWorker(SimpleWorker):
        """A worker that skips RQ's command channel: its listener thread, reading with a 60 s timeout,
        held the worker's teardown for a full minute whenever the suite ran in parallel."""

        def subscribe(self):
            pass

        def unsubscribe(self):
            pass

    try:
        Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=1).ping()
    except RedisDown:
        pytest.skip("no Redis on 127.0.0.1:6379")
    seen.clear()
    name = f"test-{secrets.token_hex(4)}"  # a queue of this test's own, so workers elsewhere cannot take it
    app.config.update(JOBS_RUN_INLINE=False, REDIS_URL="redis://127.0.0.1:6379/15", JOBS_QUEUE=name)
    job = jobs.enqueue("tests.test_jobs.remember", 6, "七")
    assert seen == [] and job.get_status() == "queued"
    connection = Redis.from_url("redis://127.0.0.1:6379/15")
    BurstWorker([Queue(name, connection=connection)], connection=connection).work(burst=True)
    assert seen == [(app.name, (6, "七"))]
    Queue(name, connection=connection).delete(delete_jobs=True)
