"""The scheduled commands that keep background work moving, and the loop that runs them.

`flask outbox deliver` sends what the outbox holds (cron, every minute); `flask jobs sweep` finds
jobs whose worker died and resumes or fails them (cron, every minute); `flask jobs work` runs both
every few seconds until stopped: run one per host beside the web workers (and the RQ worker).
"""
from __future__ import annotations

import logging
import time

import click
from flask import Flask

from marketplace.platform import jobs, leader
from marketplace.platform.extensions import db

# each sweep takes `now` (or nothing) and returns how many stuck jobs it resumed or failed
# (and the periodic work that must not wait for cron: overdue referrals escalated to their district's officers)
SWEEPS = ("marketplace.timebank.imports.service.sweep_stuck", "marketplace.reconciliation.imports.sweep_stuck",
          "marketplace.referrals.escalation.sweep", "marketplace.meals.sweeps.sweep",
          "marketplace.meals.person_sweeps.sweep", "marketplace.transparency.rollup.sweep",
          "marketplace.exchanges.posts.expire_due", "marketplace.exchanges.matching.send_digests")
log = logging.getLogger(__name__)


def sweep() -> int:
    """Run every domain's sweep for jobs whose worker stopped beating; return how many it handled."""
    handled = 0
    for path in SWEEPS:
        try:
            handled += jobs.resolve(path)()
        except Exception:  # noqa: BLE001  (one domain's failure must not stop the others)
            db.session.rollback()
            log.exception("Sweep %s failed", path)
    return handled


def work_once(lease_seconds: int = 60) -> tuple[int, int]:
    """Deliver the outbox and, on the host holding the sweeps' lease, sweep once; return (emails sent, jobs
    handled). Every host delivers (rows are leased one by one); one host at a time sweeps."""
    from marketplace.outbox.service import deliver_due

    try:
        sent = deliver_due()
    except Exception:  # noqa: BLE001  (the loop goes on; the rows stay due)
        db.session.rollback()
        log.exception("Outbox delivery failed")
        sent = 0
    return sent, sweep() if leader.leads("sweeps", lease_seconds) else 0


@click.group("outbox")
def outbox_group() -> None:
    """Mail written with each change, delivered after the commit."""


@outbox_group.command("deliver")
@click.option("--limit", default=500, show_default=True, help="Most rows to send in this run.")
def deliver_command(limit: int) -> None:
    """Send every due outbox row (failed sends are retried with backoff)."""
    from marketplace.outbox.service import deliver_due, pending_count

    sent = deliver_due(limit=limit)
    click.echo(f"Sent {sent} message(s); {pending_count()} waiting.")


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs: find the stuck ones, or run the worker loop."""


@jobs_group.command("sweep")
def sweep_command() -> None:
    """Resume or fail jobs whose worker stopped (no heartbeat for a minute)."""
    click.echo(f"Handled {sweep()} stuck job(s).")


@jobs_group.command("work")
@click.option("--every", default=15.0, show_default=True, help="Seconds between rounds.")
@click.option("--rounds", default=0, help="Stop after this many rounds (0: run until stopped).")
def work_command(every: float, rounds: int) -> None:
    """Deliver the outbox and sweep stuck jobs every few seconds (the sweeps on one host at a time)."""
    click.echo(f"Delivering the outbox every {every:g} s as {leader.me()}; sweeping while holding the lease.")
    done, sweeper = 0, ""  # who held the lease at the last round ("" before the first)
    while not rounds or done < rounds:
        sent, handled = work_once(lease_seconds=max(30, int(every * 4)))  # a silent host loses it in 4 rounds
        if sent or handled:
            click.echo(f"Sent {sent} message(s); handled {handled} stuck job(s).")
        holder = leader.holder("sweeps") or leader.me()  # no holder: no Redis, so this host sweeps
        if holder != sweeper:  # the log says where the sweeps run, and when that moves
            sweeper = holder
            click.echo("Sweeps run here." if holder == leader.me() else f"Sweeps run on {holder}.")
        done += 1
        if not rounds or done < rounds:
            time.sleep(every)


@jobs_group.command("lease")
@click.argument("name")
@click.option("--seconds", default=3000, show_default=True, help="How long the lease lasts once taken.")
@click.option("--holder", default=leader.host, help="Who takes it.  [default: this host's name]")
def lease_command(name: str, seconds: int, holder: str) -> None:
    """Take the lease NAME for this host and exit 0, or exit 1 when another host holds it.

    For a timer that every host has (ExecCondition= in its unit): the host that takes the lease runs the task,
    the others skip that run.
    """
    if not leader.leads(name, seconds, who=holder):
        click.echo(f"{leader.holder(name)} holds the {name} lease; skipped here.")
        raise SystemExit(1)
    click.echo(f"{holder} holds the {name} lease.")


def init_app(app: Flask) -> None:
    app.cli.add_command(outbox_group)
    app.cli.add_command(jobs_group)
