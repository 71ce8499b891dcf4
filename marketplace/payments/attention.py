"""Payment events left for people: a webhook we could not match to a gift or could not settle (a refund
of money already paid out, a dispute the fund cannot hold), or a refund Stripe would not take. Each
is kept with its payload and listed for platform admins until one of them settles it with a note."""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.policy import require
from marketplace.payments.models import Donation, PaymentEvent
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc

OUTCOMES = ("refused:", "refund_unfunded", "dispute_unfunded", "refund.request_failed")


def needs_people(outcome: str) -> bool:
    """Tell whether a webhook's outcome leaves something for staff to settle."""
    return outcome.startswith(OUTCOMES)


def flag(kind: str, donation: Donation | None, note: str) -> PaymentEvent:
    """Keep something that went wrong after a gift's own event, for staff (flushed)."""
    row = PaymentEvent(event_id=f"goodhours:{kind}:{secrets.token_hex(8)}", type=kind[:80],
                       provider=donation.provider if donation is not None else "stripe",
                       donation_id=donation.id if donation is not None else None, outcome=kind[:40],
                       payload=note, needs_attention=True)
    db.session.add(row)
    db.session.flush()
    return row


def unsettled(actor: User, settled: bool = False):
    """Return a query of the events waiting for people, oldest first (platform admins)."""
    require(actor, "admin.access")
    stmt = select(PaymentEvent).where(PaymentEvent.needs_attention.is_(True))
    stmt = stmt.where(PaymentEvent.settled_at.is_not(None) if settled else PaymentEvent.settled_at.is_(None))
    return stmt.order_by(PaymentEvent.id.desc() if settled else PaymentEvent.id).limit(200)


def settle(actor: User, event_id, note: str) -> PaymentEvent:
    """Mark an event settled by hand, saying what was done (platform admins)."""
    require(actor, "admin.access")
    row = db.session.get(PaymentEvent, event_id) if is_id(event_id) else None
    if row is None or not row.needs_attention:
        raise NotFound()
    note = reason_given(note, "note")
    if row.settled_at is not None:
        raise Conflict(_l("This event was already settled."))
    row.settled_at, row.settled_by_id, row.settle_note = now_utc(), actor.id, note
    record("payment.event_settled", actor=actor, subject=row, note=note)
    db.session.commit()
    return row
