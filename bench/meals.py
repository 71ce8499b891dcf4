"""Donated meals (M餐) at opening time: many people reserve the same store's few meals at once, over HTTP,
against gunicorn on PostgreSQL. Prints the winners (must equal the meals offered: exit 1 otherwise),
reservations per second and the reserve requests' p50/p95 latency.

    .venv/bin/python bench/meals.py [--people 500] [--meals 20] [--processes 8] [--workers 4] [--threads 4]

Creates a scratch database on BENCH_PG (dropped afterwards), upgrades it, seeds one open store with `--meals`
meals today and a serving window around now, and `--people` phone codes with known codes (hashed by
`marketplace.meals.phones`, as the site keeps them). Starts gunicorn (`--workers` gthread workers), then
`--processes` client processes, each with threads: every person GETs /meals/phone, POSTs /meals/phone/confirm
(phone, code), GETs /meals/stores/<id>; then all are released together and POST /meals/stores/<id>/reserve
(day=today).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import secrets
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import faults_servers as servers  # noqa: E402  (beside this file)
from scratch import make_app, scratch_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def phone_of(n: int) -> str:
    return f"139{n:08d}"


def code_of(n: int) -> str:
    return f"{(n * 7919 + 123457) % 1_000_000:06d}"


def hashes(phone: str, code: str) -> tuple[str, str]:
    """The phone's key and the code's hash, as the site keeps them (inside the app)."""
    from marketplace.meals import phones

    phone_key = phones.phone_key(phone)
    return phone_key, phones.code_hash(phone_key, code)


def seed(url: str, people: int, meals: int, key: str) -> tuple[int, str]:
    """Write a firm's open store with `meals` today and a window around now, and the phone codes; return its id
    and today (the site's day)."""
    from sqlalchemy import insert

    from marketplace.meals.days import minute_of_day
    from marketplace.meals.models import MealPhoneCode, MealQuota, MealStore, MealWindow, StoreStatus
    from marketplace.orgs.models import Organisation
    from marketplace.platform.extensions import db
    from marketplace.platform.timeutil import local_today, now_utc

    app = make_app(url, REDIS_URL=None, MEALS_PHONE_KEY=key)
    with app.app_context():
        firm = Organisation(kind="firm", name_zh="爱心餐饮", name_en="Caring Meals", district_id=1, is_verified=True)
        db.session.add(firm)
        db.session.flush()
        store = MealStore(organisation_id=firm.id, name="基准面馆", address="福田区福华路1号", district_id=1)
        MealStore.machine.start(store, StoreStatus.PENDING)
        db.session.add(store)
        db.session.flush()
        MealStore.machine.move(store, StoreStatus.OPEN)
        minute = minute_of_day(now_utc())
        db.session.add(MealWindow(store_id=store.id, opens_at=max(0, minute - 60), closes_at=min(1440, minute + 120)))
        today = local_today()
        db.session.add(MealQuota(store_id=store.id, meals_per_day=meals, contents="一荤两素", value_fen=1500,
                                 starts_on=today, ends_on=today + timedelta(days=1)))
        expires = now_utc() + timedelta(hours=2)
        rows = []
        for n in range(people):
            phone_key, code_hash = hashes(phone_of(n), code_of(n))
            rows.append({"phone_key": phone_key, "code_hash": code_hash, "attempts": 0, "expires_at": expires,
                         "created_at": now_utc()})
        db.session.execute(insert(MealPhoneCode), rows)
        db.session.commit()
        store_id = store.id
        db.session.remove()
        db.engine.dispose()
    return store_id, today.isoformat()


def token(response) -> str:
    """Return the page's CSRF token; a page that is not there (or refuses) stops the person."""
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.method} {response.url} answered {response.status_code}")
    found = CSRF.search(response.text)
    if not found:
        raise RuntimeError(f"no CSRF token on {response.url} ({response.status_code})")
    return found.group(1)


def person(base: str, store_id: int, n: int, day: str, ready, go, out: list) -> None:
    """One person: confirm a phone, open the store, wait for opening time, reserve; record status and latency."""
    import requests

    s = requests.Session()
    try:
        page = s.get(f"{base}/meals/phone", timeout=60)
        confirmed = s.post(f"{base}/meals/phone/confirm", data={"csrf_token": token(page), "phone": phone_of(n),
                                                                 "code": code_of(n)}, timeout=60)
        if confirmed.status_code >= 400:
            raise RuntimeError(f"confirming the phone answered {confirmed.status_code}")
        store_token = token(s.get(f"{base}/meals/stores/{store_id}", timeout=60))
    except Exception as error:  # noqa: BLE001  (counted; a benchmark reports rather than stops)
        ready()
        out.append(("setup", 0.0, str(error)[:120]))
        return
    ready()
    go.wait()
    started = time.perf_counter()
    try:
        answer = s.post(f"{base}/meals/stores/{store_id}/reserve", data={"csrf_token": store_token, "day": day},
                        timeout=120, allow_redirects=False)
        out.append((answer.status_code, time.perf_counter() - started, time.perf_counter()))
    except Exception as error:  # noqa: BLE001
        out.append(("error", time.perf_counter() - started, str(error)[:120]))


def client(base: str, store_id: int, numbers: list[int], day: str, arrived, go, results) -> None:
    """A client process: a thread per person; tells the parent each time one is ready, then waits for `go`."""
    out: list = []
    threads = [threading.Thread(target=person, args=(base, store_id, n, day, arrived.release, go, out))
               for n in numbers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results.put(out)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def count_winners(url: str, store_id: int, key: str) -> tuple[int, int]:
    """Return (reservations held at the store today, the day counter's `taken`) from the database."""
    from sqlalchemy import func, select

    from marketplace.meals.models import MealDay, MealReservation
    from marketplace.platform.extensions import db
    from marketplace.platform.timeutil import local_today

    with make_app(url, REDIS_URL=None, MEALS_PHONE_KEY=key).app_context():
        held = db.session.scalar(select(func.count()).select_from(MealReservation).where(
            MealReservation.store_id == store_id, MealReservation.day == local_today()))
        taken = db.session.scalar(select(MealDay.taken).where(MealDay.store_id == store_id,
                                                              MealDay.day == local_today())) or 0
        db.session.remove()
        db.engine.dispose()
    return int(held or 0), int(taken)


def run(args) -> int:
    key = secrets.token_hex(32)
    os.environ["SECRET_KEY"] = os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32)
    with scratch_database() as url, tempfile.TemporaryDirectory(prefix="meals-bench-") as work:
        store_id, day = seed(url, args.people, args.meals, key)
        port = servers.free_port()
        base = f"http://127.0.0.1:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MEALS_", "TEST_DATABASE"))} | {
            "GOODHOURS_ENV": "development", "DATABASE_URL": url, "MEALS_PHONE_KEY": key, "SITE_URL": base,
            "RATELIMIT_ENABLED": "false", "MEALS_CODE_LIMIT": "100000 per minute"}
        web = servers.gunicorn(env, ROOT, Path(work) / "gunicorn.log", port, args.workers, args.threads)
        try:
            if not servers.wait_for_http(f"{base}/healthz", 60):
                print(Path(work, "gunicorn.log").read_text()[-3000:], file=sys.stderr)
                raise SystemExit("gunicorn did not start")
            return load(args, base, store_id, url, key, day)
        finally:
            web.stop()


def load(args, base: str, store_id: int, url: str, key: str, day: str) -> int:
    context = multiprocessing.get_context("spawn")
    arrived, go, results = context.Semaphore(0), context.Event(), context.Queue()
    numbers = list(range(args.people))
    procs = [context.Process(target=client, args=(base, store_id, numbers[p::args.processes], day, arrived, go,
                                                  results)) for p in range(args.processes)]
    prepared = time.perf_counter()
    for proc in procs:
        proc.start()
    for _ in numbers:
        arrived.acquire(timeout=600)
    print(f"{args.people} people confirmed their phones and opened the store in "
          f"{time.perf_counter() - prepared:.1f} s; opening time now")
    opened = time.perf_counter()
    go.set()
    outcomes = [item for _ in procs for item in results.get(timeout=600)]
    for proc in procs:
        proc.join()
    held, taken = count_winners(url, store_id, key)
    timed = [o for o in outcomes if isinstance(o[0], int)]
    latencies = [o[1] for o in timed]
    finished = max((o[2] for o in timed), default=opened)
    seconds = max(finished - opened, 1e-9)
    statuses: dict = {}
    for o in outcomes:
        statuses[o[0]] = statuses.get(o[0], 0) + 1
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    print(f"reserve answers by status: {dict(sorted(statuses.items(), key=str))}")
    print(f"winners: {held} reservations held (day counter taken {taken}) for {args.meals} meals")
    print(f"{len(timed) / seconds:,.0f} reserve requests/s ({held / seconds:,.1f} reservations/s) "
          f"over {seconds:.2f} s; reserve latency p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms")
    print(f"ratio: {held}/{args.people} people got a meal ({held / max(args.people, 1):.1%}); "
          f"p95/p50 latency {p95 / max(p50, 1e-9):.1f}")
    failed = [o for o in outcomes if not isinstance(o[0], int)]
    if failed:
        print(f"{len(failed)} people failed before or while reserving, e.g. {failed[0]}")
    if held != args.meals or taken != args.meals:
        print(f"FAIL: winners must equal the {args.meals} meals offered (held {held}, taken {taken})", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--meals", type=int, default=20)
    parser.add_argument("--processes", type=int, default=8, help="client processes (threads share the people)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    args = parser.parse_args()
    if args.people < args.meals:
        parser.error("--people must be at least --meals, or the meals cannot all be taken")
    raise SystemExit(run(args))


if __name__ == "__main__":
    main()
