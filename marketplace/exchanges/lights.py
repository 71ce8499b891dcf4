"""Green, yellow and red lights for the reports coordinators have to answer (the coordinators' board).

A report has EXCHANGE_REPORT_ANSWER_HOURS to be answered: it is green while most of that time is left, yellow
in its last quarter, red once `answer_due_at` has passed. An answered report has no light.
"""
from __future__ import annotations

from datetime import datetime

from marketplace.exchanges.models import ExchangeReport, ReportStatus
from marketplace.platform.timeutil import now_utc

LIGHTS = ("red", "yellow", "green")
YELLOW_SHARE = 4  # yellow for the last 1/YELLOW_SHARE of the time to answer


def light_of(report: ExchangeReport, now: datetime | None = None) -> str | None:
    """Return "red", "yellow" or "green" for an open report at `now` (default: now); None once answered."""
    if report.status != ReportStatus.OPEN:
        return None
    now = now or now_utc()
    due = report.answer_due_at
    if now >= due:
        return "red"
    if now >= due - (due - report.created_at) / YELLOW_SHARE:
        return "yellow"
    return "green"


def hours_left(report: ExchangeReport, now: datetime | None = None) -> int:
    """Whole hours until the answer is due (negative: hours late), rounded towards late."""
    seconds = (report.answer_due_at - (now or now_utc())).total_seconds()
    return int(seconds // 3600)


def board_order(reports: list[ExchangeReport], now: datetime | None = None) -> list[tuple[ExchangeReport, str]]:
    """Return open reports with their lights: the late ones first (the newest late first), then yellow and green,
    the soonest due first."""
    now = now or now_utc()
    lit = [(r, light_of(r, now)) for r in reports]
    late = sorted((x for x in lit if x[1] == "red"), key=lambda x: (x[0].answer_due_at, x[0].id), reverse=True)
    rest = sorted((x for x in lit if x[1] in ("yellow", "green")), key=lambda x: (x[0].answer_due_at, x[0].id))
    return late + rest


def counts(lit: list[tuple[ExchangeReport, str]]) -> dict[str, int]:
    """Count reports by light, red first."""
    return {light: sum(1 for _r, shade in lit if shade == light) for light in LIGHTS}
