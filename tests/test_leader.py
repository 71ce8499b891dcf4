"""With several hosts running `flask jobs work`, one at a time sweeps: it holds a lease in Redis, renews it each
round, and another host takes over once it stops."""
from __future__ import annotations

import time

import pytest

from marketplace.platform import leader, worker

REDIS = "redis://127.0.0.1:6379/15"


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="needs Redis on 127.0.0.1:6379")


@pytest.fixture
def shared_redis(app):
    import redis

    app.config["REDIS_URL"] = REDIS
    client = redis.Redis.from_url(REDIS)
    client.delete(leader.PREFIX + "sweeps", leader.PREFIX + "test-lease")
    yield client
    client.delete(leader.PREFIX + "sweeps", leader.PREFIX + "test-lease")
    app.config["REDIS_URL"] = None


@needs_redis
def test_one_host_holds_the_lease_renews_it_and_another_takes_over_when_it_stops(shared_redis):
    assert leader.leads("test-lease", 1, who="host-a")
    assert not leader.leads("test-lease", 1, who="host-b")
    assert leader.leads("test-lease", 1, who="host-a")  # renewed by its holder
    time.sleep(1.2)  # host-a stopped renewing
    assert leader.leads("test-lease", 1, who="host-b")
    assert not leader.leads("test-lease", 1, who="host-a")


@needs_redis
def test_only_the_leading_host_sweeps_every_host_delivers(shared_redis, monkeypatch):
    swept = []
    monkeypatch.setattr(worker, "sweep", lambda: swept.append(1) or 1)
    shared_redis.set(leader.PREFIX + "sweeps", "another-host:1", ex=60)
    assert worker.work_once() == (0, 0) and swept == []  # the outbox was still delivered (nothing due)
    shared_redis.delete(leader.PREFIX + "sweeps")
    assert worker.work_once() == (0, 1) and swept == [1]
    assert shared_redis.get(leader.PREFIX + "sweeps").decode() == leader.me()


def test_without_redis_the_one_host_always_leads(app):
    app.config["REDIS_URL"] = None
    assert leader.leads("sweeps", 30) and leader.leads("sweeps", 30, who="someone-else")


@needs_redis
def test_the_loop_says_where_the_sweeps_run(shared_redis, runner, monkeypatch):
    monkeypatch.setattr(worker, "sweep", lambda: 0)
    shared_redis.set(leader.PREFIX + "sweeps", "another-host:1", ex=60)
    assert "Sweeps run on another-host:1." in runner.invoke(args=["jobs", "work", "--rounds", "1"]).output
    assert leader.holder("sweeps") == "another-host:1"
    shared_redis.delete(leader.PREFIX + "sweeps")
    assert "Sweeps run here." in runner.invoke(args=["jobs", "work", "--rounds", "1"]).output
    assert leader.holder("sweeps") == leader.me()


@needs_redis
def test_a_timer_runs_its_task_on_the_one_host_that_takes_the_lease(shared_redis, runner):
    shared_redis.delete(leader.PREFIX + "test-hourly")
    try:
        first = runner.invoke(args=["jobs", "lease", "test-hourly", "--holder", "host-a", "--seconds", "60"])
        second = runner.invoke(args=["jobs", "lease", "test-hourly", "--holder", "host-b", "--seconds", "60"])
        again = runner.invoke(args=["jobs", "lease", "test-hourly", "--holder", "host-a", "--seconds", "60"])
    finally:
        shared_redis.delete(leader.PREFIX + "test-hourly")
    assert (first.exit_code, second.exit_code, again.exit_code) == (0, 1, 0)
    assert "host-a holds the test-hourly lease; skipped here." in second.output
