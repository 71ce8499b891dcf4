"""Statement imports: the file is stored, then a job (`marketplace.platform.jobs`) checks every line while
streaming it; a file with any bad line is refused whole with a per-line report and adds nothing.
A good file is read again and inserted in batches, progress committed per batch, then matched.

Re-importing adds nothing twice: Stripe lines are unique by balance transaction id, bank lines by
a hash of (profile, date, amount, reference, description, occurrence in the file).

The job beats a heartbeat while it works (`jobs.beat`); `sweep_stuck` (run by `flask jobs sweep`)
marks an import failed when its job fell silent (its worker died) or no worker took it within an
hour, and its page says so.
"""
from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from config import FIXED
from marketplace.audit.service import record
from marketplace.platform import jobs
from marketplace.platform.errors import InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.reconciliation import matching
from marketplace.reconciliation import statement_files as files
from marketplace.reconciliation.books import Books, account_of, as_id, books_for
from marketplace.reconciliation.models import BankProfile, StatementImport, StatementLine
from marketplace.web import uploads

log = logging.getLogger(__name__)
MAX_BYTES = FIXED["MAX_CONTENT_LENGTH"]  # the site's request limit (16 MB); about 120,000 Stripe lines
BATCH = 2000  # lines inserted (and progress committed) at a time
KEPT_ERRORS = 500  # a refused file keeps its first errors for the report (and counts them all)
RUNNING = ("queued", "checking", "importing", "matching")
STARTED = RUNNING[1:]  # a job works on these, beating; a queued import waits for a worker
QUEUE_STALE = timedelta(hours=1)  # a queued import nobody took in this long will not be taken


def start_import(actor, books: Books, kind: str, upload, profile_id=None) -> StatementImport:
    """Store an uploaded statement and start importing it (in the background where jobs run so).

    :raise InvalidInput: naming `kind`, `profile_id` or `upload`; nothing is stored.
    """
    errors: dict[str, list] = {}
    profile = None
    if kind not in ("stripe", "bank"):
        errors["kind"] = [_l("Choose a Stripe report or a bank statement.")]
    elif kind == "stripe" and books.org is not None:
        errors["kind"] = [_l("Stripe reports are reconciled on the platform's books.")]
    elif kind == "bank":
        profile = db.session.get(BankProfile, as_id(profile_id)) if as_id(profile_id) else None
        if profile is None or (profile.owner_type, profile.owner_id) != (books.owner_type, books.owner_id):
            errors["profile_id"] = [_l("Choose one of your saved bank layouts.")]
    data = b""
    try:
        data = uploads.read(upload, "upload", MAX_BYTES, missing=_l("Choose a CSV file."))
    except InvalidInput as refused:
        errors.update(refused.fields)
    else:
        if not data.strip():
            errors["upload"] = [_l("The file is empty.")]
        elif data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            errors["upload"] = [_l("Upload the statement as CSV, not as a workbook.")]
        elif b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):  # NULs only in UTF-16
            errors["upload"] = [_l("This file holds characters a CSV file cannot have (a NUL byte). "
                                   "Save the statement again as CSV and upload that.")]
    if errors:
        raise InvalidInput(fields=errors)
    account = account_of(books, "stripe_clearing" if kind == "stripe" else "bank")
    name = f"reconciliation/{secrets.token_hex(16)}.csv"
    path = uploads.root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    batch = StatementImport(owner_type=books.owner_type, owner_id=books.owner_id, account_id=account.id, kind=kind,
                            profile_id=profile.id if profile else None, stored_path=name,
                            rows_total=max(data.count(b"\n") - 1, 1), uploaded_by_id=actor.id)
    StatementImport.machine.start(batch, "queued", actor, "uploaded")
    db.session.flush()
    record("reconciliation.import_started", actor=actor, subject=batch, kind=kind, bytes=len(data))
    db.session.commit()
    jobs.enqueue("marketplace.reconciliation.imports.run_import", batch.id)
    return batch


def get_import(actor, import_id) -> StatementImport:
    """Return an import the actor may see (others: NotFound)."""
    batch = db.session.get(StatementImport, int(import_id)) if is_id(import_id) else None
    if batch is None:
        raise NotFound()
    books_for(actor, batch.owner_id if batch.owner_type == "organisation" else None)
    return batch


def imports_of(books: Books, limit: int = 20) -> list[StatementImport]:
    return list(db.session.scalars(select(StatementImport).where(
        StatementImport.owner_type == books.owner_type, StatementImport.owner_id == books.owner_id)
        .order_by(StatementImport.id.desc()).limit(limit)))


# --- the job --------------------------------------------------------------------------------------

def run_import(import_id: int) -> None:
    """Check, insert and match one stored statement; any failure leaves the import marked failed."""
    batch = db.session.get(StatementImport, import_id)
    if batch is None or batch.status != "queued":
        return
    try:
        _run(batch)
    except Exception:  # noqa: BLE001 - reported on the import's page; the lines inserted so far stay unique
        log.exception("statement import %s failed", import_id)
        db.session.rollback()
        StatementImport.machine.move_if(import_id, RUNNING, "failed", why="its job failed", **_failed("error")[1])
        db.session.commit()
    finally:
        _discard_file(import_id)


def sweep_stuck(now: datetime | None = None) -> int:
    """Fail imports whose job stopped beating (its worker died) or that no worker took within an hour,
    saying so on their page; return how many. Safe anywhere, at any time, on several hosts."""
    handled = jobs.sweep_silent(StatementImport, STARTED, lambda _status: _failed("stopped"), now=now,
                                after=_stopped)
    return handled + jobs.sweep_silent(StatementImport, ("queued",), lambda _status: _failed("never_started"),
                                       stale=QUEUE_STALE, now=now, after=_stopped)


def _failed(problem: str) -> tuple[str, dict]:
    return "failed", {"problem": problem, "finished_at": now_utc()}


def _stopped(import_id: int, status: str) -> None:
    batch = db.session.get(StatementImport, import_id, populate_existing=True)
    log.error("statement import %s was %s when its job stopped: marked failed", import_id, status)
    record("reconciliation.import_stopped", subject=batch, status=status, problem=batch.problem)
    _discard_file(import_id)


def _run(batch: StatementImport) -> None:
    StatementImport.machine.move(batch, "checking", why="its job started", heartbeat_at=now_utc())
    db.session.commit()
    errors, count = [], 0
    for _number, found in _parsed(batch):
        if isinstance(found, list) and found and "code" in found[0]:
            batch.error_count += len(found)
            errors.extend(found[:max(KEPT_ERRORS - len(errors), 0)])
        count += 1
        if count % BATCH == 0:
            batch.rows_done = count
            jobs.beat(batch)
    batch.rows_total, batch.rows_done = count, count
    if batch.error_count:
        StatementImport.machine.move(batch, "rejected", why=f"{batch.error_count} bad lines", errors=errors,
                                     finished_at=now_utc())
        record("reconciliation.import_rejected", subject=batch, errors=batch.error_count)
        db.session.commit()
        return
    StatementImport.machine.move(batch, "importing", why="every line reads", rows_done=0)
    db.session.commit()
    pending, done = [], 0
    for _number, found in _parsed(batch):
        done += 1
        pending.extend(dict(line, account_id=batch.account_id, import_id=batch.id) for line in found or [])
        if len(pending) >= BATCH:
            _insert(pending)
            pending = []
            batch.rows_done, batch.heartbeat_at = done, now_utc()
            db.session.commit()
    _insert(pending)
    batch.rows_done = done
    StatementImport.machine.move(batch, "matching", why="lines stored", heartbeat_at=now_utc())
    db.session.commit()
    batch.rows_new = db.session.scalar(select(func.count(StatementLine.id))
                                       .where(StatementLine.import_id == batch.id)) or 0
    batch.matched = matching.auto_match(batch.account_id, import_id=batch.id, progress=lambda: jobs.beat(batch))
    StatementImport.machine.move(batch, "done", why="matched", finished_at=now_utc(), heartbeat_at=None)
    record("reconciliation.imported", subject=batch, lines=batch.rows_new, matched=batch.matched)
    db.session.commit()


def _parsed(batch: StatementImport):
    """Yield (line number, statement lines or errors) for every data line of the stored file."""
    profile = db.session.get(BankProfile, batch.profile_id) if batch.profile_id else None
    encoding = profile.encoding if profile else "utf-8-sig"
    if profile is None:
        required, aliases = files.STRIPE_REQUIRED, files.STRIPE_ALIASES
    else:
        required, aliases = files.bank_aliases(profile)
    occurrences: dict[str, int] = {}
    with open(uploads.path_of(batch.stored_path), encoding=encoding, errors="strict", newline="") as handle:
        for number, cells in files.rows(handle, required, aliases):
            if isinstance(cells, list):
                yield number, cells
                continue
            found, errors = (files.stripe_lines(number, cells) if profile is None
                             else files.bank_line(profile, number, cells, occurrences))
            yield number, (errors or found)


def _insert(lines: list[dict]) -> None:
    """Insert statement lines in one statement, skipping any already there."""
    if not lines:
        return
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(StatementLine.__table__).on_conflict_do_nothing(index_elements=["account_id", "uid"])
    db.session.connection().execute(stmt, lines)  # Core executemany: no ORM objects for 100,000 lines


def _discard_file(import_id: int) -> None:
    batch = db.session.get(StatementImport, import_id)
    if batch is None or not batch.stored_path or batch.status in RUNNING:
        return
    try:
        uploads.path_of(batch.stored_path).unlink(missing_ok=True)
    except (OSError, FileNotFoundError):
        log.warning("could not remove the stored statement of import %s", import_id)
    batch.stored_path = ""
    db.session.commit()
