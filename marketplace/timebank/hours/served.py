"""Minutes served for others: the one definition behind served totals, stars, badges, the volunteers'
leaderboard and firms' points per hour served.

Service is what a volunteer is credited for serving — an approved attendance, claim or imported row,
or care given to someone — less its reversal. Minutes a member pays for care they receive are spent:
they lower the balance, never the service.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select, union_all

from marketplace.ledger.models import LedgerEntry, LedgerPosting
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.timebank.care.models import CareRequest
from marketplace.timebank.imports.models import ImportBatch, ImportRow
from marketplace.timebank.models import Activity, Attendance, HourClaim

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


def minutes_by_district() -> dict[int, int]:
    """Minutes of service (less reversals) by the district served: the activity's or the care's district,
    or for claims and imported rows the district of the organisation that credited them."""
    original = reversed_entry()
    served_in = _district_of_entries().subquery()
    stmt = (select(served_in.c.district_id, func.coalesce(func.sum(LedgerPosting.amount), 0))
            .select_from(LedgerPosting).join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .outerjoin(original, original.id == LedgerEntry.reverses_id)
            .join(served_in, served_in.c.entry_id == func.coalesce(original.id, LedgerEntry.id))
            .where(is_service(original)).group_by(served_in.c.district_id))
    return {district: int(minutes) for district, minutes in db.session.execute(stmt)}


def _district_of_entries():
    """(entry id, district id) of every entry that credited service."""
    return union_all(
        select(Attendance.entry_id, Activity.district_id).join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.entry_id.is_not(None)),
        select(HourClaim.entry_id, Organisation.district_id)
        .join(Organisation, Organisation.id == HourClaim.organisation_id).where(HourClaim.entry_id.is_not(None)),
        select(ImportRow.entry_id, Organisation.district_id).join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
        .join(Organisation, Organisation.id == ImportBatch.organisation_id).where(ImportRow.entry_id.is_not(None)),
        select(CareRequest.entry_id, CareRequest.district_id).where(CareRequest.entry_id.is_not(None)))


def _total(account_id: int, condition, since: date | None = None) -> int:
    original = reversed_entry()
    stmt = (select(func.coalesce(func.sum(LedgerPosting.amount), 0))
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .outerjoin(original, original.id == LedgerEntry.reverses_id)
            .where(LedgerPosting.account_id == account_id, condition(original)))
    if since is not None:
        stmt = stmt.where(LedgerEntry.effective_date >= since)
    return int(db.session.scalar(stmt) or 0)
