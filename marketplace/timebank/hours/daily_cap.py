"""The daily cap (`TIMEBANK_DAILY_CAP_MINUTES`): the one rule for how many minutes a volunteer may be
credited for service on one day.

Minutes credited for service on a day are approved attendance (on the local day its activity starts),
approved hour reports (on the day served) and posted rows of imported sheets (on their date); rejected
and reversed records count for nothing. Attendance approval, report approval and import posting each
count them here while holding the volunteer's lock (`review.lock_volunteers`), so credits to one
volunteer's day at the same moment are counted one after another and never pass the cap together.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from itertools import groupby
from typing import NamedTuple

from sqlalchemy import Select, select

from config import settings
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start, local_date
from marketplace.timebank.imports.models import ImportRow
from marketplace.timebank.models import Activity, Attendance, HourReport, ReviewStatus

CHUNK = 500  # volunteers looked up per statement


class Credit(NamedTuple):
    """Minutes credited to a volunteer for service on a day, and the record that credited them."""

    user_id: int
    day: date
    minutes: int
    source: str  # "attendance", "hour report" or "import row"
    record_id: int


def cap() -> int:
    """Return the minutes one volunteer may save in a day."""
    return settings.TIMEBANK_DAILY_CAP_MINUTES


def credited(user_ids: Iterable[int], first: date, last: date) -> dict[tuple[int, date], int]:
    """Return the minutes credited to these volunteers for service on each day from `first` to `last`,
    keyed by (volunteer id, day); days without any are 0."""
    totals: dict[tuple[int, date], int] = defaultdict(int)
    ids = sorted(set(user_ids))
    for i in range(0, len(ids), CHUNK):
        for stream in _credits(ids[i:i + CHUNK], first, last):
            for credit in stream:
                totals[(credit.user_id, credit.day)] += credit.minutes
    return totals


def room(user_id: int, day: date) -> int:
    """Return how many more minutes may be credited to the volunteer for service on `day` (never below 0).

    Call it holding the volunteer's lock, and credit in the same transaction, for the answer to stay true.
    """
    return max(cap() - credited([user_id], day, day)[(user_id, day)], 0)


def days_over() -> Iterator[tuple[int, date, int, list[Credit]]]:
    """Yield (volunteer id, day, minutes, credits) for each day credited past the cap, volunteer by volunteer.

    Such days were left by credits racing before they waited for each other (or by the cap being lowered).
    """
    limit = cap()
    merged = heapq.merge(*_credits(None, None, None), key=lambda credit: credit.user_id)
    for user_id, own in groupby(merged, key=lambda credit: credit.user_id):
        days: dict[date, list[Credit]] = defaultdict(list)
        for credit in own:
            days[credit.day].append(credit)
        for day, credits in sorted(days.items()):
            minutes = sum(credit.minutes for credit in credits)
            if minutes > limit:
                yield user_id, day, minutes, credits


def _credits(user_ids: list[int] | None, first: date | None, last: date | None) -> list[Iterator[Credit]]:
    """Return the three kinds of credit as streams, each ordered by volunteer."""
    attendance = (select(Attendance.user_id, Activity.starts_at, Attendance.minutes_granted, Attendance.id)
                  .join(Activity, Activity.id == Attendance.activity_id)
                  .where(Attendance.status == ReviewStatus.APPROVED))
    report = (select(HourReport.user_id, HourReport.served_on, HourReport.minutes, HourReport.id)
             .where(HourReport.status == ReviewStatus.APPROVED))
    imported = (select(ImportRow.user_id, ImportRow.served_on, ImportRow.minutes, ImportRow.id)
                .where(ImportRow.entry_id.is_not(None)))
    if user_ids is not None:
        attendance = attendance.where(Attendance.user_id.in_(user_ids))
        report = report.where(HourReport.user_id.in_(user_ids))
        imported = imported.where(ImportRow.user_id.in_(user_ids))
    if first is not None and last is not None:
        attendance = attendance.where(Activity.starts_at >= day_start(first), Activity.starts_at < day_start(last, 1))
        report = report.where(HourReport.served_on.between(first, last))
        imported = imported.where(ImportRow.served_on.between(first, last))
    return [
        (Credit(u, local_date(starts), minutes or 0, "attendance", i)
         for u, starts, minutes, i in _rows(attendance, Attendance.user_id, Attendance.id)),
        (Credit(u, day, minutes, "hour report", i)
         for u, day, minutes, i in _rows(report, HourReport.user_id, HourReport.id)),
        (Credit(u, day, minutes, "import row", i)
         for u, day, minutes, i in _rows(imported, ImportRow.user_id, ImportRow.id)),
    ]


def _rows(stmt: Select, user_column, id_column):
    return db.session.execute(stmt.order_by(user_column, id_column).execution_options(yield_per=1000))
