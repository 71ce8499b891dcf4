"""`flask notifications digest`: the weekly digest (the job to run on a schedule; safe to repeat)."""
from __future__ import annotations

import click
from flask import Flask


@click.group("notifications")
def notifications_group() -> None:
    """Notification jobs."""


@notifications_group.command("digest")
def digest_command() -> None:
    """Email this week's digest to everyone who asked for it (once a week each, however often it runs)."""
    from marketplace.notifications.digest import send_weekly_digests

    click.echo(f"Sent {send_weekly_digests()} digest(s).")


def init_app(app: Flask) -> None:
    app.cli.add_command(notifications_group)
