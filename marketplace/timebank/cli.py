"""`flask timebank remind` (the job the time bank runs on a schedule), `flask timebank mend-reviews` and
`flask timebank over-cap`."""
from __future__ import annotations

import click
from flask import Flask


@click.group("timebank")
def timebank_group() -> None:
    """Time-bank jobs."""


@timebank_group.command("remind")
def remind_command() -> None:
    """Email volunteers whose activity starts within a day (each once)."""
    from marketplace.timebank.activities.service import send_reminders

    click.echo(f"Sent {send_reminders()} reminder(s).")


@timebank_group.command("mend-reviews")
def mend_reviews_command() -> None:
    """Take back minutes still credited to rejected attendance and reports (safe to repeat)."""
    from marketplace.timebank.hours.review import mend_rejected

    mended, failed = mend_rejected()
    click.echo(f"Mended {mended} rejected review(s).")
    for line in failed:
        click.echo(f"Could not mend {line}", err=True)
    if failed:
        raise SystemExit(1)


@timebank_group.command("over-cap")
def over_cap_command() -> None:
    """List volunteers' days credited past the daily cap (attendance, reports, imported rows), for coordinators."""
    from marketplace.timebank.hours import daily_cap

    found = 0
    for user_id, day, minutes, credits in daily_cap.days_over():
        found += 1
        records = "; ".join(f"{source} {', '.join(str(c.record_id) for c in credits if c.source == source)}"
                            for source in dict.fromkeys(c.source for c in credits))
        click.echo(f"volunteer {user_id} on {day.isoformat()}: {minutes} minutes credited, cap {daily_cap.cap()} "
                   f"({records})")
    click.echo(f"{found} day(s) over the daily cap.")
    if found:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    app.cli.add_command(timebank_group)
