"""Where a webhook delivery's time goes, in-process on PostgreSQL. Prints figures, asserts nothing.

    .venv/bin/python bench/webhook_profile.py [--deliveries 200] [--lines 0] [--redis redis://127.0.0.1:6379/13]

Creates a scratch database on BENCH_PG (dropped afterwards), writes one fund with `--lines` public lines and
`--deliveries` pending Stripe gifts to it (bench/serving.py's seed), then sends each gift's signed
`checkout.session.completed` event, one after another, through the Flask test client to Stripe's webhook route
(`/payments/stripe/webhook`, signed with a local secret as Stripe signs), with Redis set as in production, so
the receipt is queued in the outbox and its delivery put on RQ after the commit. Prints the median time of a
delivery, the statements it sends and their time, how often a receipt PDF was rendered or an email sent inside
the requests (both must be 0: the worker does them), and cProfile's top functions (the project's and the job
queue's) by cumulative time. The RQ jobs it queued are deleted.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import secrets
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import serving  # noqa: E402  (beside this file)
from scratch import make_app, scratch_database  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--deliveries", type=int, default=200)
    parser.add_argument("--lines", type=int, default=0, help="public lines already in the fund")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    from flask_mailman import EmailMessage
    from redis import Redis
    from sqlalchemy import event

    from marketplace.payments import receipt_pdf
    from marketplace.platform.extensions import db

    redis = Redis.from_url(args.redis)
    keys_before = set(redis.scan_iter(count=1000))
    slow_calls = {"pdf": 0, "email": 0}
    render, send = receipt_pdf.render, EmailMessage.send

    def counted_render(*a, **k):
        slow_calls["pdf"] += 1
        return render(*a, **k)

    def counted_send(self, *a, **k):
        slow_calls["email"] += 1
        return send(self, *a, **k)

    receipt_pdf.render, EmailMessage.send = counted_render, counted_send
    try:
        with scratch_database("gh_bench_profile_") as url:
            secret = "whsec_profile_" + secrets.token_hex(8)
            plan = serving.seed(url, args.lines, args.deliveries)
            events = serving.signed_events(plan["gifts"], secret)
            app = make_app(url, REDIS_URL=args.redis, JOBS_RUN_INLINE=False, MAIL_BACKEND="locmem",
                           STRIPE_WEBHOOK_SECRET=secret, SQLALCHEMY_ENGINE_OPTIONS={})
            with app.app_context():
                statements: list[float] = []
                started_at: dict = {}

                @event.listens_for(db.engine, "before_cursor_execute")
                def _before(conn, cursor, statement, parameters, context, executemany):
                    started_at[id(cursor)] = time.perf_counter()

                @event.listens_for(db.engine, "after_cursor_execute")
                def _after(conn, cursor, statement, parameters, context, executemany):
                    statements.append(time.perf_counter() - started_at.pop(id(cursor), time.perf_counter()))

                db.session.remove()
            client = app.test_client()
            times, counts, sql_times, outcomes = [], [], [], {}
            profile, first = cProfile.Profile(), cProfile.Profile()
            for n, (signature, body) in enumerate(events):
                profiler = first if n == 0 else profile
                before = len(statements)
                headers = {"Stripe-Signature": signature, "Content-Type": "application/json"}
                began = time.perf_counter()
                profiler.enable()
                answer = client.post("/payments/stripe/webhook", data=body, headers=headers)
                profiler.disable()
                times.append(time.perf_counter() - began)
                counts.append(len(statements) - before)
                sql_times.append(sum(statements[before:]))
                outcome = (answer.json or {}).get("outcome", answer.status_code)
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
            with app.app_context():
                db.engine.dispose()
    finally:
        receipt_pdf.render, EmailMessage.send = render, send
        new = [key for key in redis.scan_iter(count=1000) if key not in keys_before]
        for start in range(0, len(new), 500):
            redis.delete(*new[start:start + 500])
    warm = slice(min(10, len(times) // 4), None)  # the first deliveries warm the caches and connections
    print(f"{len(events)} signed checkout.session.completed events, one at a time, through the test client "
          f"(outcomes {outcomes}), one fund of {args.lines:,} lines:")
    print(f"    a delivery: median {statistics.median(times[warm]) * 1000:.1f} ms, of which SQL "
          f"{statistics.median(sql_times[warm]) * 1000:.1f} ms in {statistics.median(counts[warm]):.0f} statements "
          f"(max {max(counts[warm])}); slowest {max(times[warm]) * 1000:.1f} ms")
    print(f"    the first delivery of this process (cold): {times[0] * 1000:.1f} ms")
    print(f"    inside the requests: receipt PDFs rendered {slow_calls['pdf']}, emails sent {slow_calls['email']} "
          "(the outbox worker does both after the commit)")
    print(f"cProfile of the first delivery, top {args.top} by cumulative time:")
    pstats.Stats(first).sort_stats("cumulative").print_stats(args.top)
    print(f"cProfile over the other deliveries, the project's functions and the job queue's, top {args.top} by "
          "cumulative time:")
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(r"/marketplace/|/rq/|/redis/", args.top)


if __name__ == "__main__":
    main()
