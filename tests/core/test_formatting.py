"""Money, hours and dates are formatted for the reader's language, from integers only."""
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from marketplace.platform.i18n import datetime_medium, hours, money


@pytest.mark.parametrize("fen,text", [(0, "¥0.00"), (5, "¥0.05"), (123456789, "¥1,234,567.89"),
                                      (-250, "-¥2.50")])
def test_money_from_fen_is_exact(app, fen, text):
    with app.test_request_context(), force_locale("en"):
        assert money(fen) == text


def test_hours_from_minutes(app):
    with app.test_request_context(), force_locale("en"):
        assert hours(90) == "1 h 30 min"
        assert hours(120) == "2 h"


def test_dates_follow_the_locale(app):
    moment = datetime(2026, 11, 22, 8, 30, tzinfo=UTC)
    with app.test_request_context():
        with force_locale("en"):
            english = datetime_medium(moment)
        with force_locale("zh_CN"):
            chinese = datetime_medium(moment)
    assert "Nov" in english and "2026" in english
    assert "2026年11月22日" in chinese
    assert "16:30" in chinese  # shown in Guangzhou time (UTC+8)


@pytest.mark.parametrize("locale,day,month_text", [("en", "5 Dec 2026", "Dec 2026"),
                                                   ("zh_CN", "2026年12月5日", "2026年12月")])
def test_days_and_months_read_as_people_write_them(app, locale, day, month_text):
    from datetime import date

    from marketplace.platform.i18n import local_day, month

    with app.test_request_context(), force_locale(locale):
        assert local_day(date(2026, 12, 5)) == day
        assert local_day(datetime(2026, 12, 4, 17, 0, tzinfo=UTC)) == day  # 01:00 on the 5th in Guangzhou
        assert month("2026-12") == month_text


def test_templates_format_days_with_the_filter_not_by_hand():
    """No page prints a raw ISO day: `.isoformat()` and strftime are for links and inputs only."""
    import re
    from pathlib import Path

    shown = re.compile(r">\s*\{\{[^}]*(isoformat\(\)|strftime)[^}]*\}\}")
    found = [f"{path.name}: {line.strip()[:80]}" for path in Path("templates").rglob("*.html")
             for line in path.read_text(encoding="utf-8").splitlines() if shown.search(line)]
    assert not found, found
