"""`flask referrals …`: the referral domain's scheduled jobs."""
from __future__ import annotations

import click
from flask import Flask


@click.group("referrals")
def referrals_group() -> None:
    """Referral and visit jobs (穗救易)."""


@referrals_group.command("escalate")
@click.option("--limit", default=500, show_default=True, help="Most referrals to escalate in this run.")
def escalate_command(limit: int) -> None:
    """Escalate overdue referrals to their district's officers, notifying each once. Run from cron every
    15 minutes (`flask jobs work` also runs it each round); two runs at once escalate each referral once."""
    from marketplace.referrals.escalation import escalate_overdue

    click.echo(f"Escalated {escalate_overdue(limit=limit)} overdue referral(s).")


def init_app(app: Flask) -> None:
    app.cli.add_command(referrals_group)
