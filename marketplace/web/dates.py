"""Days typed the way people write them: one parser for every date field and date filter.

Accepts 2026-12-05, 2026/12/5, 2026.12.5, 2026年12月5日 and 5 Dec 2026 (or December 5, 2026), whatever the
reader's language; a browser's date picker sends the first. Anything else gets one translated message and
the field keeps what was typed.
"""
from __future__ import annotations

import re
from datetime import date

from babel.dates import get_month_names
from flask_babel import lazy_gettext as _l
from wtforms import DateField

BAD_DATE = _l("Enter a date such as 2026-12-05, 2026/12/5 or 2026年12月5日.")
FIRST_YEAR, LAST_YEAR = 1900, 2999

_NUMERIC = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\.?\s+([A-Za-z]+)\.?,?\s+(\d{4})")
_MONTH_DAY_YEAR = re.compile(r"([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})")


def _months() -> dict[str, int]:
    names: dict[str, int] = {}
    for width in ("wide", "abbreviated"):
        names.update({name.lower().rstrip("."): number for number, name in get_month_names(width, locale="en").items()})
    names["sept"] = 9
    return names


MONTHS = _months()


def parse_day(text: str | None) -> date | None:
    """Read a day from what someone typed; None when it is not a real day between 1900 and 2999."""
    if not isinstance(text, str):
        return None
    text = text.strip()[:40]
    if found := _NUMERIC.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    elif found := _DAY_MONTH_YEAR.fullmatch(text):
        day, month, year = int(found[1]), MONTHS.get(found[2].lower(), 0), int(found[3])
    elif found := _MONTH_DAY_YEAR.fullmatch(text):
        month, day, year = MONTHS.get(found[1].lower(), 0), int(found[2]), int(found[3])
    else:
        return None
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


class LocalDateField(DateField):
    """A date field that reads every way of writing a day `parse_day` knows, with one clear message."""

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        self.data = parse_day(" ".join(valuelist))
        if self.data is None:
            raise ValueError(str(BAD_DATE))
