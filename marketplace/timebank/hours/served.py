"""Minutes served for others: the one definition behind served totals, stars, badges, the volunteers'
leaderboard and firms' points per hour served.

Service is what a volunteer is credited for serving — an approved attendance, report or imported row,
or care given to someone — less its reversal. Minutes a member pays for care they receive are spent:
they lower the balance, never the service.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select, union_all

from marketplace.ledger import queries as ledger_queries
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.timebank.care.models import CareRequest
from marketplace.timebank.imports.models import ImportBatch, ImportRow
from marketplace.timebank.models import Activity, Attendance, HourReport

SERVICE_KINDS = ("hours.attendance", "hours.claim", "hours.import", "care.provided")
CARE_KIND = "care.provided"


def is_service(line) -> ColumnElement[bool]:
    """A ledger line (`ledger.queries.lines()`) that counts as service: a service credit, or the debit that
    reverses one. The payer's side of care (a debit of a care entry, or the credit that reverses it) is not."""
    return or_(and_(line.c.kind.in_(SERVICE_KINDS), line.c.amount > 0),
               and_(line.c.original_kind.in_(SERVICE_KINDS), line.c.amount < 0))


def is_spent_on_care(line) -> ColumnElement[bool]:
    """A ledger line that pays for care received, or gives such a payment back."""
    return or_(and_(line.c.kind == CARE_KIND, line.c.amount < 0),
               and_(line.c.original_kind == CARE_KIND, line.c.amount > 0))


def served_minutes(account_id: int, since: date | None = None) -> int:
    """Minutes of service credited to a savings account (less reversals), all time or since a day."""
    return _total(account_id, is_service, since)


def spent_minutes(account_id: int) -> int:
    """Minutes paid out of a savings account for care received (less any given back)."""
    return -_total(account_id, is_spent_on_care)


def care_given_count(account_id: int) -> int:
    """How many times care given was paid into the account."""
    return ledger_queries.count_postings(account_id, (CARE_KIND,), debits=False)


def minutes_by_district() -> dict[int, int]:
    """Minutes of service (less reversals) by the district served: the activity's or the care's district,
    or for reports and imported rows the district of the organisation that credited them."""
    line = ledger_queries.lines()
    served_in = _district_of_entries().subquery()
    stmt = (select(served_in.c.district_id, func.coalesce(func.sum(line.c.amount), 0))
            .select_from(line).join(served_in, served_in.c.entry_id == line.c.cause_entry_id)
            .where(is_service(line)).group_by(served_in.c.district_id))
    return {district: int(minutes) for district, minutes in db.session.execute(stmt)}


def _district_of_entries():
    """(entry id, district id) of every entry that credited service."""
    return union_all(
        select(Attendance.entry_id, Activity.district_id).join(Activity, Activity.id == Attendance.activity_id)
        .where(Attendance.entry_id.is_not(None)),
        select(HourReport.entry_id, Organisation.district_id)
        .join(Organisation, Organisation.id == HourReport.organisation_id).where(HourReport.entry_id.is_not(None)),
        select(ImportRow.entry_id, Organisation.district_id).join(ImportBatch, ImportBatch.id == ImportRow.batch_id)
        .join(Organisation, Organisation.id == ImportBatch.organisation_id).where(ImportRow.entry_id.is_not(None)),
        select(CareRequest.entry_id, CareRequest.district_id).where(CareRequest.entry_id.is_not(None)))


def _total(account_id: int, condition, since: date | None = None) -> int:
    line = ledger_queries.lines()
    stmt = select(func.coalesce(func.sum(line.c.amount), 0)).where(line.c.account_id == account_id, condition(line))
    if since is not None:
        stmt = stmt.where(line.c.effective_date >= since)
    return int(db.session.scalar(stmt) or 0)
