"""Coordinators' and staff's reports on a large database: each report's time on screen and as CSV, XLSX
and PDF. Prints figures, asserts nothing.

    .venv/bin/python bench/reports_bench.py [--credits 400000] [--volunteers 20000] [--gifts 100000]
                                            [--orgs 20] [--repeat 5] [--database postgresql://…/NAME]

Without --database it creates a scratch PostgreSQL database on BENCH_PG and drops it; with --database it
works in a scratch schema of that (existing, UTF-8) database and drops the schema. It writes, in bulk,
`--orgs` volunteer teams with `--volunteers` members, 24 months of activities with `--credits` approved
attendances (each a ledger entry crediting the volunteer's savings; 15% of each team's members never
serve), one hour report per 20 credits (one in ten of them reversed), hours given between volunteers
(which must not count), and `--gifts` gifts into ten funds per team (one in 50 refunded). Then, for one
team's coordinator and for an admin of every team, it prints each report's rows and totals and the median
time (over `--repeat` runs) of `reports.service.run` and of the CSV, XLSX and PDF built from it, for the
default period (12 months)."""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_bench import bench_database  # noqa: E402  (beside this file)
from scratch import make_app  # noqa: E402

CHUNK = 20_000
DAYS = 730
PER_ACTIVITY = 100


class Ids:
    """Next ids of the ledger rows written in bulk."""

    def __init__(self, conn):
        from sqlalchemy import func, select

        from marketplace.ledger.models import LedgerEntry, LedgerPosting

        self.entry = (conn.scalar(select(func.max(LedgerEntry.id))) or 0) + 1
        self.posting = (conn.scalar(select(func.max(LedgerPosting.id))) or 0) + 1
        self.entries: list[dict] = []
        self.postings: list[dict] = []

    def post(self, key: str, kind: str, day: date, lines, reverses_id=None) -> int:
        """Queue a balanced entry (hash fields filled, not chained: the bench never verifies the chain)."""
        entry_id = self.entry
        at = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=10)
        self.entries.append({"id": entry_id, "idempotency_key": key, "kind": kind, "memo": "", "effective_date": day,
                             "created_at": at, "actor_id": None, "reverses_id": reverses_id, "hash_scheme": 2,
                             "actor_salt": None, "lane": entry_id % 16, "seq": entry_id // 16 + 1,
                             "prev_hash": "0" * 64, "hash": "0" * 64})
        for account, amount in lines:
            self.postings.append({"id": self.posting, "entry_id": entry_id, "account_id": account, "amount": amount})
            self.posting += 1
        self.entry += 1
        return entry_id

    def flush(self, conn) -> None:
        from sqlalchemy import insert

        from marketplace.ledger.models import LedgerEntry, LedgerPosting

        if self.entries:
            conn.execute(insert(LedgerEntry.__table__), self.entries)
            conn.execute(insert(LedgerPosting.__table__), self.postings)
        self.entries, self.postings = [], []


def seed(app, orgs: int, volunteers: int, credits: int, gifts: int, rng: random.Random) -> dict:
    """Write the teams, people, activities, hours and gifts; return the ids the timings need."""
    from sqlalchemy import insert, select, text

    from marketplace.auth.models import User
    from marketplace.funds import service as fund_service
    from marketplace.ledger import service as ledger
    from marketplace.ledger.models import LedgerAccount
    from marketplace.orgs.models import Membership, Organisation
    from marketplace.platform.extensions import db
    from marketplace.timebank.models import Activity, Attendance, HourReport

    with app.app_context():
        admin = User(email="admin@example.org", password_hash="bench", display_name="总协调", locale="zh_CN")
        coordinator = User(email="coordinator@example.org", password_hash="bench", display_name="协调员",
                           locale="zh_CN")
        teams = [Organisation(kind="volunteer_team", name_zh=f"义工队{i}", name_en=f"Team {i}",
                              district_id=1 + i % 11, is_verified=True) for i in range(orgs)]
        db.session.add_all([admin, coordinator, *teams])
        db.session.flush()
        db.session.add_all([Membership(organisation=t, user=admin, role="admin") for t in teams]
                           + [Membership(organisation=teams[0], user=coordinator, role="coordinator")])
        db.session.execute(insert(User), [{"email": f"v{n}@example.org", "password_hash": "bench",
                                           "display_name": f"志愿者{n}", "locale": "zh_CN"} for n in range(volunteers)])
        people = list(db.session.scalars(select(User.id).where(User.email.like("v%@example.org")).order_by(User.id)))
        team_of = {user: teams[n % orgs].id for n, user in enumerate(people)}
        db.session.execute(insert(Membership), [{"organisation_id": team_of[u], "user_id": u, "role": "member"}
                                                for u in people])
        db.session.execute(insert(LedgerAccount), [{"unit": "min", "owner_type": "user", "owner_id": u,
                                                    "purpose": "volunteer_savings", "shards": 1} for u in people])
        savings = dict(db.session.execute(select(LedgerAccount.owner_id, LedgerAccount.id).where(
            LedgerAccount.owner_type == "user", LedgerAccount.purpose == "volunteer_savings")).all())
        issued = ledger.platform_account("hours_issued").id
        clearing = ledger.platform_account("stripe_clearing").id
        funds = [fund_service.create_fund(admin, t, kind="general", name_zh=f"{t.name_zh}基金{k}",
                                          name_en=f"{t.name_en} fund {k}", purpose="助老")
                 for t in teams for k in range(10)]
        fund_accounts = [fund_service.fund_account(f).id for f in funds]
        db.session.commit()
        today = datetime.now(UTC).date()
        activities = []
        for a in range(credits // PER_ACTIVITY + 1):
            starts = datetime.combine(today - timedelta(days=1 + a * DAYS // (credits // PER_ACTIVITY + 1)),
                                      datetime.min.time(), UTC) + timedelta(hours=1)
            activities.append({"organisation_id": teams[a % orgs].id, "title": f"长者探访 {a}", "description": "",
                               "category": "elderly_care", "district_id": 1, "address": "", "starts_at": starts,
                               "ends_at": starts + timedelta(hours=2), "signup_cutoff_at": starts - timedelta(hours=2),
                               "capacity": PER_ACTIVITY, "confirmed_count": 0, "skills": "", "is_cancelled": False,
                               "created_by_id": admin.id})
        made = db.session.execute(insert(Activity).returning(Activity.id, Activity.organisation_id,
                                                             Activity.starts_at), activities).all()
        conn = db.session.connection()
        conn.execute(text("SET session_replication_role = replica"))  # balanced by construction: skip row checks
        ids = Ids(conn)
        members = {t.id: [u for u in people if team_of[u] == t.id] for t in teams}
        rows: list[dict] = []
        for n in range(credits):
            activity_id, org_id, starts = made[n // PER_ACTIVITY]
            serving = members[org_id][:max(1, len(members[org_id]) * 85 // 100)]  # the rest never served
            user = serving[(n * 7919 + n // PER_ACTIVITY) % len(serving)]
            minutes = rng.choice((60, 90, 120, 180))
            entry = ids.post(f"attendance:b{n}:approve", "hours.attendance", starts.date(),
                             [(issued, -minutes), (savings[user], minutes)])
            rows.append({"activity_id": activity_id, "user_id": user, "status": "approved", "minutes_granted": minutes,
                         "entry_id": entry, "manual_reason": "", "review_note": "", "checked_in_at": starts,
                         "checked_out_at": starts + timedelta(minutes=minutes)})
            if len(rows) == CHUNK:
                _write(conn, ids, Attendance, rows)
        _write(conn, ids, Attendance, rows)
        reports = []
        for n in range(credits // 20):
            user = people[rng.randrange(len(people) * 85 // 100)]
            day = today - timedelta(days=rng.randrange(1, DAYS))
            entry = ids.post(f"claim:b{n}:approve", "hours.claim", day, [(issued, -60), (savings[user], 60)])
            reversed_ = n % 10 == 0
            if reversed_:
                ids.post(f"reversal:{entry}", "reversal", day, [(issued, 60), (savings[user], -60)], reverses_id=entry)
            reports.append({"user_id": user, "organisation_id": team_of[user], "served_on": day, "minutes": 60,
                            "description": "帮邻居", "evidence_path": "bench.pdf", "evidence_type": "application/pdf",
                            "status": "reversed" if reversed_ else "approved", "entry_id": entry, "review_note": ""})
            if len(reports) == CHUNK:
                _write(conn, ids, HourReport, reports)
        _write(conn, ids, HourReport, reports)
        for n in range(credits // 50):  # hours given to family: not service
            giver, taker = rng.sample(people, 2)
            ids.post(f"gift:{giver}:b{n}", "hours.gift", today - timedelta(days=rng.randrange(DAYS)),
                     [(savings[giver], -30), (savings[taker], 30)])
        for n in range(gifts):
            account = rng.choice(fund_accounts)
            amount = rng.randint(1_000, 50_000)
            day = today - timedelta(days=rng.randrange(DAYS))
            ids.post(f"donation:b{n}", "donation", day, [(clearing, -amount), (account, amount)])
            if n % 50 == 0:
                ids.post(f"refund:b{n}:{amount}", "refund", min(today, day + timedelta(days=3)),
                         [(account, -amount), (clearing, amount)])
            if len(ids.entries) >= CHUNK:
                ids.flush(conn)
        ids.flush(conn)
        conn.execute(text("SET session_replication_role = DEFAULT"))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()
        return {"admin": admin.id, "coordinator": coordinator.id, "team": teams[0].id}


def _write(conn, ids: Ids, model, rows: list[dict]) -> None:
    from sqlalchemy import insert

    ids.flush(conn)
    if rows:
        conn.execute(insert(model.__table__), rows)
    rows.clear()


def measure(app, who: dict, repeat: int) -> None:
    from flask import g

    from marketplace.auth.models import User
    from marketplace.platform.extensions import db
    from marketplace.reports import exports, pdf, service

    for label, user_id in (("one team's coordinator", who["coordinator"]), ("admin of every team", who["admin"])):
        print(f"\n{label}")
        print(f"  {'report':22} {'rows':>7}  {'totals':40} {'screen':>8} {'csv':>8} {'xlsx':>8} {'pdf':>8}")
        with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
            user = db.session.get(User, user_id)
            g.user = user
            for report in service.available(user):
                times: dict[str, list[float]] = {"screen": [], "csv": [], "xlsx": [], "pdf": []}
                for _ in range(repeat):
                    started = time.perf_counter()
                    _report, filters, table = service.run(user, {"report": report.name})
                    times["screen"].append(time.perf_counter() - started)
                    for fmt, build, build_args in (("csv", exports.csv_bytes, (table,)),
                                                   ("xlsx", exports.xlsx_bytes, (table, filters)),
                                                   ("pdf", pdf.render, (table, filters))):
                        started = time.perf_counter()
                        build(*build_args)
                        times[fmt].append(time.perf_counter() - started)
                    db.session.rollback()
                totals = ", ".join(f"{c.key}={t}" for c, t in zip(table.columns, table.totals, strict=True)
                                   if t is not None)
                print(f"  {report.name:22} {len(table.rows):>7}  {totals:40} " + " ".join(
                    f"{statistics.median(times[k]) * 1000:>6.0f}ms" for k in ("screen", "csv", "xlsx", "pdf")))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--credits", type=int, default=400_000)
    parser.add_argument("--volunteers", type=int, default=20_000)
    parser.add_argument("--gifts", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database")
    args = parser.parse_args()
    with bench_database(args.database) as url:
        app = make_app(url)
        started = time.perf_counter()
        who = seed(app, args.orgs, args.volunteers, args.credits, args.gifts, random.Random(16))
        print(f"seeded {args.credits:,} attendance credits, {args.credits // 20:,} hour reports, "
              f"{args.gifts:,} gifts over {args.orgs} teams and {args.volunteers:,} volunteers "
              f"in {time.perf_counter() - started:.0f} s")
        measure(app, who, args.repeat)
        with app.app_context():
            from marketplace.platform.extensions import db

            db.engine.dispose()


if __name__ == "__main__":
    main()
