"""The documented serving stack under load: nginx (deploy/nginx/goodhours.conf) in front of gunicorn
(deploy/gunicorn.conf.py), the RQ worker and the worker loop, in production settings on a scratch
PostgreSQL database and Redis. Prints figures and ratios measured in the same run; asserts nothing.

    .venv/bin/python bench/serving.py [--lines 1000000] [--seconds 10] [--connections 8] [--slow 100]

Needs nginx and wrk (`scripts/bench-setup.sh` installs them as root), the local PostgreSQL (`BENCH_PG`)
and Redis (`--redis`). It creates a scratch database and drops it, starts its own nginx on a free port
with a temporary prefix, and stops every process it started, whatever happens (Ctrl-C included).

1. Seeds, in bulk (bench/transparency_bench.py's writers), one popular fund with `--lines` public lines,
   and `--events` pending Stripe gifts to it from a donor with an email address; then runs
   `flask --app wsgi transparency rollup --rebuild` (ROLLUP below: once after a bulk load) and
   `flask --app wsgi transparency refresh` (REFRESH below) as a deployment's schedule would.
2. Loads with wrk (`--connections`, `--seconds`), through nginx: `/healthz`, the home page and the fund's
   page (plain GETs, no If-None-Match: every request a fresh visitor).
3. The p50 of the home page at light load (`--probe` connections) with no slow client, then with `--slow`
   slow clients connected (bench/serving_slow.py: half slowloris, half slow readers), through nginx;
   then the same against gunicorn alone, with `--few-slow` and `--slow` slow clients (the "before").
4. POSTs the pending gifts' signed `checkout.session.completed` events, each once, through nginx to
   `/payments/stripe/webhook` (wrk with bench/serving_webhook.lua), then watches the worker build and
   mail the receipts (PDF attached) to a local SMTP sink for `--drain` seconds.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import faults_servers as servers  # noqa: E402  (beside this file)
import serving_stack as stack  # noqa: E402
import transparency_bench  # noqa: E402
from scratch import make_app, scratch_database  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ROLLUP = ("transparency", "rollup", "--rebuild")  # `flask --app wsgi ...`: fold the bulk-loaded lines into sums
REFRESH = ("transparency", "refresh")  # `flask --app wsgi ...`: precompute the public pages' figures
DB_PREFIX = "gh_bench_serving_"
AMOUNT = 10_000  # ¥100 a gift
WEBHOOK_SCRIPT = Path(__file__).resolve().parent / "serving_webhook.lua"
PROBE_HEADERS = ("Connection: close",)  # each probe request a new visitor, landing on any gunicorn worker
TARGETS = {"webhook": 0.25, "fund": 0.5, "slow": 1.5}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lines", type=int, default=1_000_000, help="public lines of the popular fund")
    parser.add_argument("--events", type=int, default=4000, help="pending gifts, each paid by one webhook event")
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run")
    parser.add_argument("--connections", type=int, default=8, help="wrk's connections for the req/s figures")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--probe", type=int, default=2, help="connections of the p50 probe")
    parser.add_argument("--slow", type=int, default=100, help="slow clients")
    parser.add_argument("--few-slow", type=int, default=8, help="slow clients of the smaller 'before' check")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between a slow client's bytes")
    parser.add_argument("--drain", type=int, default=20, help="seconds to watch the worker mail receipts")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--gunicorn-option", action="append", default=[], metavar="OPTION",
                        help="added to gunicorn's command line after the config (e.g. --max-requests=0), repeatable")
    parser.add_argument("--keep-logs", action="store_true", help="keep the work folder (logs, configs, mail)")
    return parser.parse_args()


def seed(url: str, lines: int, events: int) -> dict:
    """Write one organisation with one fund of `lines` lines, and `events` pending Stripe gifts to it."""
    from sqlalchemy import insert, select, text

    from marketplace.funds.models import Fund
    from marketplace.payments.models import Donation
    from marketplace.platform.extensions import db
    from marketplace.wishes.models import new_public_code

    app = make_app(url, REDIS_URL=None, MAIL_BACKEND="locmem", SQLALCHEMY_ENGINE_OPTIONS={})
    world = transparency_bench.World()
    world.target = lines
    transparency_bench.build(app, world, orgs=1, funds=1)
    transparency_bench.seed_lines(app, world, lines, random.Random(7))
    fund_id = world.fund_ids[0]
    with app.app_context():
        for table in ("donation", "disbursement", "ledger_entry", "ledger_posting"):  # written with their ids
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"))
        db.session.execute(insert(Donation), [
            {"public_code": code, "fund_id": fund_id, "donor_id": world.donor_ids[0], "amount_fen": AMOUNT,
             "display": "masked", "message": "", "provider": "stripe", "status": "pending",
             "checkout_id": f"cs_test_{code}"} for code in (new_public_code() for _ in range(events))])
        db.session.commit()
        code = db.session.scalar(select(Fund.public_code).where(Fund.id == fund_id))
        gifts = db.session.execute(select(Donation.id, Donation.public_code, Donation.checkout_id,
                                          Donation.amount_fen).where(Donation.status == "pending")
                                   .order_by(Donation.id)).all()
        db.session.remove()
        db.engine.dispose()
    return {"fund_code": code, "gifts": [dict(row._mapping) for row in gifts]}


def production_env(url: str, redis: str, mail_port: int) -> dict:
    """Production settings (GOODHOURS_ENV=production refuses anything unsafe) for every process of the stack.
    Stripe's API is pointed at a closed local port: the webhook path must not need it (the events carry
    their fee), and any call would show as a 503."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STRIPE_", "MAIL_", "TEST_DATABASE", "GUNICORN_", "MEALS_", "DEMO_"))}
    return env | {
        "GOODHOURS_ENV": "production", "DATABASE_URL": url, "REDIS_URL": redis,
        "SECRET_KEY": secrets.token_urlsafe(48), "SITE_URL": "https://goodhours.example.org",
        "STRIPE_SECRET_KEY": "sk_test_" + secrets.token_hex(12),
        "STRIPE_WEBHOOK_SECRET": "whsec_" + secrets.token_hex(16),
        "STRIPE_API_BASE": "http://127.0.0.1:9", "STRIPE_MAX_NETWORK_RETRIES": "0",
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(mail_port),
        "MEALS_PHONE_KEY": secrets.token_urlsafe(32), "MEALS_SMS_URL": "http://127.0.0.1:9/sms",
        "PYTHONUNBUFFERED": "1",
    }


def flask(env: dict, *command: str) -> float:
    """Run `flask --app wsgi COMMAND` with the stack's settings; return the seconds it took."""
    import subprocess

    started = time.perf_counter()
    done = subprocess.run([str(servers.BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=1800)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return time.perf_counter() - started


def signed_events(gifts: list[dict], secret: str) -> list[tuple[str, bytes]]:
    """Return each gift's `checkout.session.completed` event as Stripe sends it (fee expanded, so the webhook
    never calls Stripe's API), with its `Stripe-Signature` header: (signature, body)."""
    from types import SimpleNamespace

    from marketplace.payments.demo_provider import event_for
    from marketplace.payments.gateway import sign

    bodies = (event_for(SimpleNamespace(**gift)).replace(b'"evt_demo_', b'"evt_bench_') for gift in gifts)
    return [(sign(body, secret), body) for body in bodies]


def events_file(path: Path, gifts: list[dict], secret: str) -> None:
    """Write each gift's signed event, one a line (signature, tab, body), for bench/serving_webhook.lua."""
    with path.open("w") as out:
        for signature, body in signed_events(gifts, secret):
            out.write(f"{signature}\t{body.decode()}\n")


class Clock:
    """The CPU seconds wrk (the load's client) used, beside the wall time: both share the machine's cores."""

    def __enter__(self) -> Clock:
        self.cpu = _children_cpu()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu = _children_cpu() - self.cpu
        self.wall = time.perf_counter() - self.wall


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def load(label: str, url: str, args, connections: int | None = None, **extra) -> stack.Load:
    time.sleep(2)  # requests the last load left in flight finish first
    with Clock() as clock:
        result = stack.wrk(url, args.seconds, connections or args.connections, args.threads, **extra)
    print(f"  {label:<44} {result.line()}  [wrk CPU {clock.cpu / clock.wall:.2f} of {os.cpu_count()} cores]")
    return result


def with_slow(label: str, target_port: int, url: str, clients: int, args, work: Path) -> stack.Load:
    """The p50 probe while `clients` slow clients hold connections to `target_port`."""
    if not clients:
        return load(label, url, args, connections=args.probe, headers=PROBE_HEADERS)
    slow = servers.Group("slow", [sys.executable, str(Path(__file__).resolve().parent / "serving_slow.py"),
                                  "127.0.0.1", str(target_port), str(clients), "--interval", str(args.interval)],
                         os.environ.copy(), ROOT, work / f"slow-{target_port}-{clients}.log").start()
    try:
        time.sleep(3)  # every slow client connected and holding on
        result = load(label, url, args, connections=args.probe, headers=PROBE_HEADERS)
    finally:
        slow.kill(signal.SIGTERM)
        slow.stop(5)
    counts = (work / f"slow-{target_port}-{clients}.log").read_text().strip().splitlines()
    print(f"  {'':44}   slow clients: {counts[-1] if counts else '?'}")
    return result


def ratio(label: str, value: float | None, target: float, at_least: bool) -> str:
    if value is None:
        return f"  {label:<62} n/a (no request answered: the site was down)"
    met = value >= target if at_least else value <= target
    return f"  {label:<62} {value:6.2f}   (target {'>=' if at_least else '<='} {target}: {'met' if met else 'NOT met'})"


def divide(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


class LockWaits(threading.Thread):
    """Sample the bench database's sessions five times a second: how many run a statement, how many of those wait
    on a lock, and the statement most often waiting."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.url, self.samples, self.stop = url.replace("postgresql+psycopg://", "postgresql://"), [], threading.Event()
        self.queries: dict[str, int] = {}

    def __enter__(self) -> LockWaits:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.join(5)

    def run(self) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.stop.wait(0.2):
                rows = conn.execute("SELECT wait_event_type, left(query, 60) FROM pg_stat_activity WHERE datname = "
                                    "current_database() AND pid <> pg_backend_pid() AND state = 'active'").fetchall()
                self.samples.append((len(rows), sum(1 for kind, _ in rows if kind == "Lock")))
                for kind, query in rows:
                    if kind == "Lock":
                        self.queries[query] = self.queries.get(query, 0) + 1

    @property
    def active(self) -> float:
        return statistics.mean(n for n, _ in self.samples) if self.samples else 0.0

    @property
    def waiting(self) -> float:
        return statistics.mean(n for _, n in self.samples) if self.samples else 0.0

    @property
    def top(self) -> str:
        return max(self.queries, key=self.queries.get) if self.queries else ""


def outbox(url: str) -> tuple[int, int]:
    """Return (waiting, delivered) outbox rows."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT count(*) FILTER (WHERE delivered_at IS NULL AND failed_at IS NULL), "
                           "count(*) FILTER (WHERE delivered_at IS NOT NULL) FROM outbox_message").fetchone()
    return row[0], row[1]


def gifts_completed(url: str) -> tuple[int, int]:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        row = conn.execute("SELECT count(*) FILTER (WHERE status = 'completed'), count(DISTINCT receipt_no) "
                           "FROM donation WHERE provider = 'stripe'").fetchone()
    return row[0], row[1]


def run(args, work: Path, groups: list) -> None:
    started = time.perf_counter()
    with scratch_database(DB_PREFIX) as url:
        plan = seed(url, args.lines, args.events)
        print(f"Seeded one fund with {args.lines:,} public lines and {args.events:,} pending Stripe gifts in "
              f"{time.perf_counter() - started:.0f} s (PostgreSQL {url.rsplit('/', 1)[1]})")
        sink = servers.MailSink(work / "mail").start()
        env = production_env(url, args.redis, sink.port)
        for command in (ROLLUP, REFRESH):
            took = flask(env, *command)
            print(f"flask --app wsgi {' '.join(command)}: {took:.1f} s")
        app_port, proxy_port = servers.free_port(), servers.free_port()
        conf = stack.write_nginx_conf(work / "nginx", listen=proxy_port, upstream=app_port)
        checked = stack.nginx_check(conf)
        if checked.returncode:
            raise RuntimeError(f"nginx -t refused the rendered config:\n{checked.stderr}")
        groups.append(stack.gunicorn(env, app_port, work / "gunicorn.log", tuple(args.gunicorn_option)))
        groups.append(servers.rq_worker(env, ROOT, work / "rq.log", f"serving-{secrets.token_hex(3)}"))
        groups.append(servers.jobs_loop(env, ROOT, work / "jobs-work.log"))
        groups.append(stack.nginx(conf, work / "nginx.log"))
        proxy, bare = f"http://127.0.0.1:{proxy_port}", f"http://127.0.0.1:{app_port}"
        if not (servers.wait_for_http(bare + "/healthz", 60) and servers.wait_for_http(proxy + "/healthz", 20)):
            raise RuntimeError(f"the stack did not come up; see the logs in {work} (--keep-logs)")
        fund_path = f"/transparency/funds/{plan['fund_code']}"
        _check_pages(proxy, fund_path)
        workers = len(servers.gunicorn_workers(groups[0]))
        extra = "".join(" " + option for option in args.gunicorn_option)
        print(f"Stack: nginx :{proxy_port} (deploy/nginx/goodhours.conf, per-address limits raised: every client "
              f"here is 127.0.0.1) -> gunicorn :{app_port} (deploy/gunicorn.conf.py: {workers} gthread workers x "
              f"{os.environ.get('GUNICORN_THREADS', 4)} threads{extra}), RQ worker, flask jobs work; GOODHOURS_ENV="
              f"production, PostgreSQL, Redis {args.redis}")
        print(f"wrk: {args.connections} connections, {args.threads} threads, {args.seconds} s each; client and "
              f"server share this machine's {os.cpu_count()} cores (wrk's CPU share is shown)")
        print("\nThroughput through nginx (plain GETs without If-None-Match: fresh visitors):")
        health = load("/healthz", proxy + "/healthz", args)
        home = load("/ (home page)", proxy + "/", args)
        fund = load(f"fund page ({args.lines:,} lines)", proxy + fund_path, args)

        print(f"\np50 of the home page, {args.probe} connections, a new connection a request, with slow clients "
              "connected:")
        calm = with_slow("through nginx, no slow client", proxy_port, proxy + "/", 0, args, work)
        stormy = with_slow(f"through nginx, {args.slow} slow clients", proxy_port, proxy + "/", args.slow, args, work)
        calm_after = with_slow("through nginx, no slow client (again)", proxy_port, proxy + "/", 0, args, work)
        bare_calm = with_slow("gunicorn alone, no slow client", app_port, bare + "/", 0, args, work)
        bare_few = with_slow(f"gunicorn alone, {args.few_slow} slow clients", app_port, bare + "/", args.few_slow,
                             args, work)
        bare_many = with_slow(f"gunicorn alone, {args.slow} slow clients", app_port, bare + "/", args.slow, args,
                              work)
        sync_port = servers.free_port()
        sync = stack.sync_gunicorn(env, sync_port, work / "gunicorn-sync.log")
        groups.append(sync)
        sync_url = f"http://127.0.0.1:{sync_port}"
        if not servers.wait_for_http(sync_url + "/healthz", 60):
            raise RuntimeError("gunicorn -w 4 (sync) did not come up")
        sync_calm = with_slow("gunicorn -w 4 (sync), no slow client", sync_port, sync_url + "/", 0, args, work)
        sync_few = with_slow(f"gunicorn -w 4 (sync), {args.few_slow} slow clients", sync_port, sync_url + "/",
                             args.few_slow, args, work)
        sync.stop(10)

        print(f"\nSigned webhook events through nginx ({args.events:,} distinct events, each once, one fund):")
        events = work / "events.txt"
        events_file(events, plan["gifts"], env["STRIPE_WEBHOOK_SECRET"])
        waiting, delivered = outbox(url)
        cpu = {"gunicorn": stack.cpu_seconds(groups[0]), "worker": stack.cpu_seconds(groups[1])
               + stack.cpu_seconds(groups[2])}
        with LockWaits(url) as waits:
            webhook = load("POST /payments/stripe/webhook", proxy + "/payments/stripe/webhook", args,
                           script=WEBHOOK_SCRIPT, script_args=(events, min(args.threads, args.connections)))
        print(f"  {'':44}   PostgreSQL meanwhile (sampled): {waits.active:.1f} statements running, of which "
              f"{waits.waiting:.1f} waiting on a lock ({waits.top or 'none'})")
        used = {name: (stack.cpu_seconds(groups[0]) if name == "gunicorn" else stack.cpu_seconds(groups[1])
                       + stack.cpu_seconds(groups[2])) - before for name, before in cpu.items()}
        print(f"  {'':44}   CPU meanwhile: gunicorn {used['gunicorn'] / webhook.seconds:.2f} cores, the workers "
              f"(receipts, PDFs, mail) {used['worker'] / webhook.seconds:.2f} cores")
        completed, receipts = gifts_completed(url)
        if webhook.requests > args.events:
            print(f"  WARNING: {webhook.requests:,} requests for {args.events:,} events: some were repeats "
                  "(raise --events)")
        waiting, delivered_after = outbox(url)
        print(f"  gifts completed {completed:,}, receipt numbers {receipts:,}; at the end of the load the outbox "
              f"had delivered {delivered_after - delivered:,} messages, {waiting:,} waiting; mail sink {sink.count:,}")
        _drain(url, sink, args.drain)

        print("\nRatios (same run):")
        print(ratio("webhook events/s / /healthz req/s", divide(webhook.per_second, health.per_second),
                    TARGETS["webhook"], True))
        print(ratio(f"fund page ({args.lines:,} lines) req/s / home page req/s",
                    divide(fund.per_second, home.per_second), TARGETS["fund"], True))
        baseline = divide((calm.p50_ms or 0) + (calm_after.p50_ms or 0), 2) if calm.p50_ms and calm_after.p50_ms \
            else None
        print(ratio(f"p50 with {args.slow} slow clients / p50 without (nginx; mean of before and after)",
                    divide(stormy.p50_ms, baseline), TARGETS["slow"], False))
        print("  before (no nginx in front):")
        for name, calm_run, runs in (("gunicorn alone (deploy/gunicorn.conf.py)", bare_calm,
                                      ((args.few_slow, bare_few), (args.slow, bare_many))),
                                     ("gunicorn -w 4, sync workers (the issue's setup)", sync_calm,
                                      ((args.few_slow, sync_few),))):
            for clients, result in runs:
                value = divide(result.p50_ms, calm_run.p50_ms)
                shown = f"{value:6.2f}" if value is not None else "   n/a"
                print(f"    {name}, {clients} slow clients: answered {result.requests:,} requests "
                      f"({divide(result.requests * 100, calm_run.requests) or 0:.0f} % of the {calm_run.requests:,} "
                      f"without), p50 with / without {shown}, socket errors {result.errors}")
        print(f"\nTotal {time.perf_counter() - started:.0f} s")
        sink.shutdown()


def _check_pages(base: str, fund_path: str) -> None:
    import requests

    for path in ("/healthz", "/", fund_path):
        answer = requests.get(base + path, timeout=30)
        if answer.status_code != 200:
            raise RuntimeError(f"{path} answered {answer.status_code}")
    answer = requests.get(base + fund_path, timeout=30)
    print(f"Fund page: {len(answer.content):,} bytes; Cache-Control {answer.headers.get('Cache-Control')!r}, "
          f"ETag {'set' if answer.headers.get('ETag') else 'none'}")


def _drain(url: str, sink, seconds: int) -> None:
    """Watch the worker build receipts (PDF included) and mail them for `seconds`."""
    if seconds <= 0:
        return
    before, at = sink.count, time.perf_counter()
    time.sleep(seconds)
    waiting, _ = outbox(url)
    mailed = sink.count - before
    print(f"  the worker then mailed {mailed:,} receipts with their PDF in {time.perf_counter() - at:.0f} s "
          f"({mailed / seconds:.1f}/s), {waiting:,} still waiting (mailed later by the worker, off the request)")


def main() -> None:
    args = arguments()
    sys.stdout.reconfigure(line_buffering=True)
    missing = [tool for tool in ("wrk",) if shutil.which(tool) is None] + ([] if stack.nginx_binary() else ["nginx"])
    if missing:
        raise SystemExit(f"missing {', '.join(missing)}: run scripts/bench-setup.sh as root (see bench/README.md)")
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background (SIGINT ignored)
    work = Path(tempfile.mkdtemp(prefix="goodhours-serving-"))
    groups: list = []
    redis_before = _redis_keys(args.redis)
    try:
        run(args, work, groups)
    finally:
        for group in reversed(groups):
            group.stop(10)
        _redis_forget(args.redis, redis_before)
        if args.keep_logs:
            print(f"logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _interrupted(*_) -> None:
    raise KeyboardInterrupt


def _redis_keys(url: str) -> set[bytes]:
    from redis import Redis

    return set(Redis.from_url(url).scan_iter(count=1000))


def _redis_forget(url: str, before: set[bytes]) -> None:
    """Delete the keys this run added (RQ jobs and workers, the leader lease, rate-limit counters)."""
    from redis import Redis

    redis = Redis.from_url(url)
    new = [key for key in redis.scan_iter(count=1000) if key not in before]
    for start in range(0, len(new), 500):
        redis.delete(*new[start:start + 500])


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: processes stopped, database dropped", file=sys.stderr)
        sys.exit(130)
