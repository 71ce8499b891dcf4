"""Public accounts at scale: page times with many ledger lines, and export memory. Prints figures, asserts nothing.

    .venv/bin/python bench/transparency_bench.py [--lines 1000000] [--funds 1000] [--orgs 20] [--repeat 30]

Uses SQLite in a temporary directory, or the database in DATABASE_URL (PostgreSQL: give an empty
scratch database, or a scratch schema with `?options=-csearch_path%3Dname`; the bench migrates it and
fills it, and leaves it for you to drop). It writes `--lines` fund transactions (each a
balanced two-posting ledger entry chained onto the hash-chain lanes, with the gift or payment row
behind it: nine gifts for each payment, some refunds' worth of variety left out) spread over
`--funds` funds of `--orgs` organisations and 24 months, in bulk. Then it prints the median time
(Flask test client, no network) of a fund's first page, a deep page (a cursor near the fund's oldest
line), an organisation's page and the platform overview, each with the first, cold hit (figures not
yet cached) and whether the figures are cached; and the peak memory (tracemalloc) of streaming every
line through `marketplace.transparency.opendata.stream_lines` as JSON and CSV at a quarter of the size
and at the full size (last: it takes longest), to show that memory stays flat.

After writing the lines it folds them into the funds' monthly sums (`flask transparency rollup --rebuild`
does the same to a database filled another way), so a fund's totals and chart are read from those sums.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import make_app  # noqa: E402  (beside this file)

CHUNK = 20_000
DAYS = 730


class World:
    """Ids of what the seed wrote, and the running state the bulk writer carries between phases."""

    def __init__(self):
        self.fund_ids: list[int] = []
        self.accounts: dict[int, int] = {}  # fund id → ledger account id
        self.org_of: dict[int, int] = {}
        self.balance: dict[int, int] = {}
        self.written = 0


def build(app, world: World, orgs: int, funds: int) -> None:
    """Write the organisations, staff, donors and funds (with their ledger accounts) through the services."""
    from marketplace.auth.models import User
    from marketplace.funds import service as fund_service
    from marketplace.orgs.models import Membership, Organisation
    from marketplace.platform.extensions import db

    with app.app_context():
        staff = User(email="staff@example.org", password_hash="bench", display_name="社工")
        db.session.add(staff)
        donors = [User(email=f"donor{i}@example.org", password_hash="bench", display_name=f"爱心人士{i}")
                  for i in range(50)]
        db.session.add_all(donors)
        made = []
        for i in range(orgs):
            org = Organisation(kind="charity", name_zh=f"基金会{i}", name_en=f"Foundation {i}",
                               district_id=1 + i % 11, is_verified=True)
            db.session.add_all([org, Membership(organisation=org, user=staff, role="admin")])
            made.append(org)
        db.session.commit()
        kinds = ("general", "project", "named", "community")
        for n in range(funds):
            org = made[n % orgs]
            kind = kinds[n % len(kinds)]
            fund = fund_service.create_fund(staff, org, kind=kind, name_zh=f"基金{n}", name_en=f"Fund {n}",
                                            purpose="助老助困", district_id=1 + n % 11 if kind == "community" else None,
                                            named_after="陈先生" if kind == "named" else "")
            world.fund_ids.append(fund.id)
            world.accounts[fund.id] = fund_service.fund_account(fund).id
            world.org_of[fund.id] = org.id
            world.balance[fund.id] = 0
        world.staff_id, world.donor_ids = staff.id, [d.id for d in donors]
        from marketplace.ledger import service as ledger

        world.clearing = ledger.platform_account("stripe_clearing").id
        world.disbursed = {o.id: ledger.open_account("organisation", o.id, "disbursed").id for o in made}
        db.session.commit()


def seed_lines(app, world: World, count: int, rng: random.Random) -> None:
    """Append `count` fund transactions in bulk: valid, balanced, hash-chained entries and their rows."""
    from sqlalchemy import func, insert, select, text, update

    from marketplace.funds.models import Disbursement
    from marketplace.ledger import chain
    from marketplace.ledger.models import LedgerBalance, LedgerChain, LedgerEntry, LedgerPosting
    from marketplace.payments.models import Donation
    from marketplace.platform.extensions import db
    from marketplace.wishes.models import new_public_code

    with app.app_context():
        conn = db.session.connection()
        postgres = conn.dialect.name == "postgresql"
        if postgres:  # the rows below are balanced by construction; skip the per-row deferred checks
            conn.execute(text("SET session_replication_role = replica"))
        heads = {lane: [seq, head] for lane, seq, head in conn.execute(
            select(LedgerChain.lane, LedgerChain.seq, LedgerChain.head_hash))}
        entry_id = (conn.scalar(select(func.max(LedgerEntry.id))) or 0) + 1
        posting_id = (conn.scalar(select(func.max(LedgerPosting.id))) or 0) + 1
        gift_id = (conn.scalar(select(func.max(Donation.id))) or 0) + 1
        paid_id = (conn.scalar(select(func.max(Disbursement.id))) or 0) + 1
        start = datetime.now(UTC) - timedelta(days=DAYS)
        moved: dict[int, int] = {}
        done = 0
        while done < count:
            size = min(CHUNK, count - done)
            entries, postings, gifts, payments = [], [], [], []
            for i in range(size):
                # time moves forward with the ids, as it does in real life
                at = start + timedelta(seconds=(world.written + i) * DAYS * 86400 // max(1, world.target))
                fund_id = rng.choice(world.fund_ids)
                account = world.accounts[fund_id]
                balance = world.balance[fund_id]
                pay = balance > 50_000 and rng.random() < 0.1
                if pay:
                    amount = rng.randint(1_000, min(balance, 80_000))
                    code = new_public_code()
                    key, kind, memo = f"disbursement:{paid_id}", "disbursement", f"disbursement {code}"
                    other = world.disbursed[world.org_of[fund_id]]
                    lines = [(account, -amount), (other, amount)]
                    payments.append({"id": paid_id, "public_code": code, "fund_id": fund_id, "payee": "五金店",
                                     "purpose": "修门", "amount_fen": amount, "evidence_path": "bench.pdf",
                                     "evidence_type": "application/pdf",
                                     "public_evidence_path": "bench-redacted.pdf" if rng.random() < 0.7 else "",
                                     "status": "paid", "requested_by_id": world.staff_id,
                                     "decided_by_id": world.staff_id, "decided_at": at, "entry_id": entry_id,
                                     "created_at": at, "reject_reason": ""})
                    paid_id += 1
                else:
                    amount = rng.randint(1_000, 50_000)
                    code = new_public_code()
                    key, kind, memo = f"donation:{gift_id}", "donation", f"donation {code}"
                    lines = [(world.clearing, -amount), (account, amount)]
                    gifts.append({"id": gift_id, "public_code": code, "fund_id": fund_id,
                                  "donor_id": rng.choice(world.donor_ids), "amount_fen": amount,
                                  "display": ("name", "masked", "anonymous")[gift_id % 3], "message": "",
                                  "provider": "demo", "status": "completed", "fee_fen": 0, "refunded_fen": 0,
                                  "disputed_fen": 0, "entry_id": entry_id, "created_at": at, "completed_at": at,
                                  "evidence_path": "", "evidence_type": "", "reference": "", "payer_name": ""})
                    gift_id += 1
                world.balance[fund_id] = balance + (-amount if pay else amount)
                for acc, n in lines:
                    moved[acc] = moved.get(acc, 0) + n
                lane = entry_id % 16
                seq, prev = heads[lane]
                content = chain.canonical(lane=lane, seq=seq + 1, key=key, kind=kind, memo=memo,
                                          effective_date=at.date(), created_at=at, actor_ref=None, reverses_id=None,
                                          postings=[(a, "fen", n) for a, n in lines])
                digest = chain.entry_hash(prev, content)
                heads[lane] = [seq + 1, digest]
                entries.append({"id": entry_id, "idempotency_key": key, "kind": kind, "memo": memo,
                                "effective_date": at.date(), "created_at": at, "actor_id": None, "reverses_id": None,
                                "hash_scheme": chain.SCHEME_VERSION, "actor_salt": None, "lane": lane, "seq": seq + 1,
                                "prev_hash": prev, "hash": digest})
                for acc, n in lines:
                    postings.append({"id": posting_id, "entry_id": entry_id, "account_id": acc, "amount": n})
                    posting_id += 1
                entry_id += 1
            # SQLite checks each entry's balance when the entry row arrives: postings first
            conn.execute(insert(LedgerPosting.__table__), postings)
            conn.execute(insert(LedgerEntry.__table__), entries)
            if gifts:
                conn.execute(insert(Donation.__table__), gifts)
            if payments:
                conn.execute(insert(Disbursement.__table__), payments)
            done += size
            world.written += size
        for lane, (seq, head) in heads.items():
            conn.execute(update(LedgerChain.__table__).where(LedgerChain.lane == lane).values(seq=seq, head_hash=head))
        for acc, n in moved.items():
            conn.execute(update(LedgerBalance.__table__).where(LedgerBalance.account_id == acc,
                                                               LedgerBalance.shard == 0)
                         .values(posted=LedgerBalance.posted + n))
        if postgres:
            conn.execute(text("SET session_replication_role = DEFAULT"))
        db.session.commit()
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def fold(app) -> None:
    """Fold the bulk-written lines into the funds' monthly sums, as `flask transparency rollup --rebuild` does
    (a bulk load bypasses the ledger's services; the pages would otherwise add the lines up)."""
    from marketplace.transparency import rollup

    with app.app_context():
        started = time.perf_counter()
        count = rollup.rebuild()
        print(f"{count:,} lines folded into the funds' monthly sums in {time.perf_counter() - started:.1f} s")


def world_from(app) -> World:
    """Read back what an earlier run wrote (for --pages-only)."""
    from sqlalchemy import select

    from marketplace.funds.models import Fund
    from marketplace.ledger.models import LedgerAccount
    from marketplace.platform.extensions import db

    world = World()
    with app.app_context():
        for fund_id, org_id, account_id in db.session.execute(
                select(Fund.id, Fund.organisation_id, LedgerAccount.id)
                .join(LedgerAccount, LedgerAccount.owner_id == Fund.id)
                .where(LedgerAccount.owner_type == "fund", LedgerAccount.purpose == "fund")):
            world.fund_ids.append(fund_id)
            world.org_of[fund_id], world.accounts[fund_id] = org_id, account_id
        db.session.remove()
    return world


def timed(client, path: str, repeat: int) -> tuple[float, float]:
    """Return the first (cold) and the median of `repeat` further response times in ms; fail loudly on non-200."""
    times = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    return times[0], statistics.median(times[1:])


def pages(app, world: World, repeat: int) -> None:
    from sqlalchemy import func, select

    from marketplace.api.pagination import encode_cursor
    from marketplace.funds.models import Fund
    from marketplace.ledger.models import LedgerPosting
    from marketplace.platform.extensions import db
    from marketplace.transparency import cache

    with app.app_context():
        busiest = db.session.execute(select(LedgerPosting.account_id, func.count()).where(
            LedgerPosting.account_id.in_(list(world.accounts.values()))).group_by(LedgerPosting.account_id)
            .order_by(func.count().desc()).limit(1)).one()
        fund_id = next(f for f, a in world.accounts.items() if a == busiest[0])
        fund = db.session.get(Fund, fund_id)
        oldest = db.session.scalars(select(LedgerPosting.id).where(LedgerPosting.account_id == busiest[0])
                                    .order_by(LedgerPosting.id).limit(60)).all()
        code, org_id, deep = fund.public_code, fund.organisation_id, encode_cursor(oldest[-1])
        org_funds = sum(1 for f in world.org_of.values() if f == org_id)
        db.session.remove()
    client = app.test_client()
    ttl = app.config["TRANSPARENCY_CACHE_SECONDS"]
    print(f"Page times (ms, Flask test client; figures cached for {ttl} s; cold = first hit, nothing cached, "
          "templates compiled on the way; figures afresh = the figures computed again in a warm process):")
    cache.clear()
    for label, path in ((f"fund, first page ({busiest[1]:,} lines)", f"/transparency/funds/{code}"),
                        ("fund, deep page (its oldest 50 lines)", f"/transparency/funds/{code}?after={deep}"),
                        (f"organisation ({org_funds} funds)", f"/transparency/orgs/{org_id}"),
                        ("platform overview", "/transparency/")):
        cold, median = timed(client, path, repeat)
        cache.clear()
        started = time.perf_counter()
        client.get(path)
        afresh = (time.perf_counter() - started) * 1000
        print(f"    {label:<46} cold {cold:9.1f}   median of {repeat} {median:8.1f}  (cached figures)"
              f"   figures afresh {afresh:8.1f}")
    etag = client.get(f"/transparency/funds/{code}").headers.get("ETag")
    if etag:  # a browser or proxy asking again with the ETag it holds: 304, nothing rendered
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            answer = client.get(f"/transparency/funds/{code}", headers={"If-None-Match": etag})
            times.append((time.perf_counter() - started) * 1000)
        print(f"    {'fund, first page, If-None-Match':<46} {'':14}   median {statistics.median(times):14.1f}"
              f"  ({answer.status_code})")
    app.config["TRANSPARENCY_CACHE_SECONDS"] = 0
    for label, path in (("fund, first page, cache off", f"/transparency/funds/{code}"),
                        ("organisation, cache off", f"/transparency/orgs/{org_id}")):
        _, median = timed(client, path, max(3, repeat // 5))
        print(f"    {label:<46} {'':14}   median {median:14.1f}")
    app.config["TRANSPARENCY_CACHE_SECONDS"] = ttl


def export_memory(app, lines: int) -> None:
    """Stream every line as JSON and CSV and print the peak traced memory."""
    try:
        from marketplace.transparency.opendata import stream_lines
    except ImportError:
        print("    export: marketplace.transparency.opendata.stream_lines does not exist yet; skipped")
        return
    with app.app_context():
        for fmt in ("json", "csv"):
            tracemalloc.start()
            started, size = time.perf_counter(), 0
            for chunk in stream_lines(fmt):
                size += len(chunk)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"    export {fmt:<4} at {lines:>9,} lines: peak {peak / 2**20:7.1f} MiB, "
                  f"{size / 2**20:8.1f} MiB written in {time.perf_counter() - started:6.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--funds", type=int, default=1000)
    parser.add_argument("--orgs", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", metavar="FILE", help="write the SQLite database to FILE and keep it")
    parser.add_argument("--no-export", action="store_true", help="skip the export memory figures (the slow part)")
    parser.add_argument("--pages-only", action="store_true",
                        help="only time the pages, on the database an earlier run filled (DATABASE_URL or --keep)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # figures appear as they come, even into a file
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{args.keep or f'{tmp}/bench.sqlite3'}"
        url = url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
        app = make_app(url, REDIS_URL=None, UPLOAD_FOLDER=tmp, BABEL_DEFAULT_LOCALE="en",
                       SQLALCHEMY_ENGINE_OPTIONS={})
        if args.pages_only:
            pages(app, world_from(app), args.repeat)
            return
        with app.app_context():
            upgrade()
        world, rng = World(), random.Random(args.seed)
        world.target = args.lines
        started = time.perf_counter()
        build(app, world, args.orgs, args.funds)
        quarter = args.lines // 4
        seed_lines(app, world, quarter, rng)
        print(f"{'PostgreSQL' if url.startswith('postgresql') else 'SQLite'}: {args.funds:,} funds of "
              f"{args.orgs} organisations; {quarter:,} lines written in {time.perf_counter() - started:.1f} s")
        if not args.no_export:
            export_memory(app, quarter)
        seed_lines(app, world, args.lines - quarter, rng)
        print(f"{args.lines:,} lines (fund transactions, {2 * args.lines:,} postings) written in "
              f"{time.perf_counter() - started:.1f} s in all")
        fold(app)
        pages(app, world, args.repeat)
        if not args.no_export:
            export_memory(app, args.lines)


if __name__ == "__main__":
    main()
