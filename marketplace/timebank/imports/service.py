"""Bulk import of offline hours: a coordinator uploads a sheet, every row is checked and reported,
and only when the coordinator confirms are the valid rows posted to the volunteers' savings.

Large sheets are checked and posted by a background job (`marketplace.platform.jobs`) that records its
progress in `ImportBatch.done_rows`, so any web process can show it. The rules for single rows
live in `import_rules`, reading files in `import_files`.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, delete, func, insert, select, update

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import require
from marketplace.platform import jobs
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import local_today, now_utc, site_zone
from marketplace.platform.transactions import Busy, retrying
from marketplace.timebank.hours import daily_cap, review
from marketplace.timebank.imports import files as import_files
from marketplace.timebank.imports import rules
from marketplace.timebank.imports.models import ImportBatch, ImportRow

JOB_ROWS = 500  # sheets with more rows are checked, and posted, by a background job
CHUNK = 500  # rows written (and progress committed) at a time
POST_CHUNK = 200  # rows posted per committed step of a background posting
RUNNING = ("checking", "posting")

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
    batch = ImportBatch.machine.start(ImportBatch(organisation_id=org.id, uploaded_by_id=actor.id, title=title,
                                                  total_rows=len(records), done_rows=0, valid_rows=0),
                                      "checking", actor, "uploaded")
    db.session.flush()
    record("import.uploaded", actor=actor, subject=batch, rows=len(records))
    if len(records) > JOB_ROWS:
        batch.heartbeat_at = now_utc()
        db.session.commit()
        jobs.enqueue("marketplace.timebank.imports.service.run_check", batch.id, records)
        return batch
    _check(batch, records, progress=False)
    db.session.commit()
    return batch


def confirm_import(actor: User, batch_id) -> ImportBatch:
    """Post every valid row to its volunteer's savings; confirming twice posts once.

    Posting runs in one transaction, repeated after a deadlock; when it still fails nothing is
    posted, the sheet stays confirmable and its page says what happened.
    :raise Conflict: while the sheet is still being checked, or when no row is valid.
    :raise Busy: the database stayed too busy to post (the sheet can be confirmed again).
    """
    batch = get_batch(actor, batch_id)
    if batch.status in ("posting", "posted"):
        return batch
    if batch.status != "checked":
        raise Conflict(_l("This sheet could not be checked; upload it again.") if batch.status == "failed"
                       else _l("The rows are still being checked; wait for the report."))
    if not batch.valid_rows:
        raise Conflict(_l("No row is valid: correct the sheet and upload it again."))
    batch_id, actor_id = batch.id, actor.id
    try:
        claimed = retrying(lambda: _claim_and_post(db.session.get(User, actor_id), batch_id))
    except Busy:
        _note_problem(batch_id, "busy")
        raise
    except Exception:
        _note_problem(batch_id, "post_failed")
        raise
    batch = db.session.get(ImportBatch, batch_id)
    if claimed and batch.status == "posting":
        jobs.enqueue("marketplace.timebank.imports.service.run_post", batch_id, actor_id)
    return batch


def _claim_and_post(actor: User, batch_id: int) -> bool:
    """Move the sheet from checked to posting (one click wins) and post it now when it is small."""
    claimed = ImportBatch.machine.move_if(batch_id, "checked", "posting", actor, "confirmed", done_rows=0, problem="",
                                          heartbeat_at=now_utc())
    if not claimed:  # another click or coordinator confirmed it first
        return False
    batch = db.session.get(ImportBatch, batch_id)
    db.session.refresh(batch)
    record("import.confirmed", actor=actor, subject=batch, rows=batch.valid_rows)
    if batch.valid_rows <= JOB_ROWS:
        _post(batch, actor, progress=False)
    return True


def _note_problem(batch_id: int, problem: str, back_to_checked: bool = False) -> None:
    """Say on the sheet's page why posting (or checking) did not finish, in a transaction of its own; a
    sheet whose posting failed goes back to checked, to be confirmed again."""
    db.session.rollback()
    values = dict(problem=problem, heartbeat_at=None)
    if not (back_to_checked and ImportBatch.machine.move_if(batch_id, "posting", "checked", why=problem, **values)):
        db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(**values))
    db.session.commit()


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
    batch.heartbeat_at = now_utc()
    db.session.commit()
    try:
        _check(batch, records, progress=True)
        db.session.commit()
    except Exception:
        db.session.rollback()
        db.session.execute(delete(ImportRow).where(ImportRow.batch_id == batch_id))
        ImportBatch.machine.move_if(batch_id, "checking", "failed", why="the check failed")
        db.session.commit()
        raise


def run_post(batch_id: int, actor_id: int) -> None:
    """Post a large sheet's valid rows in the background, step by committed step, each step
    repeated after a deadlock; on failure the sheet goes back to checked, saying so, and can be
    confirmed again to post the rest."""
    batch = db.session.get(ImportBatch, batch_id)
    actor = db.session.get(User, actor_id)
    if batch is None or actor is None or batch.status != "posting":
        return
    batch.heartbeat_at = now_utc()
    db.session.commit()
    try:
        retrying(lambda: _post(db.session.get(ImportBatch, batch_id), db.session.get(User, actor_id),
                               progress=True))
    except Exception:
        _note_problem(batch_id, "post_failed", back_to_checked=True)
        raise


def sweep_stuck(now: datetime | None = None) -> int:
    """Find sheets whose job stopped beating (its worker died) and say so on their page.

    A sheet being checked fails (the rows were only in the dead job: upload it again); a sheet being
    posted goes back to checked with its posted rows kept, to be confirmed again for the rest.
    Returns how many sheets it handled; safe to run anywhere, at any time, on several hosts.
    """
    return jobs.sweep_silent(ImportBatch, RUNNING, _stopped_values, now=now, after=_stopped)


def _stopped_values(status: str) -> tuple[str, dict]:
    if status == "checking":
        return "failed", {"problem": "check_stopped", "done_rows": 0}
    return "checked", {"problem": "post_stopped"}


def _stopped(batch_id: int, status: str) -> None:
    if status == "checking":
        db.session.execute(delete(ImportRow).where(ImportRow.batch_id == batch_id))
    record(f"import.{_stopped_values(status)[1]['problem']}", subject=db.session.get(ImportBatch, batch_id))


# --- checking ----------------------------------------------------------------------------------

def _check(batch: ImportBatch, records: list, *, progress: bool) -> None:
    """Judge every row (alone, against the rest of the sheet and against the ledger's records), then
    store the rows with their errors."""
    rows = [rules.parse(tuple(r), local_today()) for r in records]
    users = rules.users_by_email({r.email for r in rows if r.email})
    for row in rows:
        row.user_id = users.get(row.email)
        if row.email and row.user_id is None:
            row.errors.append(rules.error("unknown_volunteer"))
        elif row.user_id == batch.uploaded_by_id:
            row.errors.append(rules.error("own_hours"))
    clean = [r for r in rows if not r.errors]
    if clean:
        credited = rules.credited({r.user_id for r in clean}, min(r.served_on for r in clean),
                                  max(r.served_on for r in clean), batch.organisation_id, batch.id)
        rules.judge(clean, credited, site_zone())
    for i in range(0, len(rows), CHUNK):
        db.session.execute(insert(ImportRow), [
            {"batch_id": batch.id, "row_number": r.number, "email": r.email, "user_id": r.user_id,
             "served_on": r.served_on, "minutes": r.minutes, "description": r.description, "errors": r.errors}
            for r in rows[i:i + CHUNK]])
        batch.done_rows = min(i + CHUNK, len(rows))
        batch.heartbeat_at = now_utc()
        if progress:
            db.session.commit()
    batch.valid_rows = sum(1 for r in rows if not r.errors)
    ImportBatch.machine.move(batch, "checked", why="checked", heartbeat_at=None)
    record("import.checked", subject=batch, rows=len(rows), valid=batch.valid_rows)


# --- posting -----------------------------------------------------------------------------------

def _post(batch: ImportBatch, actor: User, *, progress: bool) -> None:
    """Post the valid rows not yet posted, re-checking what may have changed since the check.

    Rows are read as plain tuples and written back in bulk, so committing progress (which expires
    every loaded object) costs one statement per chunk rather than one per row.
    """
    rows = [r for r in db.session.execute(
        select(ImportRow.id, ImportRow.row_number, ImportRow.user_id, ImportRow.served_on, ImportRow.minutes,
               ImportRow.description, ImportRow.errors)
        .where(ImportRow.batch_id == batch.id, ImportRow.entry_id.is_(None)).order_by(ImportRow.row_number))
        if not r.errors]
    batch_id, title, org_id = batch.id, batch.title, batch.organisation_id
    cap = daily_cap.cap()
    posted = db.session.scalar(select(func.count(ImportRow.id)).where(
        ImportRow.batch_id == batch_id, ImportRow.entry_id.is_not(None))) or 0
    changes: list[dict] = []
    refused = 0
    step = POST_CHUNK if progress else max(len(rows), 1)
    for start in range(0, len(rows), step):
        part = rows[start:start + step]
        users = {r.user_id for r in part}
        # The one lock order, as a review's: the volunteers (sorted, their savings opened first; their other
        # credits wait, so the day's minutes counted now stay true), then the hours-issued account (opened, on
        # a new site, after the savings as a review does), then every ledger row the entries touch (sorted).
        review.lock_volunteers(users)
        credited = rules.credited(users, min(r.served_on for r in part), max(r.served_on for r in part), org_id,
                                  batch_id)
        accounts, issued = rules.savings_accounts(users), ledger.platform_account("hours_issued").id
        ledger.lock_accounts([issued, *accounts.values()])
        for row in part:
            refused += _post_row(row, actor, accounts, issued, credited, cap, batch_id, title, changes)
        posted = sum(1 for c in changes if "entry_id" in c) + posted
        if progress:
            _save_progress(batch, changes, posted, refused)
            changes, refused = [], 0
            db.session.commit()
    _save_progress(batch, changes, posted, refused)
    ImportBatch.machine.move(batch, "posted", actor, "posted", heartbeat_at=None)
    record("import.posted", actor=actor, subject=batch, rows=posted)


def _post_row(row, actor, accounts, issued, credited, cap, batch_id, title, changes) -> int:
    """Post one valid row, or leave it out saying why (things changed since the check); return 1 if left out."""
    day_key = (row.user_id, row.served_on)
    imported_as = (*day_key, row.minutes, row.description.casefold())
    refusal = None
    if row.user_id == actor.id:
        refusal = rules.error("own_hours")
    elif imported_as in credited.imported:
        refusal = rules.error("already_imported", batch=credited.imported[imported_as])
    elif credited.minutes[day_key] + row.minutes > cap:
        refusal = rules.error("over_cap", cap=cap, room=max(cap - credited.minutes[day_key], 0))
    if refusal is not None:
        changes.append({"id": row.id, "errors": [refusal]})
        return 1
    entry = ledger.post([(issued, -row.minutes), (accounts[row.user_id], row.minutes)],
                        cause=Cause(CauseKind.IMPORT, batch_id, row.row_number), kind="hours.import",
                        memo=(row.description or title)[:200], actor=actor, effective_date=row.served_on)
    changes.append({"id": row.id, "entry_id": entry.id})
    credited.minutes[day_key] += row.minutes
    return 0


def _save_progress(batch: ImportBatch, changes: list[dict], posted: int, refused: int) -> None:
    for key in ("entry_id", "errors"):  # one bulk UPDATE per kind of change
        same = [c for c in changes if key in c]
        if same:
            db.session.execute(update(ImportRow), same)
    batch.done_rows = posted
    batch.heartbeat_at = now_utc()
    if refused:
        batch.valid_rows -= refused


