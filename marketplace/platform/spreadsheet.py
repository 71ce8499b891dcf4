"""What every CSV and XLSX the site writes shares: formula escaping, and cells that hold real dates and numbers.

CSV is written in UTF-8 with a BOM (`utf-8-sig`) so spreadsheet programs read Chinese right; XLSX cells hold
dates with a date format, yuan as numbers with a ¥ format and hours as numbers, never text.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from marketplace.platform.timeutil import site_zone

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Keep spreadsheet programs from running a text cell as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def yuan(fen: int) -> Decimal:
    """Fen as an exact number of yuan (no float)."""
    return Decimal(int(fen)) / 100


def local_moment(moment: datetime | None) -> str:
    """A stored UTC time as the site's wall-clock time, readable and sortable: 2026-12-05 14:30."""
    return moment.astimezone(site_zone()).strftime("%Y-%m-%d %H:%M") if moment else ""


class XlsxCells:
    """Formats of one workbook and a writer that gives each value its real type."""

    def __init__(self, book):
        self.bold = book.add_format({"bold": True})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.moment = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self.yuan = book.add_format({"num_format": "¥#,##0.00;-¥#,##0.00"})
        self.hours_fmt = book.add_format({"num_format": "0.00"})

    def write(self, sheet, row: int, column: int, value) -> None:
        """Dates as dates, Decimal yuan as ¥ numbers, integers as numbers, everything else as safe text."""
        if value is None or value == "":
            sheet.write_blank(row, column, None)
        elif isinstance(value, datetime):
            sheet.write_datetime(row, column, value.astimezone(site_zone()).replace(tzinfo=None), self.moment)
        elif isinstance(value, date):
            sheet.write_datetime(row, column, datetime.combine(value, datetime.min.time()), self.date)
        elif isinstance(value, Decimal):
            sheet.write_number(row, column, value, self.yuan)
        elif isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, column, value)
        else:
            sheet.write_string(row, column, spreadsheet_safe(str(value)))

    def hours(self, sheet, row: int, column: int, minutes: int) -> None:
        """Minutes as a number of hours (90 → 1.50), so sums and charts work."""
        sheet.write_number(row, column, Decimal(int(minutes)) / 60, self.hours_fmt)
