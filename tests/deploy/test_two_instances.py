"""Two instances of the site, as two hosts behind the proxy run it (docs/deploy.md, "More than one host"): two
gunicorn servers and two worker loops, separate processes sharing one SECRET_KEY, one PostgreSQL and one Redis.
A visitor logged in on one is logged in on the other and can act there; logging out on one ends the session on
both; wrong passwords count across both; each outbox row is sent once; one loop runs the sweeps."""
from __future__ import annotations

import re
import secrets
import socket
import uuid
from collections import Counter
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from tests.db_setup import POSTGRES_URL
from tests.deploy import hosts

REDIS = "redis://127.0.0.1:6379/14"  # a Redis database of this test's own, emptied before and after
MAILS = 120


def _redis():
    try:
        import redis

        client = redis.Redis.from_url(REDIS, socket_connect_timeout=0.5)
        client.ping()
        return client
    except Exception:  # noqa: BLE001
        return None


pytestmark = pytest.mark.skipif(not POSTGRES_URL or _redis() is None,
                                reason="needs TEST_DATABASE_URL (PostgreSQL) and Redis on 127.0.0.1:6379")


@pytest.fixture
def site(app, test_database, tmp_path):
    """Start two web instances and two worker loops on this test's database schema; stop them afterwards."""
    store = _redis()
    store.flushdb()
    search_path = quote(f"-csearch_path={test_database.schema},public", safe="")
    env = hosts.environment(GOODHOURS_ENV="development", SECRET_KEY=secrets.token_urlsafe(48),
                            DATABASE_URL=f"{test_database.url}?options={search_path}", REDIS_URL=REDIS,
                            MAIL_BACKEND="console", ARGON2_PROFILE="cheapest", DEFAULT_LOCALE="en",
                            UPLOAD_FOLDER=str(tmp_path / "uploads"), SITE_URL="http://127.0.0.1")
    (a, address_a), (b, address_b) = hosts.web("web-a", env, tmp_path), hosts.web("web-b", env, tmp_path)
    loops = [hosts.loop("loop-1", env, tmp_path, every=0.2), hosts.loop("loop-2", env, tmp_path, every=0.2)]
    started = [a, b, *loops]
    try:
        hosts.wait_until(lambda: hosts.answers(address_a) and hosts.answers(address_b)
                         and all("Sweeps run" in loop.output for loop in loops), started)
        yield address_a, address_b, loops
    finally:
        hosts.stop(*started)
        store.flushdb()


def _log_in(browser: requests.Session, address: str, email: str, password: str = PASSWORD, **extra) -> int:
    data = {"email": email, "password": password, "csrf_token": hosts.csrf_token(browser, address), **extra}
    return browser.post(f"{address}/auth/login", data=data, allow_redirects=False, timeout=10).status_code


def _rename(browser: requests.Session, address: str, name: str, token: str) -> int:
    data = {"display_name": name, "locale": "en", "public_display": "name", "phone": "", "csrf_token": token}
    return browser.post(f"{address}/account/", data=data, allow_redirects=False, timeout=10).status_code


def _signed_in(cookies, address: str) -> bool:
    with requests.Session() as browser:
        browser.cookies.update(cookies)
        return browser.get(f"{address}/account/", allow_redirects=False, timeout=10).status_code == 200


def test_two_instances_share_sessions_limits_and_jobs(site, create_user, app):
    address_a, address_b, loops = site
    user = create_user(email=f"two-{uuid.uuid4().hex[:8]}@example.org", display_name="Before")
    with requests.Session() as browser:
        assert _log_in(browser, address_a, user.email, remember="y") == 302
        assert _rename(browser, address_b, "Renamed on B", hosts.csrf_token(browser, address_b, "/account/")) == 302
        assert "Renamed on B" in browser.get(f"{address_a}/account/", timeout=10).text
        from_a = hosts.csrf_token(browser, address_a, "/account/")
        assert _rename(browser, address_b, "Token from A", from_a) == 302  # both sign with the one key
        assert "Token from A" in browser.get(f"{address_b}/account/", timeout=10).text

        kept = browser.cookies.copy()  # the session and remember-me cookies as they were before logging out
        assert _signed_in(kept, address_a)
        out = browser.post(f"{address_b}/auth/logout", allow_redirects=False, timeout=10,
                           data={"csrf_token": hosts.csrf_token(browser, address_b, "/")})
        assert out.status_code == 302
    assert not _signed_in(kept, address_a) and not _signed_in(kept, address_b)  # logging out ended it everywhere

    target = create_user(email=f"limit-{uuid.uuid4().hex[:8]}@example.org")
    with requests.Session() as stranger:  # wrong passwords alternate between the instances: one count
        tries = [_log_in(stranger, (address_a, address_b)[n % 2], target.email, "wrong password!") for n in range(6)]
        assert tries == [401] * 5 + [429]  # LOGIN_LIMIT_PER_ACCOUNT_CLIENT: 5 per 15 minutes, counted in Redis
        assert _log_in(stranger, address_a, target.email) == 429

    _deliver_once(app, loops)


def _deliver_once(app, loops: list[hosts.Host]) -> None:
    """Rows written while both loops run are each sent once, by one loop or the other; one loop sweeps."""
    from marketplace.outbox.models import OutboxMessage
    from marketplace.platform.extensions import db
    from marketplace.platform.timeutil import now_utc

    subjects = [f"Two hosts, message {n}" for n in range(MAILS)]
    db.session.add_all(OutboxMessage(kind="email", available_at=now_utc(), payload={
        "subject": subject, "body": "Hello", "from_email": "noreply@example.org", "to": ["someone@example.org"],
        "cc": [], "bcc": [], "reply_to": []}) for subject in subjects)
    db.session.commit()

    def delivered() -> bool:
        db.session.rollback()
        return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.delivered_at.is_(None))) == 0

    hosts.wait_until(delivered, loops, timeout=30)
    assert db.session.scalars(select(OutboxMessage.attempts).distinct()).all() == [1]
    hosts.stop(*loops)
    sent = Counter(re.findall(r"^\[mail\] to someone@example\.org: (.+)$", "".join(loop.output for loop in loops),
                              re.MULTILINE))
    assert sent == Counter(subjects)  # every message once, none twice

    sweepers = [loop for loop in loops if "Sweeps run here." in loop.output]
    assert len(sweepers) == 1, [loop.output for loop in loops]
    [other] = [loop for loop in loops if loop is not sweepers[0]]
    holder = f"{socket.gethostname()}:{sweepers[0].process.pid}"
    assert f"Sweeps run on {holder}." in other.output and "Sweeps run here." not in other.output
    print(f"messages sent by each loop: {[loop.output.count('[mail] to someone@') for loop in loops]}")
