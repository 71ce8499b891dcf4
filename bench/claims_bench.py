"""Micro-wish claims and the lights board on PostgreSQL. Prints figures, asserts nothing.

    .venv/bin/python bench/claims_bench.py [--wishes 10000] [--clients 8] [--attempts 1000] [--board 100000]
                                           [--database postgresql://postgres@127.0.0.1:5432/NAME]

Without --database it creates a scratch database on BENCH_PG and drops it; with --database it
works in a scratch schema of that (existing, UTF-8, pg_trgm) database and drops the schema.
  (a) `--wishes` published micro-wishes written in bulk; `--clients` processes, each with its
      own app and session, released together, each making `--attempts` calls to
      `claims.claim_wish` as its own donors: one call in five on the same five hot wishes, the
      rest on random ones. Prints claims per second and the double claims found afterwards
      (wishes with more than one claim, or more successes than claimed wishes): must be 0.
  (b) listings written in bulk up to `--board`, of every status and age, over twenty
      organisations, all districts and categories; prints the median time of the staff board's
      first page (`lights.board`) and of the counts per light (`lights.counts`), for a platform
      admin (every organisation) and for one organisation's staff.
"""
from __future__ import annotations

import argparse
import multiprocessing
import random
import secrets
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import make_app, scratch_database  # noqa: E402  (beside this file)

HOT = 5
DONORS_PER_CLIENT = 250  # each holds at most 5 active claims, as the site allows
CATEGORIES = ["minimum_living", "extreme_poverty", "near_poverty", "expenditure_hardship", "child_in_difficulty",
              "elderly_alone", "disability"]
STATUSES = ["draft", "submitted", "verified", "published", "published", "published", "claimed", "claimed",
            "fulfilled", "confirmed", "closed", "closed", "withdrawn", "expired"]


@contextmanager
def bench_database(database: str | None):
    """Yield the URL of a migrated database: a scratch database, or a scratch schema of `database`."""
    if database is None:
        with scratch_database() as url:
            yield url
        return
    from sqlalchemy import create_engine, text

    base = database.replace("postgresql://", "postgresql+psycopg://", 1)
    schema = f"bench_{secrets.token_hex(4)}"
    engine = create_engine(base)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = base + "?options=" + quote(f"-csearch_path={schema},public")
    try:
        from flask_migrate import upgrade

        from marketplace.platform.extensions import db

        with make_app(url).app_context():
            upgrade()
            db.engine.dispose()
        yield url
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


def seed_wishes(count: int, clients: int) -> dict:
    """Write a station with its staff, households, `count` published wishes and the donors, in bulk."""
    from sqlalchemy import insert, select

    from marketplace.auth.models import User
    from marketplace.orgs.models import Membership, Organisation
    from marketplace.platform.extensions import db
    from marketplace.wishes.models import Beneficiary, Listing

    now = datetime.now(UTC)
    staff = User(email="staff@example.org", password_hash="bench", display_name="社工", is_platform_admin=False)
    admin = User(email="admin@example.org", password_hash="bench", display_name="管理员", is_platform_admin=True)
    orgs = [Organisation(kind="social_work_station", name_zh=f"社工站{n}", name_en=f"Station {n}",
                         district_id=n % 11 + 1, is_verified=True) for n in range(20)]
    db.session.add_all([staff, admin, *orgs, Membership(organisation=orgs[0], user=staff, role="staff")])
    db.session.flush()
    households = db.session.execute(insert(Beneficiary).returning(Beneficiary.id, Beneficiary.organisation_id,
                                                                  Beneficiary.district_id, Beneficiary.category), [
        {"organisation_id": orgs[n % 20].id, "district_id": n % 11 + 1, "category": CATEGORIES[n % 7],
         "age_band": "80+", "pseudonym": f"青禾{n}", "full_name": "基准", "consent_on": now.date(),
         "consent_scope": "基准", "registered_by_id": staff.id, "verified_by_id": staff.id, "verified_at": now,
         "reverify_due_on": (now + timedelta(days=300 - n % 400)).date(), "created_at": now - timedelta(days=n % 200)}
        for n in range(2000)]).all()
    db.session.execute(insert(User), [{"email": f"donor{n}@example.org", "password_hash": "bench",
                                       "display_name": "爱心人士", "locale": "zh_CN"}
                                      for n in range(clients * DONORS_PER_CLIENT)])
    donors = list(db.session.scalars(select(User.id).where(User.email.like("donor%")).order_by(User.id)))
    rows = [listing_row(households[n % len(households)], staff.id, "published", now - timedelta(hours=n % 500), n)
            for n in range(count)]
    ids = list(db.session.scalars(insert(Listing).returning(Listing.id), rows))
    db.session.commit()
    return {"wishes": ids, "donors": donors, "staff": staff.id, "admin": admin.id, "org": orgs[0].id,
            "households": [tuple(h) for h in households]}


def listing_row(household, author_id: int, status: str, changed: datetime, n: int) -> dict:
    beneficiary_id, org_id, district_id, category = household
    claimed = status == "claimed"
    return {"kind": "wish", "organisation_id": org_id, "beneficiary_id": beneficiary_id, "district_id": district_id,
            "category": category, "title": f"微心愿 {n}", "story": "", "quantity": 1, "value_fen": 20_000,
            "pledged_fen": 0, "search_text": f"微心愿 {n}", "status": status, "status_changed_at": changed,
            "published_at": changed if status != "draft" else None, "author_id": author_id,
            "claim_deadline_at": changed + timedelta(days=7) if claimed else None, "created_at": changed}


def client(url: str, wishes: list[int], donors: list[int], attempts: int, seed: int, barrier, results) -> None:
    """One claiming client: its own process, app and session; claims random and hot wishes."""
    from marketplace.auth.models import User
    from marketplace.platform.errors import Conflict
    from marketplace.platform.extensions import db
    from marketplace.wishes import claims

    rng = random.Random(seed)
    app = make_app(url, REDIS_URL=None)
    won = refused = failed = 0
    with app.app_context():
        people = [db.session.get(User, donor) for donor in donors]
        db.session.commit()
        barrier.wait()
        started = time.perf_counter()
        for n in range(attempts):
            wish = wishes[rng.randrange(HOT)] if rng.random() < 0.2 else rng.choice(wishes)
            try:
                claims.claim_wish(wish, people[n % len(people)])
                won += 1
            except Conflict:  # already claimed, or this donor holds too many claims
                db.session.rollback()
                refused += 1
            except Exception:  # noqa: BLE001  (counted; a benchmark reports rather than stops)
                db.session.rollback()
                failed += 1
        results.put((won, refused, failed, started, time.perf_counter()))
        db.session.remove()
        db.engine.dispose()


def run_claims(url: str, data: dict, clients: int, attempts: int) -> None:
    from sqlalchemy import text

    from marketplace.platform.extensions import db

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(clients), context.Queue()
    workers = [context.Process(target=client, args=(
        url, data["wishes"], data["donors"][c * DONORS_PER_CLIENT:(c + 1) * DONORS_PER_CLIENT], attempts, c,
        barrier, results)) for c in range(clients)]
    for worker in workers:
        worker.start()
    figures = [results.get(timeout=600) for _ in workers]
    for worker in workers:
        worker.join()
    won, refused, failed = (sum(f[i] for f in figures) for i in range(3))
    seconds = max(f[4] for f in figures) - min(f[3] for f in figures)
    doubled = db.session.scalar(text("SELECT count(*) FROM (SELECT listing_id FROM wish_claim "
                                     "GROUP BY listing_id HAVING count(*) > 1) AS d"))
    claimed = db.session.scalar(text("SELECT count(*) FROM listing WHERE status = 'claimed'"))
    active = db.session.scalar(text("SELECT count(*) FROM wish_claim WHERE status = 'active'"))
    print(f"(a) {len(data['wishes']):,} published wishes, {clients} client processes x {attempts:,} attempts "
          f"(20% on {HOT} hot wishes): {won:,} claims won, {refused:,} refused, {failed} errors in {seconds:.1f} s")
    print(f"    {won / seconds:,.0f} claims/s won, {(won + refused + failed) / seconds:,.0f} attempts/s; "
          f"double claims: {doubled + max(0, won - claimed)} (wishes claimed {claimed:,}, active claims {active:,})")


def seed_board(data: dict, total: int) -> int:
    """Add listings of every status and age until there are `total`; return how many there are."""
    from sqlalchemy import insert, text

    from marketplace.platform.extensions import db
    from marketplace.wishes.models import Listing

    rng = random.Random(7)
    now = datetime.now(UTC)
    have = db.session.scalar(text("SELECT count(*) FROM listing"))
    households = data["households"]
    for start in range(have, total, 10_000):
        rows = [listing_row(rng.choice(households), data["staff"], rng.choice(STATUSES),
                            now - timedelta(days=rng.uniform(0, 120)), n)
                for n in range(start, min(total, start + 10_000))]
        db.session.execute(insert(Listing), rows)
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return db.session.scalar(text("SELECT count(*) FROM listing"))


def median_ms(work, runs: int = 7) -> float:
    from marketplace.platform.extensions import db

    times = []
    for _ in range(runs):
        db.session.expire_all()
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
        db.session.rollback()
    return statistics.median(times)


def time_board(data: dict, total: int) -> None:
    from marketplace.auth.models import User
    from marketplace.platform.extensions import db
    from marketplace.wishes import lights

    count = seed_board(data, total)
    print(f"(b) board with {count:,} listings, median of 7 runs:")
    for label, user_id in (("platform admin, 20 organisations", data["admin"]), ("one station's staff", data["staff"])):
        user = db.session.get(User, user_id)
        first = median_ms(lambda user=user: lights.board(user))
        counts = median_ms(lambda user=user: lights.counts(user))
        red = median_ms(lambda user=user: lights.board(user, light="red", district_id=3))
        print(f"    {label}: first page (100 rows) {first:.0f} ms; counts per light {counts:.0f} ms; "
              f"red in one district {red:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--wishes", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--attempts", type=int, default=1_000, help="claim calls per client")
    parser.add_argument("--board", type=int, default=100_000, help="listings for the board timing")
    parser.add_argument("--database", help="an existing PostgreSQL database to use a scratch schema of")
    args = parser.parse_args()
    with bench_database(args.database) as url:
        app = make_app(url, REDIS_URL=None)
        with app.app_context():
            from marketplace.platform.extensions import db

            data = seed_wishes(args.wishes, args.clients)
            print(f"Micro-wishes on PostgreSQL ({datetime.now(UTC):%Y-%m-%d})")
            run_claims(url, data, args.clients, args.attempts)
            time_board(data, args.board)
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
