"""`flask ledger verify|export|expire-holds`: check, publish and tidy the ledger."""
from __future__ import annotations

import sys

import click
from flask import Flask

from marketplace.platform.extensions import db


@click.group("ledger")
def ledger_group() -> None:
    """Check and export the double-entry ledger."""


@ledger_group.command("verify")
def verify_command() -> None:
    """Recompute every balance from postings and check every hash chain."""
    from marketplace.ledger.verify import verify

    report = verify()
    click.echo(report.summary())
    if not report.ok:
        for entry_id, message in sorted(report.problems, key=lambda p: (p[0] is None, p[0] or 0)):
            where = f"entry {entry_id}" if entry_id is not None else "ledger"
            click.echo(f"  {where}: {message}", err=True)
        sys.exit(1)


@ledger_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "beancount"]), default="json", show_default=True)
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only entries effective on or after this date (YYYY-MM-DD).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-",
              help="File to write (default: standard output).")
def export_command(fmt: str, since, output: str) -> None:
    """Stream the whole ledger as CSV, JSON or beancount."""
    from marketplace.ledger.export import export
    from marketplace.ledger.verify import snapshot

    with snapshot() as conn, click.open_file(output, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8") as out:
        for chunk in export(conn, fmt, since.date() if since else None):
            out.write(chunk)


@ledger_group.command("expire-holds")
def expire_holds_command() -> None:
    """Release holds whose time has passed."""
    from marketplace.ledger.holds import expire_holds

    count = expire_holds()
    db.session.commit()
    click.echo(f"Released {count} expired hold(s).")


def init_app(app: Flask) -> None:
    app.cli.add_command(ledger_group)
