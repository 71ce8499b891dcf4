"""`flask transparency refresh`: fold the funds' new lines into their monthly sums and compute every public
figure afresh into the shared cache, on a schedule, so that no visitor waits for a cold page (with
REDIS_URL; without it each process keeps its own cache). `flask transparency rollup --rebuild` folds every
line afresh, after a bulk load."""
from __future__ import annotations

import click
from flask import Flask

from marketplace.funds import service as funds
from marketplace.platform.extensions import db
from marketplace.transparency import cache, overview, rollup
from marketplace.transparency.score import score


def refresh_all() -> tuple[int, int]:
    """Recompute the platform overview, each organisation's chart and score, and each fund's figures.

    Returns how many organisations and funds were refreshed.
    """
    orgs = funds_done = 0
    rollup.fold()
    with cache.refreshing():
        overview.platform()
        for org in db.session.scalars(overview.organisations_with_funds()).all():
            fund_list = db.session.scalars(funds.funds_of(org)).all()
            account_of = overview.fund_accounts(fund_list)
            overview.org_monthly(org, list(account_of.values()))
            score(org)
            for fund in fund_list:
                overview.fund_figures(fund)
            orgs, funds_done = orgs + 1, funds_done + len(fund_list)
    db.session.commit()  # fund accounts opened on the way
    return orgs, funds_done


@click.group("transparency")
def transparency_group() -> None:
    """Public accounts jobs."""


@transparency_group.command("refresh")
def refresh_command() -> None:
    """Compute the public accounts' figures afresh (run every few minutes, e.g. from cron)."""
    if not cache.seconds():
        raise click.ClickException("TRANSPARENCY_CACHE_SECONDS is 0: figures are not cached, nothing to refresh.")
    orgs, fund_count = refresh_all()
    click.echo(f"Refreshed the overview, {orgs} organisation(s) and {fund_count} fund(s).")


@transparency_group.command("rollup")
@click.option("--rebuild", is_flag=True, help="Forget the sums and fold every line afresh (after a bulk load).")
def rollup_command(rebuild: bool) -> None:
    """Fold the funds' new ledger lines into the monthly sums the public pages read."""
    count = rollup.rebuild() if rebuild else rollup.fold()
    click.echo(f"Folded {count} line(s) of the funds' accounts into their monthly sums.")


def init_app(app: Flask) -> None:
    app.cli.add_command(transparency_group)
