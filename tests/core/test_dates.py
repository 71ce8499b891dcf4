"""One parser reads a day however people type it; a bad one gets a clear message and keeps what was typed."""
from datetime import date

import pytest

from marketplace.web.dates import parse_day


@pytest.mark.parametrize("text", ["2026-12-05", "2026/12/5", "2026.12.5", "2026年12月5日", "2026 年 12 月 5 日",
                                  "5 Dec 2026", "5 December 2026", "Dec 5, 2026", " 2026-12-05 "])
def test_every_local_way_of_writing_a_day_is_read(text):
    assert parse_day(text) == date(2026, 12, 5)


@pytest.mark.parametrize("text", ["", "2026-13-05", "2026-02-30", "31/12/2024", "5 Foo 2026", "tomorrow", "0026-01-01",
                                  "2026-12-05; drop", None])
def test_anything_else_is_not_a_day(text):
    assert parse_day(text) is None


@pytest.mark.parametrize("cell", ["2026-12-05", "2026/12/5", "2026年12月5日", "2026-12-05 00:00:00", "5 Dec 2026",
                                  date(2026, 12, 5)])
def test_an_imported_sheet_reads_its_days_with_the_same_parser(cell):
    from marketplace.timebank.imports.files import as_date

    assert as_date(cell) == date(2026, 12, 5)
