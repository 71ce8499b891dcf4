"""`flask meals …`: the meal domain's scheduled jobs."""
from __future__ import annotations

import click
from flask import Flask


@click.group("meals")
def meals_group() -> None:
    """Donated meal jobs (M餐)."""


@meals_group.command("sweep")
def sweep_command() -> None:
    """Remind firms of permits about to expire, pause stores whose permits expired, expire past reservations,
    anonymise old ones and delete dead phone codes. Run daily from cron (`flask jobs work` also runs it each
    round); two runs at once act on each store and reservation once."""
    from marketplace.meals.person_sweeps import anonymise_sweep, expire_sweep, forget_codes
    from marketplace.meals.sweeps import pause_expired, remind_expiring

    reminded, paused = remind_expiring(), pause_expired()
    click.echo(f"Reminded {reminded} permit(s) about to expire; paused {paused} store(s) with an expired permit.")
    expired, anonymised, forgotten = expire_sweep(), anonymise_sweep(), forget_codes()
    click.echo(f"Expired {expired} reservation(s) not collected; anonymised {anonymised}; deleted {forgotten} "
               "old phone code(s).")


def init_app(app: Flask) -> None:
    app.cli.add_command(meals_group)
