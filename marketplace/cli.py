"""Command-line entry points: seed demo, create-admin, and each domain's own commands."""
from __future__ import annotations

import secrets

import click
from flask import Flask

from marketplace.platform.errors import DomainError


@click.command("create-admin")
@click.argument("email")
@click.option("--password", envvar="ADMIN_PASSWORD", default=None,
              help="Password for a new account (default: generated and printed).")
def create_admin_command(email: str, password: str | None) -> None:
    """Make EMAIL a platform admin, creating the account if needed."""
    from marketplace.auth.service import create_admin

    generated = password is None
    password = password or secrets.token_urlsafe(12)
    try:
        user, created = create_admin(email, password)
    except DomainError as error:
        raise click.ClickException(_messages(error)) from None
    if created:
        click.echo(f"Created platform admin {user.email}")
        if generated:
            click.echo(f"Password: {password}")
    else:
        click.echo(f"{user.email} is now a platform admin")


def _messages(error: DomainError) -> str:
    parts = [str(error.message)]
    for field, messages in error.fields.items():
        parts.extend(f"{field}: {m}" for m in messages)
    return "; ".join(parts)


@click.group("seed")
def seed_group() -> None:
    """Fill the database with data."""


@seed_group.command("demo")
def seed_demo_command() -> None:
    """Add a realistic demo (idempotent) and print the demo logins."""
    from marketplace.auth.demo import DEMO_PASSWORD
    from marketplace.demo import seed_demo

    logins, added = seed_demo()
    click.echo(f"Demo data: {added} new records." if added else "Demo data already present.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, email in logins:
        click.echo(f"  {role:<22} {email}")


def init_app(app: Flask) -> None:
    from marketplace.funds.cli import init_app as init_funds_cli
    from marketplace.ledger.cli import init_app as init_ledger_cli
    from marketplace.meals.cli import init_app as init_meals_cli
    from marketplace.notifications.cli import init_app as init_notifications_cli
    from marketplace.platform.states_docs import init_app as init_states_cli
    from marketplace.platform.worker import init_app as init_worker_cli
    from marketplace.referrals.cli import init_app as init_referrals_cli
    from marketplace.timebank.cli import init_app as init_timebank_cli
    from marketplace.transparency.refresh import init_app as init_transparency_cli
    from marketplace.wishes.cli import init_app as init_wishes_cli

    init_ledger_cli(app)
    init_funds_cli(app)
    init_timebank_cli(app)
    init_wishes_cli(app)
    init_transparency_cli(app)
    init_worker_cli(app)
    init_states_cli(app)
    init_notifications_cli(app)
    init_referrals_cli(app)
    init_meals_cli(app)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(seed_group)
