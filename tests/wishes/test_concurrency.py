"""Races on PostgreSQL: one claimant wins a wish (threads, and processes over HTTP); pledges never pass a budget."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from marketplace.auth.models import User
from marketplace.platform.extensions import db
from marketplace.wishes import claims, pledges
from marketplace.wishes.claims import WishAlreadyClaimed
from marketplace.wishes.models import Listing, ListingEvent, Pledge, WishClaim
from tests.db_setup import is_postgres
from tests.ledger.test_concurrency import run_together

pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL (PostgreSQL row locks; "
                                                           "SQLite runs one writer at a time)")]
ROOT = Path(__file__).resolve().parents[2]


def test_fifty_threads_claim_one_wish_and_exactly_one_wins(app, create_listing, create_user):
    wish = create_listing()
    donors = [create_user().id for _ in range(50)]
    results = run_together(app, 50, lambda i: claims.claim_wish(wish.id, db.session.get(User, donors[i])).id)
    winners = [r for r in results if isinstance(r, int)]
    assert len(winners) == 1, results
    assert all(isinstance(r, WishAlreadyClaimed) for r in results if not isinstance(r, int)), results
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(WishClaim).where(
        WishClaim.listing_id == wish.id, WishClaim.status == "active")) == 1
    moves = db.session.execute(select(ListingEvent.from_status, ListingEvent.to_status).where(
        ListingEvent.listing_id == wish.id, ListingEvent.to_status == "claimed")).all()
    assert moves == [("published", "claimed")]
    assert db.session.get(Listing, wish.id).status == "claimed"


def test_pledges_made_at_once_never_pass_the_budget(app, create_listing, create_user):
    need = create_listing(kind="household_need")  # a budget of ¥10,000
    amounts = [30_000 + 7_919 * i for i in range(20)]  # together ¥21,042: about half must be refused
    pledgers = [create_user().id for _ in range(20)]
    results = run_together(app, 20, lambda i: pledges.pledge(need.id, db.session.get(User, pledgers[i]),
                                                             amounts[i]).amount_fen)
    taken = [r for r in results if isinstance(r, int)]
    assert taken and len(taken) < 20, results
    db.session.expire_all()
    listing = db.session.get(Listing, need.id)
    active = db.session.scalar(select(func.coalesce(func.sum(Pledge.amount_fen), 0)).where(
        Pledge.listing_id == need.id, Pledge.status == "active"))
    assert active == sum(taken) == listing.pledged_fen <= listing.value_fen
    assert listing.status == ("claimed" if active == listing.value_fen else "published")


def test_pledges_that_exactly_cover_the_budget_claim_the_need_once(app, create_listing, create_user):
    need = create_listing(kind="household_need")
    pledgers = [create_user().id for _ in range(20)]
    results = run_together(app, 20, lambda i: pledges.pledge(need.id, db.session.get(User, pledgers[i]),
                                                             100_000).id)
    assert len([r for r in results if isinstance(r, int)]) == 10, results
    db.session.expire_all()
    listing = db.session.get(Listing, need.id)
    assert listing.pledged_fen == listing.value_fen and listing.status == "claimed"
    assert db.session.scalar(select(func.count()).select_from(ListingEvent).where(
        ListingEvent.listing_id == need.id, ListingEvent.to_status == "claimed")) == 1


FIRE = r"""
import json, sys, threading, time, urllib.error, urllib.request
url, start, tokens = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
codes = [None] * len(tokens)
def claim(i):
    request = urllib.request.Request(url, data=b'{"method": "in_kind"}', method="POST", headers={
        "Authorization": "Bearer " + tokens[i], "Content-Type": "application/json"})
    time.sleep(max(0.0, start - time.time()))
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            codes[i] = response.status
    except urllib.error.HTTPError as error:
        codes[i] = error.code
threads = [threading.Thread(target=claim, args=(i,)) for i in range(len(tokens))]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps(codes))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def gunicorn(app, test_database, tmp_path):
    """The app under gunicorn with four worker processes, on the test's database and schema."""
    port = free_port()
    url = test_database.url + "?options=" + quote(f"-csearch_path={test_database.schema},public")
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "SERVER_NAME")}
    env.update(DATABASE_URL=url, SECRET_KEY="test-secret-key-not-for-production", GOODHOURS_ENV="development",
               MAIL_BACKEND="console", API_RATE_LIMIT="10000 per minute")
    log = tmp_path / "gunicorn.log"
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}",
                               "--log-level", "warning", "--error-logfile", str(log), "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("gunicorn stopped: " + log.read_text())
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not answer /healthz in 30 seconds")
        yield base
    finally:
        server.terminate()
        server.wait(30)


def test_claims_from_several_processes_over_http_give_one_201_and_409s(gunicorn, create_listing, create_user,
                                                                        headers):
    wish = create_listing()
    tokens = [headers(create_user())["Authorization"].removeprefix("Bearer ") for _ in range(40)]
    url = f"{gunicorn}/api/v1/listings/{wish.public_code}/claims"
    start = time.time() + 2  # every process fires at the same moment
    firing = [subprocess.Popen([sys.executable, "-c", FIRE, url, str(start), json.dumps(tokens[i::4])],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(4)]
    codes = []
    for process in firing:
        out, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
        codes += json.loads(out)
    assert sorted(codes) == [201] + [409] * 39, codes
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(WishClaim).where(
        WishClaim.listing_id == wish.id, WishClaim.status == "active")) == 1
    assert db.session.get(Listing, wish.id).status == "claimed"


def test_one_donor_claiming_ten_wishes_at_once_gets_no_more_than_the_limit(app, create_listing, create_user):
    wishes = [create_listing().id for _ in range(10)]
    donor = create_user().id
    results = run_together(app, 10, lambda i: claims.claim_wish(wishes[i], db.session.get(User, donor)).id)
    assert len([r for r in results if isinstance(r, int)]) == 5, results  # WISHES_MAX_ACTIVE_CLAIMS
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(WishClaim).where(
        WishClaim.claimant_id == donor, WishClaim.status == "active")) == 5
