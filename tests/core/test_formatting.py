"""Money, hours and dates are formatted for the reader's language, from integers only."""
from datetime import UTC, datetime

import pytest
from flask_babel import force_locale

from marketplace.platform.i18n import datetime_medium, hours, money


@pytest.mark.parametrize("fen,text", [(0, "¥0.00"), (5, "¥0.05"), (123456789, "¥1,234,567.89"),
                                      (-250, "¥-2.50")])
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
