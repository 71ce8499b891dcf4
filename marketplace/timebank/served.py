"""Minutes served for others: the one definition behind served totals, stars, badges, the volunteers'
leaderboard and firms' points per hour served.

Service is what a volunteer is credited for serving — an approved attendance, claim or imported row,
or care given to someone — less its reversal. Minutes a member pays for care they receive are spent:
they lower the balance, never the service.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select

from marketplace.extensions import db
from marketplace.ledger.models import LedgerEntry, LedgerPosting

SERVICE_KINDS = ("hours.attendance", "hours.claim", "hours.import", "care.provided")
CARE_KIND = "care.provided"


def reversed_entry():
    """An alias of the entry a reversal points at; outer-join it on `LedgerEntry.reverses_id`."""
    return db.aliased(LedgerEntry, name="reversed_entry")


def is_service(original, posting=LedgerPosting, entry=LedgerEntry) -> ColumnElement[bool]:
    """A posting that counts as service: a service credit, or the debit that reverses one.

    The payer's side of care (a debit of a care entry, or the credit that reverses it) is not service.
    """
    return or_(and_(entry.kind.in_(SERVICE_KINDS), posting.amount > 0),
               and_(original.kind.in_(SERVICE_KINDS), posting.amount < 0))


def is_spent_on_care(original, posting=LedgerPosting, entry=LedgerEntry) -> ColumnElement[bool]:
    """A posting that pays for care received, or gives such a payment back."""
    return or_(and_(entry.kind == CARE_KIND, posting.amount < 0), and_(original.kind == CARE_KIND, posting.amount > 0))


def served_minutes(account_id: int, since: date | None = None) -> int:
    """Minutes of service credited to a savings account (less reversals), all time or since a day."""
    return _total(account_id, is_service, since)


def spent_minutes(account_id: int) -> int:
    """Minutes paid out of a savings account for care received (less any given back)."""
    return -_total(account_id, is_spent_on_care)


def care_given_count(account_id: int) -> int:
    """How many times care given was paid into the account."""
    return int(db.session.scalar(
        select(func.count()).select_from(LedgerPosting).join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
        .where(LedgerPosting.account_id == account_id, LedgerEntry.kind == CARE_KIND, LedgerPosting.amount > 0))
        or 0)


def _total(account_id: int, condition, since: date | None = None) -> int:
    original = reversed_entry()
    stmt = (select(func.coalesce(func.sum(LedgerPosting.amount), 0))
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .outerjoin(original, original.id == LedgerEntry.reverses_id)
            .where(LedgerPosting.account_id == account_id, condition(original)))
    if since is not None:
        stmt = stmt.where(LedgerEntry.effective_date >= since)
    return int(db.session.scalar(stmt) or 0)
