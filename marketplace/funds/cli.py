"""`flask funds mend-disbursements`: move disbursements booked before they paid out of the bank."""
from __future__ import annotations

import click
from flask import Flask


@click.group("funds")
def funds_group() -> None:
    """Fund and disbursement commands."""


@funds_group.command("mend-disbursements")
def mend_disbursements_command() -> None:
    """Post old disbursements out of the bank account (once each) and list corrections to reverse."""
    from marketplace.funds.mend import move_disbursements_to_bank

    mended = move_disbursements_to_bank()
    click.echo(f"Moved {mended.moved} disbursement(s) onto the bank account.")
    for disbursement_id, line_id, amount in mended.corrections:
        click.echo(f"  disbursement {disbursement_id}: statement line {line_id} ({amount} fen) was matched by a "
                   "correcting entry; reverse that correction and match the line to the disbursement.")


def init_app(app: Flask) -> None:
    app.cli.add_command(funds_group)
