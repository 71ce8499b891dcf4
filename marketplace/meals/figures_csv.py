"""The public meal figures as CSV (UTF-8 with a BOM, cells escaped against formulas): per day and per store."""
from __future__ import annotations

import csv
import io

from flask_babel import gettext as _

from marketplace.meals import figures
from marketplace.platform.spreadsheet import BOM, spreadsheet_safe, yuan
from marketplace.web.names import district_name

TABLES = ("days", "stores")


def _text(rows: list[list]) -> bytes:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return out.getvalue().encode("utf-8")


def _unclaimed(row) -> object:
    return "" if row.unclaimed is None else row.unclaimed


def days_csv() -> bytes:
    """One row a day over the last 30 days, newest first."""
    rows: list[list] = [[_("Day"), _("Meals offered"), _("Meals taken"), _("Meals served"), _("Meals unclaimed"),
                         _("Value served (yuan)")]]
    rows += [[r.day.isoformat(), r.offered, r.taken, r.served, _unclaimed(r), f"{yuan(r.value_fen):.2f}"]
             for r in figures.by_day()]
    return _text(rows)


def stores_csv() -> bytes:
    """One row a store, all time: its public name, district and address, and its counts."""
    rows: list[list] = [[_("Store"), _("District"), _("Address"), _("Meals offered"), _("Meals taken"),
                         _("Meals served"), _("Meals unclaimed"), _("Value served (yuan)"), _("Blind boxes")]]
    rows += [[r.store.name, district_name(r.store.district), r.store.address, r.offered, r.taken, r.served,
              _unclaimed(r), f"{yuan(r.value_fen):.2f}", r.blind_boxes] for r in figures.by_store()]
    return _text(rows)


def table_csv(table: str) -> bytes:
    return days_csv() if table == "days" else stores_csv()
