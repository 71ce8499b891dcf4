"""Bulk import of offline hours: a coordinator uploads a sheet, every row is checked and reported,
and only when the coordinator confirms are the valid rows posted to the volunteers' savings.

Large sheets are checked and posted by a background job (`marketplace.jobs`) that records its
progress in `ImportBatch.done_rows`, so any web process can show it. Row errors are stored as
codes with their parameters and translated when shown (`describe`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, insert, select, update

from marketplace import jobs
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.errors import Conflict, InvalidInput, NotFound
from marketplace.extensions import db
from marketplace.ids import is_id
from marketplace.ledger import service as ledger
from marketplace.orgs.models import Organisation
from marketplace.policy import require
from marketplace.timebank import import_files
from marketplace.timebank.care_models import ImportBatch, ImportRow
from marketplace.timebank.models import Activity, Attendance, HourClaim, ReviewStatus
from marketplace.timebank.service import savings_account, setting
from marketplace.timeutil import now_utc

JOB_ROWS = 500  # sheets with more rows are checked, and posted, by a background job
CHUNK = 500  # rows written (and progress committed) at a time
MAX_AGE_DAYS = 365
RUNNING = ("checking", "posting")

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


def describe(error: dict) -> str:
    """Return a stored row error as a message in the current language."""
    message = MESSAGES.get(error.get("code", ""))
    if message is None:
        return str(error.get("code", ""))
    params = {key: value for key, value in error.items() if key != "code"}
    return str(message) % params if params else str(message)


def _error(code: str, **params) -> dict:
    return {"code": code, **params}


# --- the coordinator's verbs -------------------------------------------------------------------

def check_import(actor: User, org: Organisation, title: str, upload) -> ImportBatch:
    """Read an uploaded sheet and check every row; post nothing.

    Small sheets are checked at once; larger ones by a background job (see `ImportBatch.status`).
    :raise InvalidInput: naming `title` or `upload`, when the file as a whole cannot be used.
    """
    require(actor, "org.approve_hours", org)
    title = (title or "").strip()
    fields: dict[str, list] = {}
    if not title or len(title) > 120:
        fields["title"] = [_l("Enter a title of 1 to %(n)d characters.", n=120)]
    try:
        records = import_files.read(upload)
    except InvalidInput as error:
        fields.update(error.fields)
    if fields:
        raise InvalidInput(fields=fields)
    batch = ImportBatch(organisation_id=org.id, uploaded_by_id=actor.id, title=title, status="checking",
                        total_rows=len(records), done_rows=0, valid_rows=0)
    db.session.add(batch)
    db.session.flush()
    record("import.uploaded", actor=actor, subject=batch, rows=len(records))
    if len(records) > JOB_ROWS:
        db.session.commit()
        jobs.enqueue("marketplace.timebank.imports.run_check", batch.id, records)
        return batch
    _check(batch, records, progress=False)
    db.session.commit()
    return batch


def confirm_import(actor: User, batch_id) -> ImportBatch:
    """Post every valid row to its volunteer's savings; confirming twice posts once.

    :raise Conflict: while the sheet is still being checked, or when no row is valid.
    """
    batch = get_batch(actor, batch_id)
    if batch.status in ("posting", "posted"):
        return batch
    if batch.status != "checked":
        raise Conflict(_l("This sheet could not be checked; upload it again.") if batch.status == "failed"
                       else _l("The rows are still being checked; wait for the report."))
    if not batch.valid_rows:
        raise Conflict(_l("No row is valid: correct the sheet and upload it again."))
    claimed = db.session.execute(update(ImportBatch).where(ImportBatch.id == batch.id,
                                                           ImportBatch.status == "checked")
                                 .values(status="posting", done_rows=0))
    if not claimed.rowcount:  # another click or coordinator confirmed it first
        db.session.rollback()
        return batch
    record("import.confirmed", actor=actor, subject=batch, rows=batch.valid_rows)
    if batch.valid_rows > JOB_ROWS:
        db.session.commit()
        jobs.enqueue("marketplace.timebank.imports.run_post", batch.id, actor.id)
        return batch
    _post(batch, actor, progress=False)
    db.session.commit()
    return batch


def template(locale: str, fmt: str) -> bytes:
    """Return a blank CSV or XLSX sheet with headers in the language of `locale`."""
    if fmt not in ("csv", "xlsx"):
        raise NotFound()
    return import_files.template(locale, fmt)


def get_batch(actor: User, batch_id) -> ImportBatch:
    batch = db.session.get(ImportBatch, batch_id) if is_id(batch_id) else None
    if batch is None:
        raise NotFound()
    require(actor, "org.approve_hours", batch.organisation)
    return batch


def batches_of(actor: User, org: Organisation, limit: int = 50) -> list[ImportBatch]:
    require(actor, "org.approve_hours", org)
    return list(db.session.scalars(select(ImportBatch).where(ImportBatch.organisation_id == org.id)
                                   .order_by(ImportBatch.id.desc()).limit(limit)))


def rows_of(batch: ImportBatch, *, after: int = 0, errors_only: bool = False, limit: int = 200):
    """Return a page of the report (rows after a row number) and whether more follow."""
    stmt = (select(ImportRow).where(ImportRow.batch_id == batch.id, ImportRow.row_number > after)
            .order_by(ImportRow.row_number).limit(limit + 1))
    if errors_only:
        stmt = stmt.where(cast(ImportRow.errors, String) != "[]")
    rows = list(db.session.scalars(stmt))
    return rows[:limit], len(rows) > limit


# --- jobs --------------------------------------------------------------------------------------

def run_check(batch_id: int, records: list) -> None:
    """Check a large sheet in the background, committing progress as it goes."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != "checking":
        return
    try:
        _check(batch, records, progress=True)
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.execute(delete(ImportRow).where(ImportRow.batch_id == batch_id))
        db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(status="failed"))
        db.session.commit()
        raise


def run_post(batch_id: int, actor_id: int) -> None:
    """Post a large sheet's valid rows in the background; on failure it can be confirmed again."""
    batch = db.session.get(ImportBatch, batch_id)
    actor = db.session.get(User, actor_id)
    if batch is None or actor is None or batch.status != "posting":
        return
    try:
        _post(batch, actor, progress=True)
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(status="checked"))
        db.session.commit()
        raise


# --- checking ----------------------------------------------------------------------------------

@dataclass
class _Row:
    number: int
    email: str = ""
    user_id: int | None = None
    served_on: date | None = None
    start: int | None = None  # minutes after midnight, local time
    end: int | None = None
    minutes: int | None = None
    description: str = ""
    errors: list[dict] = field(default_factory=list)


def _zone() -> ZoneInfo:
    return ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def _parse(record: tuple, today: date) -> _Row:
    """Read one record's cells, noting what is missing or malformed."""
    number, email, day, start, end, minutes, description = record
    row = _Row(number, email=str(email or "").strip().lower()[:254], description=str(description or ""))
    errors = row.errors
    if not row.email:
        errors.append(_error("missing_email"))
    if day is None:
        errors.append(_error("missing_date"))
    else:
        row.served_on = import_files.as_date(day)
        if row.served_on is None:
            errors.append(_error("bad_date"))
        elif row.served_on > today:
            errors.append(_error("future_date"))
        elif row.served_on < today - timedelta(days=MAX_AGE_DAYS):
            errors.append(_error("old_date"))
    if start is None and end is None and minutes is None:
        errors.append(_error("missing_time"))
    elif (start is None) != (end is None):
        errors.append(_error("missing_time"))
    elif start is not None:
        row.start, row.end = import_files.as_time(start), import_files.as_time(end)
        if row.start is None or row.end is None:
            errors.append(_error("bad_time"))
        elif row.end <= row.start:
            errors.append(_error("end_before_start"))
    if minutes is not None:
        row.minutes = import_files.as_minutes(minutes)
        if not row.minutes:
            row.minutes = None
            errors.append(_error("bad_minutes"))
    if row.start is not None and row.end is not None and row.end > row.start:
        span = row.end - row.start
        if row.minutes is None and minutes is None:
            row.minutes = span
        elif row.minutes is not None and row.minutes > span:
            errors.append(_error("minutes_over_span"))
    if len(row.description) > 300:
        errors.append(_error("long_description", n=300))
        row.description = row.description[:300]
    return row


@dataclass
class _Credited:
    """What volunteers already have on the days a sheet covers."""

    minutes: dict = field(default_factory=lambda: defaultdict(int))  # (user, day) -> minutes credited
    attendance: dict = field(default_factory=lambda: defaultdict(list))  # user -> [(start, end, title)] UTC
    imported: dict = field(default_factory=dict)  # (user, day, minutes, description) -> batch title


def _credited(user_ids: set[int], first: date, last: date, org_id: int, batch_id: int) -> _Credited:
    """Load approved attendance, approved claims and imported rows for these volunteers and days."""
    zone, found = _zone(), _Credited()
    since = datetime.combine(first, datetime.min.time(), zone) - timedelta(days=1)
    until = datetime.combine(last, datetime.min.time(), zone) + timedelta(days=2)
    ids = sorted(user_ids)
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i:i + CHUNK]
        for user_id, checked_in, checked_out, starts, ends, title, granted in db.session.execute(
                select(Attendance.user_id, Attendance.checked_in_at, Attendance.checked_out_at, Activity.starts_at,
                       Activity.ends_at, Activity.title, Attendance.minutes_granted)
                .join(Activity, Activity.id == Attendance.activity_id)
                .where(Attendance.user_id.in_(chunk), Attendance.status == ReviewStatus.APPROVED,
                       Activity.starts_at < until, Activity.ends_at > since)):
            found.minutes[(user_id, starts.astimezone(zone).date())] += granted or 0
            found.attendance[user_id].append((max(checked_in or starts, starts), min(checked_out or ends, ends),
                                              title))
        for user_id, day, minutes in db.session.execute(
                select(HourClaim.user_id, HourClaim.served_on, HourClaim.minutes)
                .where(HourClaim.user_id.in_(chunk), HourClaim.status == ReviewStatus.APPROVED,
                       HourClaim.served_on.between(first, last))):
            found.minutes[(user_id, day)] += minutes
        for user_id, day, minutes, description, title, org, batch in db.session.execute(
                select(ImportRow.user_id, ImportRow.served_on, ImportRow.minutes, ImportRow.description,
                       ImportBatch.title, ImportBatch.organisation_id, ImportBatch.id)
                .join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
                .where(ImportRow.user_id.in_(chunk), ImportRow.entry_id.is_not(None),
                       ImportRow.served_on.between(first, last))):
            found.minutes[(user_id, day)] += minutes
            if org == org_id and batch != batch_id:
                found.imported[(user_id, day, minutes, description.casefold())] = title
    return found


def _users_by_email(emails: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    wanted = sorted(emails)
    for i in range(0, len(wanted), CHUNK):
        found.update(db.session.execute(select(User.email, User.id).where(
            User.email.in_(wanted[i:i + CHUNK]), User.is_active.is_(True))).all())
    return found


def _check(batch: ImportBatch, records: list, *, progress: bool) -> None:
    """Judge every row (alone, against the rest of the sheet and against the ledger's records), then
    store the rows with their errors."""
    zone = _zone()
    rows = [_parse(tuple(r), now_utc().astimezone(zone).date()) for r in records]
    users = _users_by_email({r.email for r in rows if r.email})
    for row in rows:
        row.user_id = users.get(row.email)
        if row.email and row.user_id is None:
            row.errors.append(_error("unknown_volunteer"))
        elif row.user_id == batch.uploaded_by_id:
            row.errors.append(_error("own_hours"))
    clean = [r for r in rows if not r.errors]
    if clean:
        credited = _credited({r.user_id for r in clean}, min(r.served_on for r in clean),
                             max(r.served_on for r in clean), batch.organisation_id, batch.id)
        _judge(clean, credited, zone)
    for i in range(0, len(rows), CHUNK):
        db.session.execute(insert(ImportRow), [
            {"batch_id": batch.id, "row_number": r.number, "email": r.email, "user_id": r.user_id,
             "served_on": r.served_on, "minutes": r.minutes, "description": r.description, "errors": r.errors}
            for r in rows[i:i + CHUNK]])
        batch.done_rows = min(i + CHUNK, len(rows))
        if progress:
            db.session.commit()
    batch.valid_rows = sum(1 for r in rows if not r.errors)
    batch.status = "checked"
    record("import.checked", subject=batch, rows=len(rows), valid=batch.valid_rows)


def _judge(rows: list[_Row], credited: _Credited, zone: ZoneInfo) -> None:
    """Find duplicates, overlaps and days over the cap among rows that are fine on their own."""
    cap = setting("DAILY_CAP_MINUTES")
    seen: dict[tuple, int] = {}
    spans: dict[tuple, list] = defaultdict(list)  # (user, day) -> [(start, end, row number)] of accepted rows
    for row in rows:
        day_key = (row.user_id, row.served_on)
        key = (*day_key, row.start, row.end, row.minutes, row.description.casefold())
        if key in seen:
            row.errors.append(_error("duplicate", row=seen[key]))
            continue
        seen[key] = row.number
        earlier = credited.imported.get((*day_key, row.minutes, row.description.casefold()))
        if earlier is not None:
            row.errors.append(_error("already_imported", batch=earlier))
            continue
        if row.start is not None:
            clash = next((n for s, e, n in spans[day_key] if s < row.end and row.start < e), None)
            if clash is not None:
                row.errors.append(_error("overlap_row", row=clash))
                continue
            begins = datetime.combine(row.served_on, datetime.min.time(), zone) + timedelta(minutes=row.start)
            ends = begins + timedelta(minutes=row.end - row.start)
            title = next((t for s, e, t in credited.attendance[row.user_id] if s < ends and begins < e), None)
            if title is not None:
                row.errors.append(_error("overlap_attendance", title=title))
                continue
        used = credited.minutes[day_key]
        if used + row.minutes > cap:
            row.errors.append(_error("over_cap", cap=cap, room=max(cap - used, 0)))
            continue
        credited.minutes[day_key] = used + row.minutes
        if row.start is not None:
            spans[day_key].append((row.start, row.end, row.number))


# --- posting -----------------------------------------------------------------------------------

def _post(batch: ImportBatch, actor: User, *, progress: bool) -> None:
    """Post the valid rows not yet posted, re-checking what may have changed since the check."""
    rows = [r for r in db.session.scalars(select(ImportRow).where(
        ImportRow.batch_id == batch.id, ImportRow.entry_id.is_(None)).order_by(ImportRow.row_number))
        if not r.errors]
    credited = _credited({r.user_id for r in rows}, min((r.served_on for r in rows), default=date.today()),
                         max((r.served_on for r in rows), default=date.today()), batch.organisation_id, batch.id)
    cap, issued = setting("DAILY_CAP_MINUTES"), ledger.platform_account("hours_issued").id
    accounts: dict[int, int] = {}
    posted = db.session.scalar(select(db.func.count(ImportRow.id)).where(
        ImportRow.batch_id == batch.id, ImportRow.entry_id.is_not(None))) or 0
    for row in rows:
        day_key = (row.user_id, row.served_on)
        error = None
        if row.user_id == actor.id:
            error = _error("own_hours")
        elif (*day_key, row.minutes, row.description.casefold()) in credited.imported:
            error = _error("already_imported", batch=credited.imported[(*day_key, row.minutes,
                                                                         row.description.casefold())])
        elif credited.minutes[day_key] + row.minutes > cap:
            error = _error("over_cap", cap=cap, room=max(cap - credited.minutes[day_key], 0))
        if error is not None:  # things changed since the check: leave the row out, and say why
            row.errors = [error]
            batch.valid_rows -= 1
            continue
        if row.user_id not in accounts:
            accounts[row.user_id] = savings_account(row.user_id).id
        entry = ledger.post([(issued, -row.minutes), (accounts[row.user_id], row.minutes)],
                            key=f"import:{batch.id}:{row.row_number}", kind="hours.import",
                            memo=(row.description or batch.title)[:200], actor=actor, effective_date=row.served_on)
        row.entry_id = entry.id
        credited.minutes[day_key] += row.minutes
        posted += 1
        batch.done_rows = posted
        if progress and posted % 200 == 0:
            db.session.commit()
    batch.status = "posted"
    record("import.posted", actor=actor, subject=batch, rows=posted)
