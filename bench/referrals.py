"""The referral domain at city scale: the time to read a district's lights board and its monthly comparison
(月比对) with 6,000 and with 60,000 households (and 100,000 and 1,000,000 visits), and how it grows.
Prints figures, asserts nothing.

    .venv/bin/python bench/referrals.py [--households 6000,60000] [--visits-per-household 16.67]
                                        [--communities 150] [--repeat 7] [--database-url postgresql://…/NAME]

Without --database-url (or DATABASE_URL) it creates a scratch PostgreSQL database on BENCH_PG and drops it;
with one it works in a scratch schema of that (existing, UTF-8) database and drops the schema. It writes, in
bulk with COPY, the households of one district (across `--communities` communities and 20 social-work
stations; each with one or two care categories, so visited weekly to monthly; their last visit spread so that
every colour shows), their visits (spaced by each household's interval back from its last one), and an open
referral for one household in thirty (due from ten days ago to ten days ahead), keeping HouseholdCare's light
columns as the app keeps them. At each size it prints the median time (over `--repeat` runs, after one warm
run) of the district officer's board (counts per community and per organisation, the organisations' own
lights and the first page of households, red first) and of the monthly comparison of households not
visited this month and last month (the page's first 500), then the growth ratio from the first size to the last.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_bench import bench_database  # noqa: E402  (beside this file)
from scratch import make_app  # noqa: E402

DISTRICT = 1
STATIONS = 20
CATEGORIES = ("subsistence", "near_subsistence", "extreme_poverty", "expenditure_hardship", "elderly_alone",
              "severe_disability", "unsupported_child")
INTERVAL = {"elderly_alone": 7, "severe_disability": 14, "unsupported_child": 14}  # others: 30


def _copy(conn, table: str, columns: tuple[str, ...], rows) -> int:
    """COPY rows (tuples) into a table through the session's psycopg connection; return how many."""
    raw = conn.connection.driver_connection
    count = 0
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def setup(app) -> dict:
    """Write the people and places every size shares: the officer, the stations and the communities."""
    from marketplace.auth.models import User
    from marketplace.orgs.models import Community, Membership, Organisation
    from marketplace.platform.extensions import db
    from marketplace.referrals.models import DistrictOfficer

    with app.app_context():
        officer = User(email="officer@example.org", password_hash="bench", display_name="区督导", locale="zh_CN")
        staff = User(email="staff@example.org", password_hash="bench", display_name="社工", locale="zh_CN")
        stations = [Organisation(kind="social_work_station", name_zh=f"社工站{n}", name_en=f"Station {n}",
                                 district_id=DISTRICT, is_verified=True) for n in range(STATIONS)]
        db.session.add_all([officer, staff, *stations])
        db.session.flush()
        db.session.add_all([DistrictOfficer(user_id=officer.id, district_id=DISTRICT),
                            Membership(organisation=stations[0], user=staff, role="staff")])
        communities = [Community(district_id=DISTRICT, code=f"c{n}", name_zh=f"社区{n}", name_en=f"Community {n}",
                                 sort_order=n) for n in range(COMMUNITIES)]
        db.session.add_all(communities)
        db.session.commit()
        return {"officer": officer.id, "staff": staff.id, "stations": [s.id for s in stations],
                "communities": [c.id for c in communities]}


def grow(app, who: dict, first: int, last: int, visits_each: float, rng: random.Random) -> tuple[int, int]:
    """Add households number `first` to `last` - 1 with their categories, visits and referrals, in bulk."""
    from sqlalchemy import func, select, text

    from marketplace.platform.extensions import db
    from marketplace.wishes.models import Beneficiary

    now = datetime.now(UTC)
    today = now.date()
    with app.app_context():
        conn = db.session.connection()
        start_id = (db.session.scalar(select(func.max(Beneficiary.id))) or 0) + 1
        ids = range(start_id, start_id + last - first)
        station = {b: who["stations"][b % STATIONS] for b in ids}
        community = {b: who["communities"][rng.randrange(len(who["communities"]))] for b in ids}
        cats = {}
        for b in ids:
            cats[b] = sorted(set(rng.sample(CATEGORIES, rng.choice((1, 1, 2)))))
        interval = {b: min(INTERVAL.get(c, 30) for c in cats[b]) for b in ids}
        last_visit = {b: today - timedelta(days=int(rng.random() * interval[b] * 1.4)) for b in ids}
        _copy(conn, "beneficiary", (
            "id", "public_code", "organisation_id", "district_id", "category", "age_band", "pseudonym", "full_name",
            "phone", "id_number", "address", "notes", "consent_on", "consent_scope", "registered_by_id",
            "verified_by_id", "verified_at", "reverify_due_on", "created_at"),
            ((b, f"BH{b:010d}", station[b], DISTRICT, "elderly_alone", "80+", f"青禾{b}", "基准", "", "", "", "",
              today, "基准", who["staff"], who["staff"], now, today + timedelta(days=300), now) for b in ids))
        conn.execute(text("SELECT setval(pg_get_serial_sequence('beneficiary', 'id'), :n)"),
                     {"n": start_id + len(ids)})
        enrolled = today - timedelta(days=400)  # in care for over a year: every month compared counts them
        due = {}  # open referrals: one household in thirty
        referrals = []
        for b in ids:
            if b % 30 == 0:
                at = now + timedelta(days=rng.uniform(-10, 10))
                due[b] = at
                referrals.append((b, at))
        _copy(conn, "household_care", (
            "beneficiary_id", "organisation_id", "district_id", "community_id", "facts", "visit_every_days",
            "last_visited_on", "visit_due_on", "referral_due_at", "open_referrals", "updated_at", "enrolled_on"),
            ((b, station[b], DISTRICT, community[b], "[]", interval[b], last_visit[b],
              last_visit[b] + timedelta(days=interval[b]), due.get(b), 1 if b in due else 0, now, enrolled)
             for b in ids))
        _copy(conn, "household_category", ("beneficiary_id", "category"),
              ((b, c) for b in ids for c in cats[b]))
        whole, part = int(visits_each), visits_each - int(visits_each)

        def visits():
            for b in ids:
                for k in range(whole + (1 if rng.random() < part else 0)):
                    yield (b, station[b], last_visit[b] - timedelta(days=k * interval[b]), "home", 30, "", "", "",
                           "", "", who["staff"], now)

        made = _copy(conn, "visit", ("beneficiary_id", "organisation_id", "visited_on", "mode", "minutes", "living",
                                     "health", "housing", "education", "medical", "recorded_by_id", "created_at"),
                     visits())
        statuses = ("accepted", "dispatched")
        _copy(conn, "referral", (
            "public_code", "beneficiary_id", "district_id", "community_id", "need_kind", "urgency", "description",
            "private_details", "source", "proxy_name", "status", "status_changed_at", "organisation_id", "due_at",
            "outcome", "feedback_note", "created_at"),
            ((f"BR{b:010d}", b, DISTRICT, community[b], "living", "normal", "基准", "", "social_worker", "",
              statuses[b % 2], now, station[b] if b % 2 == 0 else None, at, "", "", now - timedelta(days=5))
             for b, at in referrals))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return made, len(referrals)


def measure(app, who: dict, repeat: int) -> dict[str, float]:
    """Time the district officer's board and the monthly comparison; print and return the medians (ms)."""
    from marketplace.auth.models import User
    from marketplace.platform.extensions import db
    from marketplace.referrals import lights
    from marketplace.referrals.comparison import monthly
    from marketplace.referrals.visit_views import PAGE_ROWS

    result = {}
    with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
        officer = db.session.get(User, who["officer"])
        today = datetime.now(UTC).date()

        def board():
            clock = lights.Clock.read()
            counted = lights.tallies(officer, ("community", "organisation"), clock, district_id=DISTRICT)
            per_community, per_org = counted["community"], counted["organisation"]
            rows = lights.board(officer, clock=clock, district_id=DISTRICT, limit=lights.BOARD_PAGE + 1)
            handling = lights.handlers(officer, DISTRICT)  # as the board page: the organisations doing the work
            lights.organisation_lights(set(per_org) | handling, clock)
            return per_community, rows

        for name, work in (("board", board), ("red page", lambda: lights.board(officer, district_id=DISTRICT,
                                                                                light="red")),
                           ("monthly", lambda: monthly(officer, today, DISTRICT, limit=PAGE_ROWS)),
                           ("last month", lambda: monthly(officer, (today.replace(day=1) - timedelta(days=1)),
                                                          DISTRICT, limit=PAGE_ROWS))):
            work()
            db.session.rollback()
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                found = work()
                times.append(time.perf_counter() - started)
                db.session.rollback()
            result[name] = statistics.median(times) * 1000
            if name == "board":
                per_community, rows = found
                shades = {s: sum(c[s] for c in per_community.values()) for s in lights.LIGHTS}
                print(f"    board: {shades['red']:,} red, {shades['yellow']:,} yellow, {shades['green']:,} green "
                      f"households in {len(per_community)} communities; first row {rows[0][1]}")
    return result


def explain(app) -> None:
    """Print PostgreSQL's plan of the board's page query (as the app sends it), for the record."""
    from sqlalchemy import event

    from marketplace.auth.models import User
    from marketplace.platform.extensions import db
    from marketplace.referrals import lights

    captured = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        captured.append((statement, parameters))

    with app.app_context():
        officer = db.session.scalar(db.select(User).where(User.email == "officer@example.org"))
        event.listen(db.engine, "before_cursor_execute", keep)
        try:
            lights.board(officer, district_id=DISTRICT)
        finally:
            event.remove(db.engine, "before_cursor_execute", keep)
        statement, parameters = captured[-1]
        for (line,) in db.session.connection().exec_driver_sql("EXPLAIN ANALYZE " + statement, parameters):
            print("    " + line)
        db.session.rollback()


COMMUNITIES = 150


def main() -> None:
    global COMMUNITIES
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", default="6000,60000", help="sizes, comma separated, ascending")
    parser.add_argument("--visits-per-household", type=float, default=1_000_000 / 60_000)
    parser.add_argument("--communities", type=int, default=COMMUNITIES)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--explain", action="store_true", help="print the board query's plan at each size")
    args = parser.parse_args()
    COMMUNITIES = args.communities
    sizes = [int(s) for s in args.households.split(",")]
    rng = random.Random(17)
    with bench_database(args.database_url) as url:
        app = make_app(url)
        who = setup(app)
        done, figures = 0, {}
        for size in sizes:
            started = time.perf_counter()
            visits, referrals = grow(app, who, done, size, args.visits_per_household, rng)
            done = size
            print(f"\n{size:,} households (added {visits:,} visits, {referrals:,} open referrals "
                  f"in {time.perf_counter() - started:.1f} s)")
            figures[size] = measure(app, who, args.repeat)
            for name, ms in figures[size].items():
                print(f"    {name:10} {ms:8.1f} ms")
            if args.explain:
                explain(app)
        if len(sizes) > 1:
            small, big = sizes[0], sizes[-1]
            print(f"\ngrowth from {small:,} to {big:,} households ({big / small:.0f}x):")
            for name in figures[big]:
                print(f"    {name:10} {figures[big][name] / figures[small][name]:5.1f}x "
                      f"({figures[small][name]:.1f} ms -> {figures[big][name]:.1f} ms)")
        with app.app_context():
            from marketplace.platform.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
