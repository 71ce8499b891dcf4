"""`Idempotency-Key` for API changes that are not ledger postings (a wish claim): the first answer to a
key is kept, and a retry with the same key and body gets it again, status and body alike.

A retry with the same key and another body is refused with 409, as a repeated hour gift with other
lines is (`IdempotencyConflict`). The key is taken before the change runs: a second request with the
key while the first is still running is refused with 409 too, so the change never runs twice.
An unexpected failure (5xx) gives the key back, so the caller may retry it.
"""
from __future__ import annotations

import functools
import hashlib
from datetime import datetime

from flask import g, make_response, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from marketplace.platform.errors import Conflict, DomainError, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.platform.types import UTCDateTime

HEADER = "Idempotency-Key"
MAX_KEY = 64


class IdempotentRequest(db.Model):
    """The first answer given to one caller's request under one key."""

    __tablename__ = "idempotent_request"
    __table_args__ = (UniqueConstraint("user_id", "scope", "key", name="uq_idempotent_request_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    scope: Mapped[str] = mapped_column(String(80))  # the endpoint
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    request_hash: Mapped[str] = mapped_column(String(64))  # of the path and body
    status: Mapped[int | None] = mapped_column(Integer)  # None while the first request runs
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now_utc)


class KeyReused(Conflict):
    code = "idempotency_conflict"
    default_message = _l("This Idempotency-Key was used for a different request. Use a new key for a new request.")


class KeyInFlight(Conflict):
    code = "idempotency_in_progress"
    default_message = _l("A request with this Idempotency-Key is still being processed. Try again in a moment.")


def idempotent(view):
    """Answer a repeated request (same caller, endpoint and `Idempotency-Key`) with the first answer."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or g.get("user") is None:
            return view(*args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY or "\x00" in key:
            raise InvalidInput(fields={HEADER: [_l("Use 1 to %(n)d characters.", n=MAX_KEY)]})
        digest = hashlib.sha256(request.path.encode() + b"\n" + request.get_data()).hexdigest()
        row = _take(g.user.id, request.endpoint or request.path, key, digest)
        if row.status is not None:
            return make_response(row.body, row.status, {"Content-Type": "application/json", "Idempotent-Replay": "1"})
        try:
            response = make_response(view(*args, **kwargs))
        except DomainError as error:
            from marketplace.web.errors import handle_domain_error

            db.session.rollback()
            response = make_response(handle_domain_error(error))
        except Exception:
            db.session.rollback()
            db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == row.id))
            db.session.commit()
            raise
        if response.status_code >= 500:
            db.session.execute(delete(IdempotentRequest).where(IdempotentRequest.id == row.id))
        else:
            kept = db.session.get(IdempotentRequest, row.id)
            kept.status, kept.body = response.status_code, response.get_data(as_text=True)
        db.session.commit()
        return response

    return wrapped


def _take(user_id: int, scope: str, key: str, digest: str) -> IdempotentRequest:
    """Return the key's row: the first answer, or a new row this request now holds (committed)."""
    stmt = select(IdempotentRequest).where(IdempotentRequest.user_id == user_id, IdempotentRequest.scope == scope,
                                           IdempotentRequest.key == key)
    row = db.session.scalar(stmt)
    if row is None:
        try:
            row = IdempotentRequest(user_id=user_id, scope=scope, key=key, request_hash=digest)
            db.session.add(row)
            db.session.commit()
            return row
        except IntegrityError:  # the same key at the same moment
            db.session.rollback()
            row = db.session.scalar(stmt.execution_options(populate_existing=True))
    db.session.rollback()
    if row.request_hash != digest:
        raise KeyReused()
    if row.status is None:
        raise KeyInFlight()
    return row
