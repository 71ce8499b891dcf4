"""Background jobs: inline in tests, on a thread without Redis (or without rq), always in an app context."""
import sys

from flask import current_app

from marketplace import jobs

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
