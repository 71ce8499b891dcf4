"""Whose books are reconciled, who may do it, and which ledger accounts they hold.

The platform's books (platform admins) hold Stripe's clearing account and the platform's bank
account; an organisation's books (its staff allowed `org.manage_funds`) hold its bank account.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from marketplace.ledger import service as ledger
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import require
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import InvalidInput
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import local_today
from marketplace.web.dates import BAD_DATE, parse_day

PLATFORM_ACCOUNTS = ("stripe_clearing", "bank")
ORG_ACCOUNTS = ("bank",)
LONGEST_PERIOD_DAYS = 400


@dataclass(frozen=True)
class Books:
    owner_type: str  # platform or organisation
    owner_id: int
    org: Organisation | None

    @property
    def purposes(self) -> tuple[str, ...]:
        return PLATFORM_ACCOUNTS if self.org is None else ORG_ACCOUNTS

    @property
    def url_args(self) -> dict:
        return {"org_id": self.owner_id} if self.org is not None else {}


def books_for(actor, org_id: int | None) -> Books:
    """Return the books the actor asks for, refusing who may not reconcile them.

    :raise Unauthenticated, Forbidden: the platform's books and a user who is not a platform admin.
    :raise NotFound: an organisation the actor may not reconcile (or none).
    """
    if org_id is None:
        require(actor, "admin.access")
        return Books("platform", 0, None)
    org = get_organisation(org_id)
    require(actor, "org.manage_funds", org)
    return Books("organisation", org.id, org)


def account_of(books: Books, purpose: str | None) -> ledger.Account:
    """Return one of the books' reconciled accounts (the first when `purpose` is empty).

    :raise InvalidInput: naming `account`, for an account these books do not reconcile.
    """
    purpose = purpose or books.purposes[0]
    if purpose not in books.purposes:
        raise InvalidInput(fields={"account": [_l("Choose one of the accounts listed.")]})
    return ledger.open_account(books.owner_type, books.owner_id, purpose)


def owns(books: Books, account_id: int) -> bool:
    """Tell whether a ledger account is one these books reconcile."""
    return any(account_of(books, p).id == account_id for p in books.purposes)


def counter_account(books: Books) -> ledger.Account:
    """Return where correcting entries go: the books' own `fees` account (see `resolve`)."""
    return ledger.open_account(books.owner_type, books.owner_id, "fees")


def period(start, end) -> tuple[date, date]:
    """Read a period from query text (default: this month so far).

    :raise InvalidInput: naming `start` or `end`, when a date is unreadable, the end is before the
        start, or the period is longer than about a year.
    """
    today = local_today()
    errors: dict[str, list] = {}
    first = _day(start, today.replace(day=1), "start", errors)
    last = _day(end, today, "end", errors)
    if not errors and last < first:
        errors["end"] = [_l("The end must not be before the start.")]
    elif not errors and last - first > timedelta(days=LONGEST_PERIOD_DAYS):
        errors["end"] = [_l("Choose a period of at most %(n)d days.", n=LONGEST_PERIOD_DAYS)]
    if errors:
        raise InvalidInput(fields=errors)
    return first, last


def _day(text, default: date, field: str, errors: dict) -> date:
    if text in (None, ""):
        return default
    day = parse_day(text)
    if day is None:
        errors[field] = [BAD_DATE]
        return default
    return day


def as_id(value, big: bool = False) -> int | None:
    """Read an id from a form or a service argument (an int, or digits), None when it cannot be one."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 19:
        value = int(value.strip())
    if big:
        return value if isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**63 else None
    return value if is_id(value) else None
