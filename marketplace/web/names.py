"""Names in the reader's language: organisations, funds and districts carry `name_zh` and `name_en`."""
from __future__ import annotations

from flask import Flask

from marketplace.platform.i18n import current_locale


def local_name(record) -> str:
    """Return a record's `name_zh` when the page speaks Chinese, else its `name_en`."""
    return record.name_zh if current_locale() == "zh_CN" else record.name_en


def org_name(org) -> str:
    """Return the organisation's name in the current language."""
    return local_name(org)


def fund_name(fund) -> str:
    """Return the fund's name in the current language."""
    return local_name(fund)


def district_name(district) -> str:
    """Return the district's name in the current language."""
    return local_name(district)


def name_choices(records) -> list[tuple[int, str]]:
    """Return (id, name in the current language) pairs for a select field."""
    return [(record.id, local_name(record)) for record in records]


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(org_name=org_name, fund_name=fund_name, district_name=district_name)
