"""`flask timebank remind`: the jobs the time bank runs on a schedule."""
from __future__ import annotations

import click
from flask import Flask


@click.group("timebank")
def timebank_group() -> None:
    """Time-bank jobs."""


@timebank_group.command("remind")
def remind_command() -> None:
    """Email volunteers whose activity starts within a day (each once)."""
    from marketplace.timebank.service import send_reminders

    click.echo(f"Sent {send_reminders()} reminder(s).")


def init_app(app: Flask) -> None:
    app.cli.add_command(timebank_group)
