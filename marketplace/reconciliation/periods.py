"""Closing the books a calendar month at a time: an organisation's (its finance staff) or the platform's (admins).

Closing is for finance: the organisation's members with the finance role (or its admins) and, for
the platform's books, platform admins. A closed period is never reopened: corrections, and gifts
received in it but recorded late (by finance, see payments/offline.py), go into the open period.

An organisation's books are its money accounts (bank, cash, disbursed, fees…) and its funds'
accounts; the platform's are the platform's money accounts. Hours are not closed: volunteer
hours are approved weeks after they are served. After a close no entry may be effective on or
before its last day (the ledger refuses it, see marketplace/ledger/periods.py); a fund opened
later starts closed through the same day, and corrections go into the open period.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.funds.models import Fund
from marketplace.ledger import periods as ledger_periods
from marketplace.ledger import queries as ledger_queries
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import require
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.i18n import lazy_day
from marketplace.platform.timeutil import local_date, local_today

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
FIRST_CLOSE_MONTHS = 24  # how far back a first close may be offered


@dataclass(frozen=True)
class Plan:
    """What closing through a day would do: the period and how many accounts it locks."""

    owner_type: str
    owner_id: int
    period_start: date
    through: date
    accounts: int
    unmatched: int | None  # lines left unmatched in reconciliation, when that can be counted


def month_end(month: str) -> date | None:
    """Return the last day of a 'YYYY-MM' month, or None if the text is not one."""
    found = MONTH.match(month or "")
    if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 2000:
        return None
    year, number = int(found[1]), int(found[2])
    return date(year, number, calendar.monthrange(year, number)[1])


def closable_months(owner_type: str, owner_id: int) -> list[str]:
    """Return the ended months the books could be closed through ('YYYY-MM'), newest first."""
    last = ledger_periods.closed_through_of(owner_type, owner_id)
    first_day = (last + timedelta(days=1)) if last else _months_before(local_today(), FIRST_CLOSE_MONTHS)
    months, day = [], local_today().replace(day=1) - timedelta(days=1)  # the end of last month
    while day >= first_day and (last is None or day > last):
        months.append(f"{day.year:04d}-{day.month:02d}")
        day = day.replace(day=1) - timedelta(days=1)
    return months


def closed_period_of(owner_type: str, owner_id: int, day: date) -> tuple[date | None, date] | None:
    """Return (first day, last day) of the closed period holding `day`, or None when the day is open.

    The first day is None for a day before the books' first close began.
    """
    last = ledger_periods.closed_through_of(owner_type, owner_id)
    if last is None or day > last:
        return None
    close = ledger_periods.close_holding(owner_type, owner_id, day)
    return (close.period_start, close.closed_through) if close is not None else (None, last)


def org_account_ids(org: Organisation) -> list[int]:
    """Return the ids of the organisation's money accounts and its funds' accounts."""
    funds = db.session.scalars(select(Fund.id).where(Fund.organisation_id == org.id)).all()
    return ledger_queries.accounts_owned("fen", {"organisation": [org.id], "fund": funds})


def platform_account_ids() -> list[int]:
    """Return the ids of the platform's own money accounts."""
    return ledger_queries.accounts_owned("fen", {"platform": [0]})


def plan_org_close(actor, org: Organisation, through) -> Plan:
    """Check that the organisation's books can be closed through `through`, and say what it would do.

    :raise NotFound: the actor is not the organisation's finance staff (or an admin).
    """
    require(actor, "org.keep_books", org)
    return _plan("organisation", org.id, org_account_ids(org), through, local_date(org.created_at))


def plan_platform_close(actor, through) -> Plan:
    """Check that the platform's books can be closed through `through`, and say what it would do."""
    require(actor, "admin.access")
    return _plan("platform", 0, platform_account_ids(), through, None)


def close_org_period(actor, org: Organisation, through, note: str = "") -> ledger_periods.PeriodClose:
    """Close the organisation's books through `through` (a past day, by default a month end); commit.

    :raise InvalidInput: the day has not ended yet, or the note is too long.
    :raise Conflict: the books are already closed through that day or later.
    """
    plan = plan_org_close(actor, org, through)
    close = ledger_periods.close_books("organisation", org.id, org_account_ids(org), through=plan.through,
                                       period_start=plan.period_start, actor=actor, note=note)
    record("ledger.period_closed", actor=actor, subject=org, period_start=close.period_start.isoformat(),
           closed_through=close.closed_through.isoformat(), accounts=plan.accounts)
    db.session.commit()
    return close


def close_platform_period(actor, through, note: str = "") -> ledger_periods.PeriodClose:
    """Close the platform's books through `through` (platform admins only); commit."""
    plan = plan_platform_close(actor, through)
    close = ledger_periods.close_books("platform", 0, platform_account_ids(), through=plan.through,
                                       period_start=plan.period_start, actor=actor, note=note)
    record("ledger.period_closed", actor=actor, subject=close, period_start=close.period_start.isoformat(),
           closed_through=close.closed_through.isoformat(), accounts=plan.accounts)
    db.session.commit()
    return close


def _plan(owner_type: str, owner_id: int, account_ids: list[int], through, began: date | None) -> Plan:
    if not isinstance(through, date) or through >= local_today():
        raise InvalidInput(fields={"through": [_l("A period can be closed only after it has ended.")]})
    last = ledger_periods.closed_through_of(owner_type, owner_id)
    if last is not None and through <= last:
        raise Conflict(_l("These books are already closed through %(day)s.", day=lazy_day(last)))
    start = last + timedelta(days=1) if last else _first_day(account_ids, through, began)
    return Plan(owner_type, owner_id, start, through, len(account_ids),
                _unmatched(owner_type, owner_id, start, through))


def _first_day(account_ids: list[int], through: date, began: date | None) -> date:
    """A first close covers everything from the books' beginning (at latest the first of its month)."""
    candidates = [through.replace(day=1)]
    if began is not None:
        candidates.append(began)
    if account_ids:
        opened = ledger_queries.first_opened(account_ids)
        if opened is not None:
            candidates.append(local_date(opened))
    return min(candidates)


def _months_before(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _unmatched(owner_type: str, owner_id: int, start: date, end: date) -> int | None:
    """Count statement lines and postings of the reconciled accounts left unmatched in the period.

    A warning only: it reads the reconciliation report's figures, and says nothing if they are unavailable.
    """
    try:
        from marketplace.reconciliation import books, report
        purposes = books.PLATFORM_ACCOUNTS if owner_type == "platform" else books.ORG_ACCOUNTS
        accounts = ledger_queries.accounts_of(owner_type, owner_id, purposes)
        total = 0
        for account in accounts:
            figures = report.figures(account, start, end)
            total += figures.statement.unmatched_count + figures.ledger.unmatched_count
    except (ImportError, AttributeError):  # reconciliation's report is optional here
        return None
    return total
