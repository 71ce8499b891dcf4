"""A report's table as CSV (UTF-8 with a BOM, text cells formula-escaped) and as XLSX (real dates and
numbers with formats). Minutes become two columns, hours and minutes; fen become yuan."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from marketplace.platform.spreadsheet import spreadsheet_safe
from marketplace.platform.timeutil import now_utc
from marketplace.reports.filters import Filters
from marketplace.reports.tables import Table
from marketplace.transparency.opendata import yuan
from marketplace.web.names import org_name


def headings(table: Table) -> list[str]:
    """The column headings, a minutes column as hours then minutes, money marked as yuan."""
    found = []
    for column in table.columns:
        if column.kind == "minutes":
            found += [str(column.label), _("Minutes")]
        elif column.kind == "fen":
            found.append(_("%(label)s (yuan)", label=column.label))
        else:
            found.append(str(column.label))
    return found


def hours_of(minutes: int) -> Decimal:
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


def csv_bytes(table: Table) -> bytes:
    """The table, then a totals row, as CSV a spreadsheet program opens with its Chinese intact."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(h) for h in headings(table)])
    for row in _with_totals(table):
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            if value is None:
                cells += ["", ""] if column.kind == "minutes" else [""]
            elif isinstance(value, str):
                cells.append(spreadsheet_safe(value))
            elif column.kind == "minutes":
                cells += [str(hours_of(value)), value]
            elif column.kind == "fen":
                cells.append(yuan(value))
            elif column.kind == "month":
                cells.append(value.strftime("%Y-%m"))
            elif column.kind == "date":
                cells.append(value.isoformat())
            else:
                cells.append(value)
        writer.writerow(cells)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(table: Table, filters: Filters) -> bytes:
    """The table on one sheet (totals row last, in bold), and what it covers on a second."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    formats = {"bold": book.add_format({"bold": True}), "date": book.add_format({"num_format": "yyyy-mm-dd"}),
               "month": book.add_format({"num_format": "yyyy-mm"}), "hours": book.add_format({"num_format": "0.00"}),
               "fen": book.add_format({"num_format": "#,##0.00"})}
    sheet = book.add_worksheet(str(table.title)[:31])
    for c, heading in enumerate(headings(table)):
        sheet.write_string(0, c, heading, formats["bold"])
        sheet.set_column(c, c, 24 if c == 0 else 14)
    sheet.freeze_panes(1, 0)
    rows = _with_totals(table)
    for r, row in enumerate(rows, start=1):
        c = 0
        for column, value in zip(table.columns, row, strict=True):
            c = _write(sheet, r, c, column.kind, value, formats)
    about = book.add_worksheet(_("About")[:31])
    for r, (name, value) in enumerate(((_("Report"), str(table.title)),
                                       (_("Organisations"), "、".join(org_name(o) for o in filters.orgs)),
                                       (_("From"), filters.start), (_("To"), filters.end),
                                       (_("Made at (UTC)"), now_utc().strftime("%Y-%m-%d %H:%M")))):
        about.write_string(r, 0, name, formats["bold"])
        _write(about, r, 1, "date" if isinstance(value, date) else "text", value, formats)
    about.set_column(0, 1, 30)
    book.close()
    return out.getvalue()


def _with_totals(table: Table) -> list[tuple]:
    totals = table.totals
    if not any(t is not None for t in totals):
        return list(table.rows)
    first = [str(_("Total"))] + [None] * (len(table.columns) - 1)
    return [*table.rows, tuple(t if t is not None else first[i] for i, t in enumerate(totals))]


def _write(sheet, r: int, c: int, kind: str, value, formats) -> int:
    """Write one cell (two for minutes) and return the next column."""
    if value is None:
        return c + (2 if kind == "minutes" else 1)
    if kind == "minutes":
        sheet.write_number(r, c, hours_of(value), formats["hours"])
        sheet.write_number(r, c + 1, value)
        return c + 2
    if kind == "fen":
        sheet.write_number(r, c, Decimal(value) / 100, formats["fen"])
    elif kind in ("date", "month") and isinstance(value, date):
        sheet.write_datetime(r, c, value, formats[kind])
    elif isinstance(value, int):
        sheet.write_number(r, c, value)
    else:
        sheet.write_string(r, c, spreadsheet_safe(str(value)))
    return c + 1
