"""The rules for rows of an imported sheet of hours: reading each row's cells, and judging the rows
against each other and against what volunteers already have (the minutes credited on their days,
counted by `daily_cap`; approved attendance; rows imported before). Errors are codes with
parameters, translated when shown (`describe`)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.auth.models import User
from marketplace.ledger import queries as ledger_queries
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import site_zone
from marketplace.timebank.hours import daily_cap
from marketplace.timebank.imports import files as import_files
from marketplace.timebank.imports.models import ImportBatch, ImportRow
from marketplace.timebank.models import Activity, Attendance, ReviewStatus

CHUNK = 500  # ids looked up per statement
MAX_AGE_DAYS = 365

MESSAGES = {
    "missing_email": _l("Enter the volunteer's email."),
    "unknown_volunteer": _l("No active Goodhours account uses this email address."),
    "own_hours": _l("Nobody may import their own hours; ask another coordinator."),
    "missing_date": _l("Enter the date of service."),
    "bad_date": _l("Write the date as YYYY-MM-DD, for example 2026-03-08."),
    "future_date": _l("The date is in the future."),
    "old_date": _l("The date is more than a year ago."),
    "missing_time": _l("Give a start and an end time (HH:MM), or the minutes served."),
    "bad_time": _l("Write times as HH:MM, for example 09:30."),
    "end_before_start": _l("The end time must come after the start time."),
    "bad_minutes": _l("Enter the minutes as a whole number, at least 1."),
    "minutes_over_span": _l("The minutes are more than the time between start and end."),
    "long_description": _l("Use at most %(n)d characters for the description."),
    "duplicate": _l("The same as row %(row)d."),
    "overlap_row": _l("Overlaps row %(row)d for the same volunteer."),
    "overlap_attendance": _l("Overlaps approved attendance at “%(title)s”."),
    "already_imported": _l("Already imported in “%(batch)s”."),
    "over_cap": _l("Passes the daily cap of %(cap)d minutes; at most %(room)d more minutes that day."),
}


def describe(stored: dict) -> str:
    """Return a stored row error as a message in the current language."""
    message = MESSAGES.get(stored.get("code", ""))
    if message is None:
        return str(stored.get("code", ""))
    params = {key: value for key, value in stored.items() if key != "code"}
    return str(message) % params if params else str(message)


def error(code: str, **params) -> dict:
    """Return a row error as stored: its code and the values its message needs."""
    return {"code": code, **params}


@dataclass
class Row:
    number: int
    email: str = ""
    user_id: int | None = None
    served_on: date | None = None
    start: int | None = None  # minutes after midnight, local time
    end: int | None = None
    minutes: int | None = None
    description: str = ""
    errors: list[dict] = field(default_factory=list)


def parse(record: tuple, today: date) -> Row:
    """Read one record's cells, noting what is missing or malformed."""
    number, email, day, start, end, minutes, description = record
    row = Row(number, email=str(email or "").strip().lower()[:254], description=str(description or ""))
    errors = row.errors
    if not row.email:
        errors.append(error("missing_email"))
    if day is None:
        errors.append(error("missing_date"))
    else:
        row.served_on = import_files.as_date(day)
        if row.served_on is None:
            errors.append(error("bad_date"))
        elif row.served_on > today:
            errors.append(error("future_date"))
        elif row.served_on < today - timedelta(days=MAX_AGE_DAYS):
            errors.append(error("old_date"))
    if start is None and end is None and minutes is None:
        errors.append(error("missing_time"))
    elif (start is None) != (end is None):
        errors.append(error("missing_time"))
    elif start is not None:
        row.start, row.end = import_files.as_time(start), import_files.as_time(end)
        if row.start is None or row.end is None:
            errors.append(error("bad_time"))
        elif row.end <= row.start:
            errors.append(error("end_before_start"))
    if minutes is not None:
        row.minutes = import_files.as_minutes(minutes)
        if not row.minutes:
            row.minutes = None
            errors.append(error("bad_minutes"))
    if row.start is not None and row.end is not None and row.end > row.start:
        span = row.end - row.start
        if row.minutes is None and minutes is None:
            row.minutes = span
        elif row.minutes is not None and row.minutes > span:
            errors.append(error("minutes_over_span"))
    if len(row.description) > 300:
        errors.append(error("long_description", n=300))
        row.description = row.description[:300]
    return row


@dataclass
class Credited:
    """What volunteers already have on the days a sheet covers."""

    minutes: dict = field(default_factory=lambda: defaultdict(int))  # (user, day) -> minutes credited (daily_cap)
    attendance: dict = field(default_factory=lambda: defaultdict(list))  # user -> [(start, end, title)] UTC
    imported: dict = field(default_factory=dict)  # (user, day, minutes, description) -> batch title


def credited(user_ids: set[int], first: date, last: date, org_id: int, batch_id: int) -> Credited:
    """Load the minutes credited to these volunteers on these days (the daily cap's own count), their approved
    attendance (for overlaps) and the organisation's rows imported before (for repeats)."""
    tz, found = site_zone(), Credited()
    if not user_ids:
        return found
    found.minutes.update(daily_cap.credited(user_ids, first, last))
    since = datetime.combine(first, datetime.min.time(), tz) - timedelta(days=1)
    until = datetime.combine(last, datetime.min.time(), tz) + timedelta(days=2)
    ids = sorted(user_ids)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        for user_id, checked_in, checked_out, starts, ends, title in db.session.execute(
                select(Attendance.user_id, Attendance.checked_in_at, Attendance.checked_out_at, Activity.starts_at,
                       Activity.ends_at, Activity.title)
                .join(Activity, Activity.id == Attendance.activity_id)
                .where(Attendance.user_id.in_(chunk), Attendance.status == ReviewStatus.APPROVED,
                       Activity.starts_at < until, Activity.ends_at > since)):
            found.attendance[user_id].append((max(checked_in or starts, starts), min(checked_out or ends, ends),
                                              title))
        for user_id, day, minutes, description, title in db.session.execute(
                select(ImportRow.user_id, ImportRow.served_on, ImportRow.minutes, ImportRow.description,
                       ImportBatch.title)
                .join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
                .where(ImportRow.user_id.in_(chunk), ImportRow.entry_id.is_not(None),
                       ImportRow.served_on.between(first, last), ImportBatch.organisation_id == org_id,
                       ImportBatch.id != batch_id)):
            found.imported[(user_id, day, minutes, description.casefold())] = title
    return found


def users_by_email(emails: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted(emails)
    for i in range(0, len(wanted), CHUNK):
        found.update(db.session.execute(select(User.email, User.id).where(
            User.email.in_(wanted[i:i + CHUNK]), User.is_active.is_(True))).all())
    return found


def judge(rows: list[Row], known: Credited, tz: ZoneInfo) -> None:
    """Find duplicates, overlaps and days over the cap among rows that are fine on their own."""
    cap = daily_cap.cap()
    seen: dict[tuple, int] = {}
    spans: dict[tuple, list] = defaultdict(list)  # (user, day) -> [(start, end, row number)] of accepted rows
    for row in rows:
        day_key = (row.user_id, row.served_on)
        key = (*day_key, row.start, row.end, row.minutes, row.description.casefold())
        if key in seen:
            row.errors.append(error("duplicate", row=seen[key]))
            continue
        seen[key] = row.number
        earlier = known.imported.get((*day_key, row.minutes, row.description.casefold()))
        if earlier is not None:
            row.errors.append(error("already_imported", batch=earlier))
            continue
        if row.start is not None:
            clash = next((n for s, e, n in spans[day_key] if s < row.end and row.start < e), None)
            if clash is not None:
                row.errors.append(error("overlap_row", row=clash))
                continue
            begins = datetime.combine(row.served_on, datetime.min.time(), tz) + timedelta(minutes=row.start)
            ends = begins + timedelta(minutes=row.end - row.start)
            title = next((t for s, e, t in known.attendance[row.user_id] if s < ends and begins < e), None)
            if title is not None:
                row.errors.append(error("overlap_attendance", title=title))
                continue
        used = known.minutes[day_key]
        if used + row.minutes > cap:
            row.errors.append(error("over_cap", cap=cap, room=max(cap - used, 0)))
            continue
        known.minutes[day_key] = used + row.minutes
        if row.start is not None:
            spans[day_key].append((row.start, row.end, row.number))


def savings_accounts(user_ids: set[int]) -> dict[int, int]:
    """Return the ids of the volunteers' savings accounts that exist (the rest are opened when posted)."""
    return ledger_queries.account_ids("user", "volunteer_savings", user_ids)
