"""Write docs/settings.md from the registry: `python -m config.docs` (tests fail while it is stale)."""
from __future__ import annotations

import sys
from pathlib import Path

from config.registry import OWNED_PREFIXES, Settings
from config.setting import KINDS

PATH = Path(__file__).resolve().parent.parent / "docs" / "settings.md"
COMMAND = "python -m config.docs"


def render() -> str:
    """Return the settings page: one row per declared setting."""
    lines = [
        "# Settings",
        "",
        f"Generated from `config/registry.py` by `{COMMAND}`; do not edit by hand.",
        "",
        "Every setting is an environment variable. With none set the site runs alone: SQLite in",
        "`instance/`, jobs on a thread of the web process, rate limits in memory, mail on the console and",
        "payments through the demo provider (test mode). Tests and scripts may override any of them with",
        "`create_app({...})`, keyed by the name in the first column.",
        "",
        "Startup refuses, listing every problem at once, a value of the wrong type or outside its choices,",
        "a `SITE_URL` that is not a plain http(s) address, the retired `TRUST_PROXY` (use `PROXY_HOPS`), and in",
        "production (`GOODHOURS_ENV=production`): a missing required setting, a `SECRET_KEY` shorter than 32",
        "bytes, a well-known example or guessable (repeated, too few different characters), SQLite as the",
        "database, a `SITE_URL` that is not https, no Stripe keys (so no demo provider), `FLASK_DEBUG` on, or",
        "`ARGON2_PROFILE=cheapest`. Production also marks the session and remember-me cookies `Secure` and",
        "sends HSTS. A variable under a Goodhours",
        "prefix that is not declared here is logged as a warning and ignored (a typo or a retired setting):",
        ", ".join(f"`{prefix}`" for prefix in OWNED_PREFIXES) + ".",
        "",
        "| setting | environment variable | type | default | production | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for setting in Settings.declared():
        kind = KINDS[setting.kind][0].split(" (")[0]
        if setting.choices:
            kind = " or ".join(f"`{choice}`" for choice in setting.choices)
        required = "required" if setting.required_in_production else ""
        lines.append(f"| `{setting.key}` | `{setting.env}` | {kind} | {setting.default_text()} | {required} "
                     f"| {setting.meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    PATH.write_text(render(), encoding="utf-8")
    sys.stdout.write(f"wrote {PATH}\n")
