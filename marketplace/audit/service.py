"""Record audit events; the caller's transaction commits them with its own change."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from marketplace.audit.models import AuditEvent
from marketplace.platform.extensions import db

if TYPE_CHECKING:
    from marketplace.auth.models import User


def record(
    action: str,
    actor: User | None = None,
    subject: Any = None,
    address: str | None = None,
    **detail: Any,
) -> AuditEvent:
    """Add one audit event to the session (flushed, not committed)."""
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_type=type(subject).__name__ if subject is not None else None,
        subject_id=getattr(subject, "id", None),
        address=address,
        detail=detail,
    )
    db.session.add(event)
    db.session.flush()
    return event


def events_for(subject_type: str, subject_id: int, limit: int = 50) -> list[AuditEvent]:
    """Return the newest events about one object."""
    stmt = (
        db.select(AuditEvent)
        .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
