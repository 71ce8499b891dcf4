"""The expiry job: `flask wishes expire` every hour, and RQ's scheduler at each claim's deadline."""
from datetime import timedelta

import pytest

from marketplace.platform import jobs
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.wishes import claims


def overdue(claim, listing):
    claim.deadline_at = listing.claim_deadline_at = now_utc() - timedelta(minutes=5)
    db.session.commit()


@pytest.mark.parametrize("app_config", [{"SERVER_NAME": None, "SITE_URL": "https://goodhours.example"}])
def test_the_command_expires_claims_and_stale_listings_and_tells_the_claimant(station, create_listing, runner,
                                                                              mailbox):
    late, stale, fresh = create_listing(title="助听器电池"), create_listing(), create_listing()
    overdue(claims.claim_wish(late.id, station.donor), late)
    stale.status_changed_at = now_utc() - timedelta(days=61)
    db.session.commit()
    result = runner.invoke(args=["wishes", "expire"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Expired 1 claim(s) and 1 unclaimed listing(s)."
    db.session.expire_all()
    assert (late.status, stale.status, fresh.status) == ("published", "expired", "published")
    [message] = mailbox.messages
    assert message.to == [station.donor.email] and "助听器电池" in message.subject
    # sent outside any request, the link is built on SITE_URL
    assert f"https://goodhours.example/wishes/{late.public_code}" in message.body
    again = runner.invoke(args=["wishes", "expire"])
    assert again.output.strip() == "Expired 0 claim(s) and 0 unclaimed listing(s)." and len(mailbox.messages) == 1


class FakeQueue:
    def __init__(self):
        self.scheduled = []

    def enqueue_at(self, when, func, *args, **kwargs):
        self.scheduled.append((when, func, args))
        return "job"


def test_a_claim_schedules_its_own_expiry_after_the_commit(app, station, create_listing, monkeypatch):
    queue = FakeQueue()
    monkeypatch.setattr(jobs, "_rq_queue", lambda app: queue)
    app.config["JOBS_RUN_INLINE"] = False
    wish = create_listing()
    claim = claims.claim_wish(wish.id, station.donor)
    [(when, func, args)] = queue.scheduled
    assert func is jobs.run and args == ("marketplace.wishes.claims.expire_claims",)
    assert when == claim.deadline_at + timedelta(minutes=1)
    assert wish.status == "claimed"  # scheduling for later expires nothing now
    with pytest.raises(claims.WishAlreadyClaimed):
        claims.claim_wish(wish.id, station.firm_member)
    assert len(queue.scheduled) == 1  # a refused claim schedules nothing


def test_without_redis_or_inline_nothing_is_scheduled_and_nothing_runs(app, station, create_listing, monkeypatch):
    calls = []
    monkeypatch.setattr(claims, "expire_claims", lambda *a: calls.append(a))
    assert app.config["JOBS_RUN_INLINE"]
    assert jobs.enqueue_at(now_utc() - timedelta(days=1), "marketplace.wishes.claims.expire_claims") is None
    app.config.update(JOBS_RUN_INLINE=False, REDIS_URL=None)
    assert jobs.enqueue_at(now_utc() - timedelta(days=1), "marketplace.wishes.claims.expire_claims") is None
    claim = claims.claim_wish(create_listing().id, station.donor)
    assert calls == [] and claim.status == "active"


def test_a_broken_redis_does_not_undo_the_claim(app, station, create_listing, monkeypatch, caplog):
    class Down(FakeQueue):
        def enqueue_at(self, *args, **kwargs):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr(jobs, "_rq_queue", lambda app: Down())
    app.config["JOBS_RUN_INLINE"] = False
    wish = create_listing()
    assert claims.claim_wish(wish.id, station.donor).status == "active"
    assert "Could not schedule marketplace.wishes.claims.expire_claims" in caplog.text


def test_the_scheduled_job_expires_the_claim_in_a_worker(station, create_listing, mailbox):
    wish = create_listing()
    overdue(claims.claim_wish(wish.id, station.donor), wish)
    assert jobs.run("marketplace.wishes.claims.expire_claims") == 1  # what the RQ worker calls at the deadline
    assert len(mailbox.messages) == 1


def test_with_redis_the_expiry_waits_in_rqs_scheduled_registry(app, station, create_listing):
    import secrets

    from redis import Redis
    from redis.exceptions import ConnectionError as RedisDown
    from rq import Queue

    url = "redis://127.0.0.1:6379/15"
    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except RedisDown:
        pytest.skip("no Redis on 127.0.0.1:6379")
    name = f"test-{secrets.token_hex(4)}"  # a queue of this test's own, so no worker elsewhere takes it
    app.config.update(JOBS_RUN_INLINE=False, REDIS_URL=url, JOBS_QUEUE=name)
    connection = Redis.from_url(url)
    queue = Queue(name, connection=connection)
    try:
        claim = claims.claim_wish(create_listing().id, station.donor)
        [job_id] = queue.scheduled_job_registry.get_job_ids()
        job = queue.fetch_job(job_id)
        assert job.args == ("marketplace.wishes.claims.expire_claims",) and job.get_status() == "scheduled"
        assert queue.count == 0 and claim.status == "active"
    finally:
        for job_id in queue.scheduled_job_registry.get_job_ids():
            connection.delete(f"rq:job:{job_id}")
        connection.delete(queue.scheduled_job_registry.key)
        queue.delete(delete_jobs=True)
