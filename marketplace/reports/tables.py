"""A report's figures as one table every output shares: the page, the CSV, the XLSX and the PDF summary.

Cells hold plain values (text, dates, integers of minutes or fen); each column says what its cells are,
so every output formats them its own way (hours on screen, numbers with formats in a workbook)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from babel.dates import format_skeleton
from flask_babel import format_date, format_decimal, get_locale

from marketplace.platform.i18n import hours, money

# what a column's cells hold: text, a date, a month (the date of its first day), a count, minutes, fen
KINDS = ("text", "date", "month", "count", "minutes", "fen")
SUMMED = ("count", "minutes", "fen")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translated string
    kind: str = "text"
    summed: bool = True  # a count, minutes or fen column adds up into the totals row

    @property
    def totalled(self) -> bool:
        return self.kind in SUMMED and self.summed


@dataclass
class Table:
    """One report's rows, with the columns that say what each cell is and the chart drawn from them."""

    name: str
    title: object
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)
    chart: dict = field(default_factory=dict)  # {type, labels, datasets: [{label, data}], divisor}
    note: object = ""

    @property
    def totals(self) -> list[int | None]:
        """The sum of each totalled column (None for the others)."""
        return [sum(row[i] or 0 for row in self.rows) if column.totalled else None
                for i, column in enumerate(self.columns)]

    @property
    def has_totals(self) -> bool:
        return any(column.totalled for column in self.columns)

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)


def month_label(first_day: date) -> str:
    """A month in the reader's language: 2026年3月, Mar 2026."""
    return format_skeleton("yMMM", first_day, locale=get_locale() or "zh_CN")


def months(start: date, end: date) -> list[date]:
    """The first day of each month from `start`'s to `end`'s."""
    found, month = [], start.replace(day=1)
    while month <= end:
        found.append(month)
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return found


def month_start(text: str) -> date:
    """Read a 'YYYY-MM' (as SQL groups months) as the month's first day."""
    return date(int(text[:4]), int(text[5:7]), 1)


def bar_chart(labels: list[str], datasets: list[tuple[object, list[int]]], divisor: int = 1) -> dict:
    """A chart spec for static/js/charts.js: bars of each dataset (values divided by `divisor` when drawn)."""
    return {"type": "bar", "divisor": divisor, "labels": labels,
            "datasets": [{"label": str(label), "data": data} for label, data in datasets]}


def shown(column: Column, value) -> str:
    """A cell as people read it: hours and minutes, ¥1,234.50, 2026年3月8日, 2026年3月, or — for nothing."""
    if value is None:
        return "—"
    if isinstance(value, str):
        return value
    if column.kind == "minutes":
        return hours(value)
    if column.kind == "fen":
        return money(value)
    if column.kind == "month":
        return month_label(value)
    if column.kind == "date":
        return format_date(value, "medium")
    return format_decimal(value)
