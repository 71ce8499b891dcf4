"""`flask wishes expire`: the job that ends overdue claims and stale listings, run on a schedule."""
from __future__ import annotations

import click
from flask import Flask


@click.group("wishes")
def wishes_group() -> None:
    """Micro-wish and household-need jobs."""


@wishes_group.command("expire")
def expire_command() -> None:
    """Expire claims past their deadline (telling the claimants) and listings unclaimed too long."""
    from marketplace.wishes.claims import expire_claims, expire_unclaimed

    claims = expire_claims()
    listings = expire_unclaimed()
    click.echo(f"Expired {claims} claim(s) and {listings} unclaimed listing(s).")


@wishes_group.command("settle-excess")
def settle_excess_command() -> None:
    """Move money a wish's or need's fund collected past its value or budget (before this was refused) to the
    organisation's community fund; safe to repeat (each move is posted once per listing)."""
    from marketplace.wishes.funding import settle_excess

    moved = settle_excess()
    click.echo(f"Moved {len(moved)} listing(s)' excess, {sum(moved.values())} fen in all, to community funds.")


def init_app(app: Flask) -> None:
    app.cli.add_command(wishes_group)
