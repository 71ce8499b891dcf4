"""A volunteer's saved hours: balance, history, monthly totals, star level, and gifts to family."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.auth.service import find_by_email
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger import service as ledger
from marketplace.ledger.causes import Cause, CauseKind
from marketplace.ledger.statement import StatementPage, statement
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.timebank.accounts import savings_account
from marketplace.timebank.hours import served
from marketplace.timebank.models import Attendance, ReviewStatus

# China's volunteer star rating: hours of service for each star.
STAR_HOURS = (100, 300, 600, 1000, 1500)
MAX_GIFT_MINUTES = 100_000 * 60


@dataclass(frozen=True)
class Badge:
    code: str
    earned: bool


@dataclass(frozen=True)
class Savings:
    posted: int
    held: int
    available: int
    earned: int  # minutes ever saved through service for others (gifts received do not count)
    spent: int  # minutes paid for care received (never lowers `earned`)
    stars: int
    next_star_minutes: int | None  # minutes of service still needed for the next star


def star_level(earned_minutes: int) -> tuple[int, int | None]:
    """Return the star level for minutes of service, and the minutes still needed for the next."""
    stars = sum(1 for hours in STAR_HOURS if earned_minutes >= hours * 60)
    if stars == len(STAR_HOURS):
        return stars, None
    return stars, STAR_HOURS[stars] * 60 - earned_minutes


def earned_minutes(user: User) -> int:
    """Minutes of service for others, less any reversed; gifts received and care paid for do not count."""
    return max(served.served_minutes(savings_account(user).id), 0)


def badges(user: User, summary: Savings | None = None) -> list[Badge]:
    """The volunteer's badges: first service, 10 activities still approved, 100 and 1,000 hours, a gift, care given."""
    summary = summary or savings(user)
    account = savings_account(user)
    activities = db.session.scalar(select(func.count()).select_from(Attendance).where(  # reversed ones do not count
        Attendance.user_id == user.id, Attendance.status == ReviewStatus.APPROVED, Attendance.minutes_granted > 0))
    gave = ledger_queries.count_postings(account.id, ("hours.gift", "hours.pool_donation"), debits=True)
    return [
        Badge("first_service", summary.earned > 0),
        Badge("ten_activities", activities >= 10),
        Badge("hundred_hours", summary.earned >= 100 * 60),
        Badge("thousand_hours", summary.earned >= 1000 * 60),
        Badge("gave_hours", bool(gave)),
        Badge("gave_care", served.care_given_count(account.id) > 0),
    ]


def savings(user: User) -> Savings:
    """Return what the volunteer's page shows at the top."""
    account = savings_account(user)
    balance = ledger.balance(account)
    earned = earned_minutes(user)
    stars, needed = star_level(earned)
    return Savings(balance.posted, balance.held, balance.available, earned, served.spent_minutes(account.id), stars,
                   needed)


def history(user: User, cursor: str | None = None, limit: int = 20) -> StatementPage:
    """Return a page of the volunteer's history with the running balance."""
    return statement(savings_account(user), cursor=cursor, limit=limit)


def monthly_minutes(user: User, months: int = 12) -> list[tuple[str, int, int]]:
    """Return (YYYY-MM, minutes in, minutes out) for the most recent months with movement."""
    account = savings_account(user)
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for day, amount in ledger_queries.dated_amounts(account.id):
        bucket = totals[day.strftime("%Y-%m")]
        bucket[0 if amount > 0 else 1] += abs(amount)
    return [(month, *totals[month]) for month in sorted(totals)[-months:]]


def give_hours(giver: User, recipient_email: str, minutes: int, *, key: str) -> ledger.Entry:
    """Move saved minutes to a family member's account (another registered user), once per `key` (the client's)."""
    recipient = find_by_email(recipient_email or "")
    fields: dict[str, list] = {}
    if recipient is None or not recipient.is_active:
        fields["email"] = [_l("No Goodhours account uses this email address.")]
    elif recipient.id == giver.id:
        fields["email"] = [_l("Choose someone other than yourself.")]
    if type(minutes) is not int or not 1 <= minutes <= MAX_GIFT_MINUTES:
        fields["minutes"] = [_l("Enter a whole number of minutes, at least 1.")]
    if fields:
        raise InvalidInput(fields=fields)
    cause = Cause(CauseKind.HOURS_GIFT, giver.id, key)
    repeated = ledger_queries.entry_for(cause) is not None
    entry = ledger.post([(savings_account(giver), -minutes), (savings_account(recipient), minutes)],
                        cause=cause, kind="hours.gift", memo="", actor=giver)
    if not repeated:  # a repeated request returns the first gift and is not logged again
        record("hours.given", actor=giver, subject=recipient, minutes=minutes, entry_id=entry.id)
    db.session.commit()
    return entry
