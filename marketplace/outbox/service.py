"""Write mail into the outbox with the change that causes it; deliver it after the commit.

A row is written in the caller's transaction, so a rolled-back action sends nothing and a committed
one always has its mail on record. After the commit, delivery is started on RQ when Redis is set, on
a thread otherwise, and at once with `JOBS_RUN_INLINE` (tests); `flask outbox deliver` (cron) and
`flask jobs work` catch up on anything left. A worker leases a row (`locked_until`), sends it, then
marks it delivered; a failure backs off and tries again, up to MAX_ATTEMPTS. A worker killed
between sending and marking leaves a lease that expires: the row is sent again with the same
Message-ID, so the second copy is recognisable as the same message.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app, has_app_context
from flask_mailman import EmailMessage
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session

from config import settings
from marketplace.outbox.models import OutboxMessage
from marketplace.platform import jobs
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc

LEASE = timedelta(seconds=90)  # longer than any one send (MAIL_TIMEOUT is 30 s); past it, the worker is dead
MAX_ATTEMPTS = 8
BACKOFF = timedelta(seconds=30)  # doubled after each failed attempt, at most MAX_BACKOFF
MAX_BACKOFF = timedelta(hours=6)
ADDED = "outbox_added"
log = logging.getLogger(__name__)


def add_email(message: EmailMessage) -> OutboxMessage:
    """Record a rendered email to send once the current transaction commits."""
    return _add("email", {"subject": str(message.subject), "body": message.body,
                          "from_email": message.from_email, "to": list(message.to), "cc": list(message.cc),
                          "bcc": list(message.bcc), "reply_to": list(message.reply_to)})


def add_build(func_path: str, *args) -> OutboxMessage:
    """Record an email that `func_path(*args)` builds at delivery (a receipt and its PDF, say).

    The function returns a flask_mailman EmailMessage, or None when there is nothing to send.
    """
    return _add("build", {"build": func_path, "args": list(args)})


def add_call(func_path: str, *args) -> OutboxMessage:
    """Record a call to an outside service (a Stripe refund, say) to make once the transaction commits.

    `func_path(*args)` runs at delivery and is retried like mail, so it must be safe to repeat.
    """
    return _add("call", {"build": func_path, "args": list(args)})


def _add(kind: str, payload: dict) -> OutboxMessage:
    row = OutboxMessage(kind=kind, payload=payload, available_at=now_utc())
    db.session.add(row)
    db.session.flush()
    db.session().info[ADDED] = True
    return row


def message_id(row: OutboxMessage) -> str:
    """Return the row's own Message-ID: the same on every attempt, so a resend is recognisable."""
    sender = settings.MAIL_DEFAULT_SENDER
    domain = sender.rpartition("@")[2].strip(" >") or "goodhours.invalid"
    return f"<goodhours-outbox-{row.id}-{int(row.created_at.timestamp())}@{domain}>"


def deliver_due(limit: int = 100, now: datetime | None = None) -> int:
    """Send every due row not leased by a live worker (up to `limit`); return how many were sent."""
    now = now or now_utc()
    ids = db.session.scalars(select(OutboxMessage.id).where(*_due(now)).order_by(OutboxMessage.id)
                             .limit(limit)).all()
    db.session.commit()
    return sum(1 for i in ids if deliver_one(i, now))


def deliver_one(row_id: int, now: datetime | None = None) -> bool:
    """Lease one row, send it and mark it delivered; on failure note why and when to try again."""
    now = now or now_utc()
    taken = db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id, *_due(now))
                               .values(locked_until=now + LEASE, attempts=OutboxMessage.attempts + 1))
    db.session.commit()
    if not taken.rowcount:  # delivered, failed for good, backing off, or leased by another worker
        return False
    row = db.session.get(OutboxMessage, row_id)
    try:
        message = _message(row)
        if message is not None:
            message.extra_headers["Message-ID"] = message_id(row)
            message.send()
    except Exception as error:  # noqa: BLE001  (any failure is noted on the row and retried)
        db.session.rollback()
        _note_failure(row_id, error, now)
        return False
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                       .values(delivered_at=now_utc(), locked_until=None, last_error=""))
    db.session.commit()
    return True


def forget_calls(func_path: str, before: datetime) -> int:
    """Blank the arguments of calls to `func_path` delivered or given up before `before` (they may hold what
    must not be kept, such as a phone number); the rows stay, as the record that they ran. Flushes."""
    done = or_(OutboxMessage.delivered_at < before, OutboxMessage.failed_at < before)
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "call", done)).all()
    forgotten = 0
    for row in rows:
        if row.payload.get("build") == func_path and row.payload.get("args"):
            row.payload = {"build": func_path, "args": []}
            forgotten += 1
    db.session.flush()
    return forgotten


def pending_count() -> int:
    """Return how many rows are neither delivered nor given up."""
    return len(db.session.scalars(select(OutboxMessage.id).where(
        OutboxMessage.delivered_at.is_(None), OutboxMessage.failed_at.is_(None))).all())


def _due(now: datetime) -> tuple:
    return (OutboxMessage.delivered_at.is_(None), OutboxMessage.failed_at.is_(None),
            OutboxMessage.available_at <= now,
            or_(OutboxMessage.locked_until.is_(None), OutboxMessage.locked_until < now))


def _message(row: OutboxMessage) -> EmailMessage | None:
    if row.kind in ("build", "call"):
        built = jobs.resolve(row.payload["build"])(*row.payload["args"])
        return built if row.kind == "build" else None
    fields = row.payload
    return EmailMessage(subject=fields["subject"], body=fields["body"], from_email=fields["from_email"],
                        to=fields["to"], cc=fields.get("cc") or None, bcc=fields.get("bcc") or None,
                        reply_to=fields.get("reply_to") or None)


def _note_failure(row_id: int, error: Exception, now: datetime) -> None:
    row = db.session.get(OutboxMessage, row_id)
    delay = min(BACKOFF * 2 ** max(row.attempts - 1, 0), MAX_BACKOFF)
    values = {"locked_until": None, "available_at": now + delay,
              "last_error": f"{error.__class__.__name__}: {error}"[:500]}
    if row.attempts >= MAX_ATTEMPTS:
        values["failed_at"] = now
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values))
    db.session.commit()
    log.warning("Outbox message %s not sent (attempt %s): %s", row_id, row.attempts, values["last_error"])


# --- after the commit -------------------------------------------------------------------------------

@event.listens_for(Session, "after_commit")
def _start_delivery(session: Session) -> None:
    """Once rows are committed, start their delivery; a failure here only delays it (cron catches up)."""
    if not session.info.pop(ADDED, False) or not has_app_context():
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        if settings.JOBS_RUN_INLINE:
            with app.app_context():  # a session of its own: this one is finishing its commit
                deliver_due()
        else:
            jobs.enqueue("marketplace.outbox.service.deliver_due")
    except Exception:  # noqa: BLE001  (the action is committed; its mail waits in the outbox)
        log.exception("Could not start outbox delivery")


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    """A rolled-back transaction's rows are gone: nothing to start."""
    if transaction.parent is None:
        session.info.pop(ADDED, None)
