"""Ledger throughput and balance-read benchmark on PostgreSQL; prints figures, asserts nothing.

    .venv/bin/python bench/ledger_bench.py [--seconds 8] [--workers 1,4,8] [--big 1000000]
    .venv/bin/python bench/ledger_bench.py --profile 2000   # where one worker's transfer spends its time

Creates scratch databases on BENCH_PG (default postgresql://postgres@127.0.0.1:5432) and
drops them afterwards. Scenarios, each run with 1, 4 and 8 worker processes:
  (a) transfers between distinct volunteer accounts,
  (b) donations from distinct donors all credited to one popular fund,
  (c) hours issued to distinct volunteers from the single issuance account.
pgbench's TPC-B-like script (also one transfer per transaction, `-c 8 -j 2`, as long as each
scenario) runs on a scratch database of the same server before and after the scenarios, so the
ratios compare figures of the same run and show how much the machine drifted. The target is
transfers/s at 8 workers >= 0.5 x pgbench tps, counting transfers (entries), not postings.
Last, the time to read a balance with 10 and with 1,000,000 postings.
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import SERVER, make_app, psql, scratch_database  # noqa: E402  (beside this file)

from marketplace.ledger.causes import Cause


def prepare(url: str, workers: int) -> dict:
    """Open the accounts every scenario needs; return their ids per worker."""
    from marketplace.ledger import service
    from marketplace.platform.extensions import db

    app = make_app(url)
    with app.app_context():
        plan = {"fund": service.open_account("fund", 1, "fund").id,
                "issued": service.platform_account("hours_issued").id, "workers": []}
        for w in range(workers):
            volunteers = [service.open_account("user", 10_000 * (w + 1) + i, "volunteer_savings").id
                          for i in range(20)]
            for v in volunteers:
                service.post([(plan["issued"], -10**9), (v, 10**9)], cause=Cause.test(f"seed-{v}"), kind="seed")
            donors = [service.open_account("user", 10_000 * (w + 1) + i, "donor").id for i in range(20)]
            plan["workers"].append({"volunteers": volunteers, "donors": donors})
        db.session.commit()
    return plan


def worker(url, scenario, mine, shared, seconds, start_at, queue):
    import random

    from marketplace.platform.extensions import db

    app = make_app(url)
    rng = random.Random()
    count = 0
    with app.app_context():
        db.session.execute(db.text("SELECT 1"))
        while time.time() < start_at:
            time.sleep(0.001)
        deadline = start_at + seconds
        while time.time() < deadline:
            transfer(scenario, rng, mine, shared)
            count += 1
    queue.put(count)


def transfer(scenario: str, rng, mine: dict, shared: dict) -> None:
    """Post and commit one transfer of the scenario, as a domain service would."""
    from marketplace.ledger import service
    from marketplace.platform.extensions import db

    if scenario == "a":
        source, target = rng.sample(mine["volunteers"], 2)
    elif scenario == "b":
        source, target = rng.choice(mine["donors"]), shared["fund"]
    else:
        source, target = shared["issued"], rng.choice(mine["volunteers"])
    service.post([(source, -1), (target, 1)], cause=Cause.test(f"{scenario}-{secrets.token_hex(8)}"), kind="bench")
    db.session.commit()


def profile(url: str, plan: dict, transfers: int) -> None:
    """Where one worker's transfer spends its time: client CPU, round trips, time inside the database."""
    import cProfile
    import pstats
    import random

    import psycopg

    from marketplace.platform.extensions import db

    app = make_app(url)
    waits = 0
    real_wait = psycopg.Connection.wait

    def counted_wait(self, *args, **kwargs):  # one call per round trip to the server
        nonlocal waits
        waits += 1
        return real_wait(self, *args, **kwargs)

    psycopg.Connection.wait = counted_wait
    rng = random.Random()
    with app.app_context():
        db.session.execute(db.text("SET track_functions = 'all'"))
        db.session.commit()
        print(f"Profile: 1 worker, {transfers} transfers per scenario after 200 to warm up")
        for scenario in "bc":
            for _ in range(200):
                transfer(scenario, rng, plan["workers"][0], plan)
            flush_statistics()
            db.session.execute(db.text("SELECT pg_stat_reset()"))
            db.session.commit()
            waits, cpu, wall = 0, time.process_time(), time.perf_counter()
            for _ in range(transfers):
                transfer(scenario, rng, plan["workers"][0], plan)
            cpu, wall, trips = time.process_time() - cpu, time.perf_counter() - wall, waits
            flush_statistics()
            server = dict(db.session.execute(db.text("SELECT funcname, total_time FROM pg_stat_user_functions")).all())
            db.session.commit()
            print(f"  ({scenario}) per transfer: {wall / transfers * 1000:.3f} ms wall, "
                  f"{cpu / transfers * 1000:.3f} ms client CPU, {trips / transfers:.1f} round trips; "
                  f"inside the database: ledger_write_entry {server.get('ledger_write_entry', 0) / transfers:.3f} ms, "
                  f"balance check at commit "
                  f"{server.get('ledger_check_entry_balanced', 0) / transfers:.3f} ms")
        profiler = cProfile.Profile(time.process_time)
        profiler.runcall(lambda: [transfer("c", rng, plan["workers"][0], plan) for _ in range(transfers)])
        print("  client CPU by function, scenario (c), cProfile (adds its own overhead):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"ledger|session.py.*commit|cursor.py.*execute", 14)
    psycopg.Connection.wait = real_wait


def flush_statistics() -> None:
    """Make this backend's function timings visible in pg_stat_user_functions now."""
    from marketplace.platform.extensions import db

    db.session.execute(db.text("SELECT pg_stat_force_next_flush()"))
    db.session.commit()
    db.session.execute(db.text("SELECT 1"))
    db.session.commit()


def throughput(url, plan, scenario, workers, seconds) -> float:
    queue: mp.Queue = mp.Queue()
    start_at = time.time() + 3
    procs = [mp.Process(target=worker, args=(url, scenario, plan["workers"][w], plan, seconds, start_at, queue))
             for w in range(workers)]
    for p in procs:
        p.start()
    total = sum(queue.get() for _ in procs)
    for p in procs:
        p.join()
    return total / seconds


TARGET = 0.5  # transfers/s at 8 workers ÷ pgbench TPC-B tps at 8 clients


def pgbench_tps(seconds: int) -> float:
    """Run pgbench's TPC-B-like script with 8 clients on a fresh scratch database; return its tps."""
    name = f"goodhours_pgbench_{secrets.token_hex(4)}"
    psql("postgres", f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(["pgbench", "-i", "-q", f"{SERVER}/{name}"], check=True, capture_output=True)
        out = subprocess.run(["pgbench", "-c", "8", "-j", "2", "-T", str(seconds), f"{SERVER}/{name}"],
                             check=True, capture_output=True, text=True).stdout
        line = next(ln for ln in out.splitlines() if ln.startswith("tps"))
        return float(line.split("=")[1].split()[0])
    finally:
        psql("postgres", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def report_ratios(results: dict[str, list[float]], workers: int, column: int, before: float, after: float) -> None:
    """Print each scenario's transfers/s at `workers` against pgbench's tps before and after, and the target."""
    mean = (before + after) / 2
    print(f"\npgbench TPC-B-like, -c 8 -j 2, as long as each scenario: {before:.0f} tps before the scenarios, "
          f"{after:.0f} tps after (mean {mean:.0f})")
    print(f"At {workers} workers, transfers/s ÷ pgbench tps (target >= {TARGET}; before / after / mean):")
    for scenario in "abc":
        r = results[scenario][column]
        ratios = [r / tps for tps in (before, after, mean)]
        verdict = "meets the target" if ratios[2] >= TARGET else "below the target"
        print(f"  ({scenario}) {r:.0f} transfers/s = {2 * r:.0f} postings/s; transfers ÷ pgbench tps "
              f"{ratios[0]:.2f} / {ratios[1]:.2f} / {ratios[2]:.2f}, {verdict} (postings ÷ tps {2 * r / mean:.2f})")


def balance_reads(url: str, big: int) -> tuple[float, float, float]:
    """Median balance read (ms) for 10 and `big` postings, and one sum over the big account's postings."""
    from marketplace.ledger import service
    from marketplace.platform.extensions import db

    app = make_app(url)
    with app.app_context():
        small = service.open_account("user", 1, "test_fen")
        large = service.open_account("user", 2, "test_fen")
        sink = service.open_account("user", 3, "test_fen")
        for i in range(10):
            service.post([(sink, -1), (small, 1)], cause=Cause.test(f"small-{i}"), kind="bench")
        db.session.commit()
        seed_bulk(large.id, sink.id, big)

        def median_ms(account_id):
            times = []
            for _ in range(200):
                t = time.perf_counter()
                service.balance(account_id)
                times.append(time.perf_counter() - t)
                db.session.rollback()
            return statistics.median(times) * 1000

        t = time.perf_counter()
        db.session.execute(db.text("SELECT sum(amount) FROM ledger_posting WHERE account_id = :a"), {"a": large.id})
        scan = (time.perf_counter() - t) * 1000
        return median_ms(small.id), median_ms(large.id), scan


def seed_bulk(account_id: int, sink_id: int, count: int) -> None:
    """Write `count` one-fen entries to an account in bulk (triggers off: a scratch database)."""
    from marketplace.platform.extensions import db

    db.session.execute(db.text("SET session_replication_role = replica"))
    db.session.execute(db.text("""
        INSERT INTO ledger_entry (id, idempotency_key, kind, memo, effective_date, created_at, lane, seq,
                                  prev_hash, hash)
        SELECT 1000000000 + g, 'bulk-' || g, 'bench', '', current_date, now(), 15, 1000000 + g,
               repeat('0', 64), repeat('0', 64)
        FROM generate_series(1, :n) g"""), {"n": count})
    db.session.execute(db.text("""
        INSERT INTO ledger_posting (entry_id, account_id, amount)
        SELECT 1000000000 + g, a.account, a.amount FROM generate_series(1, :n) g
        CROSS JOIN (VALUES (:target, 1), (:sink, -1)) AS a(account, amount)"""),
        {"n": count, "target": account_id, "sink": sink_id})
    db.session.execute(db.text("UPDATE ledger_balance SET posted = posted + :n WHERE account_id = :a AND shard = 0"),
                       {"n": count, "a": account_id})
    db.session.execute(db.text("UPDATE ledger_balance SET posted = posted - :n WHERE account_id = :a AND shard = 0"),
                       {"n": count, "a": sink_id})
    db.session.execute(db.text("SET session_replication_role = DEFAULT"))
    db.session.commit()
    db.session.execute(db.text("ANALYZE ledger_posting"))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--workers", default="1,4,8")
    parser.add_argument("--big", type=int, default=1_000_000)
    parser.add_argument("--profile", type=int, metavar="TRANSFERS",
                        help="instead, profile one worker posting this many transfers per scenario")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]

    with scratch_database() as url:
        plan = prepare(url, max(counts))
        if args.profile:
            profile(url, plan, args.profile)
            return
        results = {}
        before = pgbench_tps(args.seconds)
        print(f"Ledger throughput on PostgreSQL ({args.seconds} s per run; one entry = one transfer = 2 postings)")
        print(f"{'scenario':<44}" + "".join(f"{f'{n} worker(s)':>14}" for n in counts))
        for scenario, label in (("a", "(a) transfers between distinct accounts"),
                                ("b", "(b) donations to one popular fund"),
                                ("c", "(c) hours issued from one issuance account")):
            results[scenario] = [throughput(url, plan, scenario, n, args.seconds) for n in counts]
            print(f"{label:<44}" + "".join(f"{r:>10.0f} e/s" for r in results[scenario]))
        after = pgbench_tps(args.seconds)
        report_ratios(results, max(counts), counts.index(max(counts)), before, after)
        small, large, scan = balance_reads(url, args.big)
        print(f"\nBalance read, median of 200: 10 postings {small:.3f} ms; {args.big:,} postings {large:.3f} ms "
              f"(ratio {large / small:.2f}); summing the postings instead takes {scan:.0f} ms")


if __name__ == "__main__":
    main()
