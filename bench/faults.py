"""Faults under load: gifts, wish claims, hour reviews and imports over HTTP against gunicorn on
PostgreSQL and Redis, with a gunicorn worker and the RQ worker killed mid-run. Prints one line per
figure; exits 1 when a figure that must be zero is not, or `flask ledger verify` fails.

    .venv/bin/python bench/faults.py [--seconds 60] [--workers 4] [--threads 2] [--grace 90]

It creates a fresh database goodhours_faults_<random> on BENCH_PG (UTF-8, pg_trgm), migrates it with
`flask --app wsgi db upgrade`, seeds it through the app's services (`faults_seed.py`), starts an SMTP
sink (`faults_servers.py`), gunicorn (gthread workers) and `rq worker` with the same environment, runs
the client processes of `faults_clients.py` until `--seconds` have passed, kills (SIGKILL) a gunicorn
worker at 40% of the run (`--web-kills N`: N of them) and the RQ worker while it posts a sheet
(restarting it), waits up to `--grace` seconds for jobs and any outbox to finish, then reads the
figures (`faults_figures.py`) and drops the database, whatever happened. See bench/README.md.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import faults_clients as clients  # noqa: E402  (beside this file)
import faults_figures as figures  # noqa: E402
import faults_servers as servers  # noqa: E402
from scratch import SERVER, make_app, psql  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PG_LOG = Path("/var/log/postgresql/postgresql-15-main.log")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="how long the clients keep working")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=2, help="threads per gunicorn worker")
    parser.add_argument("--donors", type=int, default=2, help="donor client processes")
    parser.add_argument("--web-kills", type=int, default=1, help="gunicorn workers to kill (spread over the run)")
    parser.add_argument("--grace", type=int, default=150, help="seconds to wait for jobs and the outbox afterwards")
    parser.add_argument("--duplicates", type=float, default=0.3, help="share of payments pressed twice")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/5")
    parser.add_argument("--pg-log", type=Path, default=PG_LOG, help="PostgreSQL's log, read for deadlocks")
    parser.add_argument("--during-grace", action="append", default=[], metavar="COMMAND",
                        help="a `flask --app wsgi` command to run every 20 s of the grace period "
                             "(e.g. a job sweeper), repeatable")
    parser.add_argument("--keep-logs", action="store_true", help="keep the work folder (logs, mail) afterwards")
    return parser.parse_args()


def server_env(url: str, redis: str, mail_port: int, base: str) -> dict:
    """The environment gunicorn, the RQ worker and the flask commands share."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("STRIPE_", "MAIL_", "TEST_DATABASE", "WISHES_", "TIMEBANK_", "PAYMENTS_"))}
    return env | {"GOODHOURS_ENV": "development", "DATABASE_URL": url, "REDIS_URL": redis,
                  "SECRET_KEY": secrets.token_urlsafe(32), "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1",
                  "MAIL_PORT": str(mail_port), "SITE_URL": base, "API_RATE_LIMIT": "100000 per minute",
                  "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute", "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute"}


def flask(env: dict, *command: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run([str(servers.BIN / "flask"), "--app", "wsgi", *command], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    if check and done.returncode:
        raise RuntimeError(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done


def seed(url: str, work: Path) -> dict:
    import faults_seed

    from marketplace.platform.extensions import db

    app = make_app(url, UPLOAD_FOLDER=str(work / "uploads"), JOBS_RUN_INLINE=True, MAIL_BACKEND="locmem",
                   REDIS_URL=None, ARGON2_PROFILE="cheapest")
    with app.app_context():
        plan = faults_seed.seed(volunteers=700, donors=16, claimers=24, wishes=150, attendances=250, reports=250)
        db.session.remove()
        db.engine.dispose()
    return plan


def launch(plan: dict, base: str, deadline: float, args) -> list:
    """Start the client processes; return (process, result queue) pairs."""
    context = multiprocessing.get_context("spawn")
    rng = random.Random(13)
    reviews = [("attendance", i) for i in plan["attendances"]] + [("report", i) for i in plan["reports"]]
    rng.shuffle(reviews)
    jobs = [(clients.donor, (base, plan, plan["donors"][n::args.donors], deadline, n, args.duplicates))
            for n in range(args.donors)]
    jobs.append((clients.claimer, (base, plan, plan["claimers"], deadline, 101, args.duplicates)))
    jobs.append((clients.reviewer, (base, plan, reviews, deadline, 102)))
    jobs += [(clients.importer, (base, plan, email, n, deadline, 103 + n)) for n, email in enumerate(plan["importers"])]
    started = []
    for target, job_args in jobs:
        queue = context.Queue()
        process = context.Process(target=_client, args=(target, job_args, queue), daemon=True)
        process.start()
        started.append((process, queue))
    return started


def _client(target, job_args, queue) -> None:
    queue.put(target(*job_args))


class Faults(threading.Thread):
    """Kill `web_kills` gunicorn workers (one at 40% of the run; several spread over 30–70%), and the RQ
    worker a second into posting a big sheet (or at 85% if it never does by then), then start a new one."""

    def __init__(self, web, rq, env, work, started: float, seconds: int, web_kills: int = 1):
        super().__init__(daemon=True)
        self.web, self.rq, self.env, self.work = web, rq, env, work
        self.started, self.seconds = started, seconds
        self.web_at = [0.4] if web_kills == 1 else [0.3 + 0.4 * n / (web_kills - 1) for n in range(web_kills)]
        self.log: list[str] = []
        self.stop = threading.Event()

    def at(self, share: float) -> float:
        return self.started + self.seconds * share

    def run(self) -> None:
        from redis import Redis

        redis = Redis.from_url(self.env["REDIS_URL"])
        killed_rq = False
        while not self.stop.is_set() and (self.web_at or not killed_rq):
            now = time.time()
            if self.web_at and now >= self.at(self.web_at[0]):
                self.web_at.pop(0)
                pids = servers.gunicorn_workers(self.web)
                if pids:
                    pid = random.choice(pids)
                    os.kill(pid, signal.SIGKILL)
                    self.log.append(f"SIGKILL gunicorn worker {pid} at {now - self.started:.0f} s")
            if not killed_rq and now >= self.at(0.2):
                job = servers.rq_current_job(redis, self.rq[-1].name)
                if "run_post" in job or now >= self.at(0.85):
                    time.sleep(1 if job else 0)
                    self.rq[-1].kill(signal.SIGKILL)
                    self.log.append(f"SIGKILL RQ worker and its work-horse at {time.time() - self.started:.0f} s, "
                                    f"{'while it ran ' + job if job else 'idle'}")
                    time.sleep(2)
                    self.rq.append(servers.rq_worker(self.env, ROOT, self.work / "rq-2.log",
                                                     f"faults-{secrets.token_hex(3)}-2"))
                    self.log.append(f"started a new RQ worker at {time.time() - self.started:.0f} s")
                    killed_rq = True
            time.sleep(0.2)


def rq_jobs(redis) -> set[str]:
    return {key.decode().split(":", 2)[2] for key in redis.scan_iter("rq:job:*") if key.count(b":") == 2}


def drop_new_jobs(url: str, before: set[str], workers: list[str]) -> None:
    """Delete the RQ jobs this run left in Redis (claim expiries scheduled a week ahead, stuck jobs) and
    the registrations of its workers (a killed one stays registered until its key expires)."""
    from redis import Redis
    from rq.job import Job

    redis = Redis.from_url(url)
    for job_id in rq_jobs(redis) - before:
        try:
            Job.fetch(job_id, connection=redis).delete()
        except Exception:  # noqa: BLE001  (already gone)
            pass
    for name in workers:
        key = f"rq:worker:{name}"
        redis.delete(key)
        redis.srem("rq:workers", key)
        redis.srem("rq:workers:default", key)


def grace(engine, env: dict, seconds: int, commands: list[str]) -> float:
    """Wait until no sheet is checked or posted, no outbox row waits and no job runs; return the seconds waited."""
    started = last_sweep = time.time()
    while time.time() - started < seconds:
        with engine.connect() as conn:
            if figures.imports_running(conn) + figures.outbox_waiting(conn) + figures.jobs_running(conn) == 0:
                break
        if commands and time.time() - last_sweep >= 20:
            for command in commands:
                flask(env, *command.split(), check=False)
            last_sweep = time.time()
        time.sleep(2)
    return time.time() - started


def collect(started: list, deadline: float) -> list[dict]:
    results = []
    for process, queue in started:
        try:
            results.append(queue.get(timeout=max(5.0, deadline + 150 - time.time())))
        except Exception:  # noqa: BLE001  (a client that died reports nothing; its requests are lost)
            results.append({"answers": {}, "samples": [("client process", 0, "reported nothing")],
                            "deadlock_bodies": 0, "reviews": [], "races": [], "imports": []})
        process.join(5)
        if process.is_alive():
            process.kill()
    return results


def report(results: list[dict], engine, work: Path, database: str, pg_offset: int, deadlocks_before: int,
           env: dict, args, log: list[str], waited: float) -> bool:
    """Print the figures; return whether every must-be-zero figure is zero and the ledger verifies."""
    from sqlalchemy import text

    answers: Counter = Counter()
    for result in results:
        answers.update(result["answers"])
    total = sum(answers.values())
    errors = Counter({action: n for (action, status), n in answers.items() if status != "dropped" and status >= 500})
    dropped = sum(n for (action, status), n in answers.items() if status == "dropped")
    reviews = [r for result in results for r in result["reviews"]]
    both = Counter(kind for kind, _, ok in reviews if all(ok.values()))
    races = [r for result in results for r in result["races"]]
    confirmed = {batch for result in results for batch, _, was in result["imports"] if was}
    with engine.connect() as conn:
        credited, credited_minutes = figures.credited_rejections(conn)
        stuck, statuses = figures.stuck_imports(conn, confirmed)
        outbox = figures.outbox_waiting(conn)
        other_jobs = figures.jobs_running(conn)
        doubled = figures.double_claims(conn)
        completed, extra_entries = figures.gifts(conn)
        expected = figures.expected_receipts(conn)
        pg_deadlocks = conn.execute(text("SELECT deadlocks FROM pg_stat_database WHERE datname = :d"),
                                    {"d": database}).scalar() - deadlocks_before
    mail = figures.mail_figures(expected, figures.delivered(work / "mail"))
    in_log = figures.deadlocks_in_pg_log(args.pg_log, pg_offset, database)
    in_app = figures.lines_starting([work / "gunicorn.log", *work.glob("rq-*.log"), *work.glob("jobs-*.log")],
                                    "psycopg.errors.DeadlockDetected")
    in_bodies = sum(r["deadlock_bodies"] for r in results)
    deadlocks = max(pg_deadlocks, in_log or 0, in_app, in_bodies)
    verify = flask(env, "ledger", "verify", check=False)
    verdict = (verify.stdout.strip().splitlines() or ["(no output)"])[-1]
    doubled_races = sum(1 for _, winners in races if winners > 1)
    print(f"Faults under load ({args.seconds} s, {args.workers} gunicorn workers x {args.threads} threads, "
          f"{len(results)} client processes): {total:,} requests, {dropped} dropped by the kills")
    for line in log:
        print(f"    {line}")
    by_action: dict[str, Counter] = {}
    for (action, status), n in sorted(answers.items(), key=str):
        by_action.setdefault(action, Counter())[status] += n
    for action, seen in by_action.items():
        print(f"    {action}: " + ", ".join(f"{s} x{n}" for s, n in sorted(seen.items(), key=str)))
    print(f"    grace period used: {waited:.0f} s of {args.grace}")
    figures_line = [
        ("both-succeeded reviews", both["attendance"] + both["report"],
         f"attendance {both['attendance']}, hour reports {both['report']} of {len(reviews)} races; rejected records "
         f"keeping credited minutes {credited} ({credited_minutes} min)"),
        ("deadlock failures", deadlocks, f"pg_stat_database {pg_deadlocks}, PostgreSQL log "
         f"{'unreadable' if in_log is None else in_log}, app logs {in_app}, 5xx bodies {in_bodies}"),
        ("5xx responses", sum(errors.values()), ", ".join(f"{a} {n}" for a, n in errors.most_common()) or "none"),
        ("lost or duplicated emails", mail["lost"] + mail["duplicated"],
         f"lost {mail['lost']}, duplicated {mail['duplicated']} of {mail['expected']} receipts expected from "
         f"committed gifts; delivered {mail['delivered']}, to the wrong person {mail['unexpected']}, "
         f"other emails {sum(mail['others'].values())}"),
        ("stuck jobs", stuck + outbox + other_jobs, f"sheets by status {dict(statuses)}, {len(confirmed)} "
         f"confirmed; outbox rows undelivered {outbox}; other jobs still running {other_jobs}"),
        ("double wish claims", doubled + doubled_races, f"{len(races)} races, wishes with two active claims "
         f"{doubled}, races with two winners {doubled_races}"),
        ("duplicated gifts", extra_entries, f"{completed:,} gifts completed"),
    ]
    for name, value, detail in figures_line:
        print(f"{name}: {value} ({detail})")
    print(f"ledger verify: {'ok' if verify.returncode == 0 else 'FAILED'} (exit {verify.returncode}: {verdict})")
    samples = {(action, status): body for r in results for action, status, body in r["samples"]}
    for (action, status), body in samples.items():
        print(f"    a 5xx answer to {action}: {status} {body[:120]}")
    return verify.returncode == 0 and all(value == 0 for _, value, _ in figures_line)


def main() -> int:
    args = arguments()
    from redis import Redis
    from sqlalchemy import create_engine, text

    database = f"goodhours_faults_{secrets.token_hex(4)}"
    work = Path(tempfile.mkdtemp(prefix="goodhours-faults-"))
    url = SERVER.replace("postgresql://", "postgresql+psycopg://") + "/" + database
    sink = servers.MailSink(work / "mail").start()
    port = servers.free_port()
    base = f"http://127.0.0.1:{port}"
    env = server_env(url, args.redis, sink.port, base)
    groups: list[servers.Group] = []
    rq: list[servers.Group] = []  # the RQ workers: the first, and the one started after the kill
    redis = Redis.from_url(args.redis)
    jobs_before = rq_jobs(redis)
    engine = None
    created = False
    try:
        psql("postgres", f"CREATE DATABASE \"{database}\" TEMPLATE template0 ENCODING UTF8 "
                         "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'")
        created = True
        psql(database, "CREATE EXTENSION IF NOT EXISTS pg_trgm")
        flask(env, "db", "upgrade")
        setup = time.time()
        plan = seed(url, work)
        print(f"{database}: migrated and seeded in {time.time() - setup:.0f} s; work folder {work}")
        engine = create_engine(url, pool_size=2)
        with engine.connect() as conn:
            deadlocks_before = conn.execute(text("SELECT deadlocks FROM pg_stat_database WHERE datname = :d"),
                                            {"d": database}).scalar()
        pg_offset = args.pg_log.stat().st_size if args.pg_log.exists() else 0
        groups.append(servers.gunicorn(env, ROOT, work / "gunicorn.log", port, args.workers, args.threads))
        rq.append(servers.rq_worker(env, ROOT, work / "rq-1.log", f"faults-{secrets.token_hex(3)}-1"))
        if flask(env, "jobs", "--help", check=False).returncode == 0:  # the app has the delivery and sweep loop
            groups.append(servers.jobs_loop(env, ROOT, work / "jobs-work.log"))
        if not servers.wait_for_http(base + "/healthz", 60):
            raise RuntimeError(f"gunicorn did not answer; see {work / 'gunicorn.log'}")
        started = time.time()
        deadline = started + args.seconds
        faults = Faults(groups[0], rq, env, work, started, args.seconds, args.web_kills)
        faults.start()
        running = launch(plan, base, deadline, args)
        results = collect(running, deadline)
        faults.stop.set()
        faults.join(10)
        waited = grace(engine, env, args.grace, args.during_grace)
        for group in groups + rq:
            group.stop()
        time.sleep(1.5)  # let the server count the last backends' statistics
        ok = report(results, engine, work, database, pg_offset, deadlocks_before, env, args, faults.log, waited)
        return 0 if ok else 1
    finally:
        for group in groups + rq:
            group.stop(wait=5)
        sink.shutdown()
        if engine is not None:
            engine.dispose()
        if created:
            psql("postgres", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        drop_new_jobs(args.redis, jobs_before, [group.name for group in rq])
        if args.keep_logs:
            print(f"logs and mail kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
