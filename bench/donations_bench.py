"""Webhook deliveries for one popular fund on PostgreSQL. Prints figures, asserts nothing.

    .venv/bin/python bench/donations_bench.py [--deliveries 2000] [--duplicates 0.10] [--senders 8]
                                              [--receipts] [--database postgresql://postgres@127.0.0.1:5432/NAME]

Without --database it creates a scratch database on BENCH_PG and drops it; with --database it
works in a scratch schema of that database and drops the schema. It writes pending demo
donations to one fund in bulk, builds each one's signed `checkout.session.completed` event (as
the demo checkout does; 10% of the deliveries repeat an event already in the list, some of
them at the same moment), and `--senders` threads, each with its own app context and session,
pass them to `webhooks.handle` — the code behind `POST /payments/stripe/webhook` after the
request is read. Prints events per second, the outcomes, and the duplicates posted (ledger
entries beyond one per donation, or a fund balance other than the sum): must be 0. Receipts
are not sent unless `--receipts` (mail and PDF are another measurement).
"""
from __future__ import annotations

import argparse
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from claims_bench import bench_database  # noqa: E402  (beside this file)
from scratch import make_app  # noqa: E402

AMOUNT = 10_000  # ¥100 each


def seed(unique: int) -> dict:
    """Write a charity, its staff, one fund and `unique` pending demo donations to it, in bulk."""
    from sqlalchemy import insert, select

    from marketplace.auth.models import User
    from marketplace.funds import service as funds
    from marketplace.orgs.models import Membership, Organisation
    from marketplace.payments.models import Donation
    from marketplace.platform.extensions import db
    from marketplace.wishes.models import new_public_code

    staff = User(email="staff@example.org", password_hash="bench", display_name="社工")
    donor = User(email="donor@example.org", password_hash="bench", display_name="爱心人士")
    org = Organisation(kind="charity", name_zh="爱心基金会", name_en="Care Foundation", district_id=1,
                       is_verified=True)
    db.session.add_all([staff, donor, org, Membership(organisation=org, user=staff, role="staff")])
    db.session.commit()
    fund = funds.create_fund(staff, org, kind="general", name_zh="热门基金", name_en="Popular Fund")
    codes = [new_public_code() for _ in range(unique)]
    db.session.execute(insert(Donation), [
        {"public_code": code, "fund_id": fund.id, "donor_id": donor.id, "amount_fen": AMOUNT, "display": "masked",
         "message": "", "provider": "demo", "status": "pending", "checkout_id": f"cs_demo_{code}"}
        for code in codes])
    db.session.commit()
    ids = list(db.session.scalars(select(Donation.id).where(Donation.fund_id == fund.id).order_by(Donation.id)))
    return {"fund": fund.id, "donations": ids}


def payloads(donation_ids: list[int]) -> list[bytes]:
    from marketplace.payments import demo_provider
    from marketplace.payments.models import Donation
    from marketplace.platform.extensions import db

    return [demo_provider.event_for(db.session.get(Donation, i)) for i in donation_ids]


def run(app, bodies: list[bytes], senders: int) -> tuple[Counter, float]:
    """Deliver the bodies from `senders` threads released together; return the outcomes and seconds."""
    from marketplace.payments import rules, webhooks
    from marketplace.payments.gateway import sign
    from marketplace.platform.extensions import db

    with app.app_context():
        secret = rules.demo_webhook_secret()
    barrier = threading.Barrier(senders + 1)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def sender(share: list[bytes]) -> None:
        seen: Counter = Counter()
        with app.app_context():
            barrier.wait()
            for body in share:
                try:
                    seen[webhooks.handle(body, sign(body, secret), secret, provider="demo").outcome] += 1
                except Exception as error:  # noqa: BLE001  (counted; a benchmark reports rather than stops)
                    db.session.rollback()
                    seen[f"error: {type(error).__name__}"] += 1
            db.session.remove()
        with lock:
            outcomes.update(seen)

    threads = [threading.Thread(target=sender, args=(bodies[n::senders],)) for n in range(senders)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return outcomes, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--duplicates", type=float, default=0.10)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--receipts", action="store_true", help="also send each receipt after the commit")
    parser.add_argument("--database", help="an existing PostgreSQL database to work in (a scratch schema)")
    args = parser.parse_args()
    repeats = int(args.deliveries * args.duplicates)
    unique = args.deliveries - repeats
    with bench_database(args.database) as url:
        from sqlalchemy import func, select, text

        from marketplace.funds import service as funds
        from marketplace.ledger import service as ledger
        from marketplace.payments import receipts
        from marketplace.platform.extensions import db

        if not args.receipts:
            receipts.send_receipt = lambda donation: None
        app = make_app(url, REDIS_URL=None, MAIL_BACKEND="locmem",
                       SQLALCHEMY_ENGINE_OPTIONS={"pool_size": args.senders + 2})
        with app.app_context():
            data = seed(unique)
            bodies = payloads(data["donations"])
            db.session.remove()
        rng = random.Random(6)
        deliveries = bodies + [rng.choice(bodies) for _ in range(repeats)]
        rng.shuffle(deliveries)
        outcomes, seconds = run(app, deliveries, args.senders)
        with app.app_context():
            fund = funds.get_fund(data["fund"])
            balance = ledger.balance(funds.fund_account(fund)).posted
            entries = db.session.scalar(text("SELECT count(*) FROM ledger_entry WHERE kind = 'donation'"))
            events = db.session.scalar(text("SELECT count(*) FROM payment_event"))
            from marketplace.payments.models import Donation

            completed = db.session.scalar(select(func.count(Donation.id)).where(Donation.status == "completed"))
            receipts_given = db.session.scalar(text("SELECT count(DISTINCT receipt_no) FROM donation "
                                                    "WHERE receipt_no IS NOT NULL"))
            db.session.remove()
            db.engine.dispose()
    duplicates_posted = max(0, entries - unique) + max(0, outcomes["completed"] - unique)
    print(f"{len(deliveries):,} webhook deliveries ({repeats:,} repeats of {unique:,} events) to one fund from "
          f"{args.senders} sender threads in {seconds:.2f} s: {len(deliveries) / seconds:,.0f} events/s"
          f"{' (receipts sent)' if args.receipts else ''}")
    print(f"    outcomes: {dict(outcomes)}")
    print(f"    donations completed {completed:,}, receipt numbers {receipts_given:,}, donation entries {entries:,}, "
          f"events kept {events:,}; fund balance {balance:,} fen (expected {unique * AMOUNT:,})")
    print(f"    duplicates posted: {duplicates_posted + (0 if balance == unique * AMOUNT else 1)}")


if __name__ == "__main__":
    main()
