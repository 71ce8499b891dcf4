"""`flask --app wsgi states docs [--check]`: write docs/states.md from the declared machines."""
from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from marketplace.platform.states import MACHINES, Machine

PATH = Path(__file__).resolve().parents[2] / "docs" / "states.md"
COMMAND = "flask --app wsgi states docs"


def _machine(machine: Machine) -> list[str]:
    where = f"`{machine.model.__module__}.{machine.model.__name__}`" if machine.model else "(no model)"
    column = f"`{machine.column}`" if machine.column else "derived, no column of its own"
    lines = [f"## {machine.name}", "", f"{machine.about} Declared on {where}; state: {column}.", "",
             "| from | to | who may |", "|---|---|---|"]
    for state, who in machine.starts.items():
        lines.append(f"| *(new)* | `{state}` | {who} |")
    for old, moves in machine.moves.items():
        for new, who in moves.items():
            lines.append(f"| `{old}` | `{new}` | {who} |")
    ends = [f"`{state}`" for state, moves in machine.moves.items() if not moves]
    lines += ["", f"Final: {', '.join(ends) or 'none'}.", ""]
    return lines


def render() -> str:
    """Return the states page: one table of moves per declared machine, in name order."""
    import marketplace.models  # noqa: F401  (every model, so every machine is declared)

    lines = [
        "# States",
        "",
        f"Generated from the machines declared on the models by `{COMMAND}`; do not edit by hand",
        "(`--check` fails while this file is stale).",
        "",
        "Every change of a record's state goes through `marketplace/platform/states.py`: it refuses a",
        "move its machine does not list (nothing is written) and records each move with who made it,",
        "when and why, in `state_change` (a listing's in its own `listing_event`). Row locks and the",
        "guarded `UPDATE … WHERE status = …` stay with the services that need them.",
        "",
    ]
    for name in sorted(MACHINES):
        lines += _machine(MACHINES[name])
    return "\n".join(lines).rstrip("\n") + "\n"


@click.group("states")
def states_group() -> None:
    """The declared states and moves of every stateful record."""


@states_group.command("docs")
@click.option("--check", is_flag=True, help="Fail when docs/states.md is not what the declarations give.")
def docs_command(check: bool) -> None:
    """Write docs/states.md from the declared machines (or, with --check, fail when it is stale)."""
    text = render()
    if check:
        if not PATH.exists() or PATH.read_text(encoding="utf-8") != text:
            raise click.ClickException(f"{PATH.name} is stale: regenerate it with `{COMMAND}`")
        click.echo(f"{PATH.name} is current ({len(MACHINES)} machines).")
        return
    PATH.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {PATH} ({len(MACHINES)} machines).")


def init_app(app: Flask) -> None:
    app.cli.add_command(states_group)
