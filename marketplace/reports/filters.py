"""What a report covers, read from the query text: which report, which of the person's organisations,
and which days (by default the last 12 months: this month and the 11 before it)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from marketplace.orgs.models import Organisation
from marketplace.platform.errors import InvalidInput
from marketplace.platform.timeutil import local_today
from marketplace.web.dates import BAD_DATE, parse_day

LONGEST_DAYS = 5 * 366  # five years: 60 months in a chart is as many as a phone can show


@dataclass(frozen=True)
class Filters:
    report: str
    orgs: list[Organisation]  # the organisations reported on
    start: date
    end: date

    @property
    def org_ids(self) -> list[int]:
        return [org.id for org in self.orgs]


def default_start(today: date) -> date:
    """The first day of the month 11 months before `today`'s: 12 months of figures."""
    month = today.year * 12 + today.month - 1 - 11
    return date(month // 12, month % 12 + 1, 1)


def read(args, report: str, allowed: list[Organisation]) -> Filters:
    """Read the organisation and the days from query text, for a report over `allowed` organisations.

    :raise InvalidInput: naming `org`, `start` or `end`: an organisation not among `allowed`, a date that
        cannot be read, an end before the start, a period over five years or ending in the future.
    """
    errors: dict[str, list] = {}
    today = local_today()
    orgs = _orgs(args.get("org"), allowed, errors)
    end = _day(args.get("end"), today, "end", errors)
    start = _day(args.get("start"), default_start(end if "end" not in errors else today), "start", errors)
    if not errors:
        if end > today:
            errors["end"] = [_l("Choose an end date no later than today.")]
        elif end < start:
            errors["end"] = [_l("The end must not be before the start.")]
        elif end - start > timedelta(days=LONGEST_DAYS):
            errors["start"] = [_l("Choose a period of at most five years.")]
    if errors:
        raise InvalidInput(fields=errors)
    return Filters(report, orgs, start, end)


def _orgs(text, allowed: list[Organisation], errors: dict) -> list[Organisation]:
    if text in (None, ""):
        return allowed
    chosen = [org for org in allowed if str(org.id) == text]
    if not chosen:  # another organisation, or none: alike, so nothing is learnt about others
        errors["org"] = [_l("Choose an organisation from the list.")]
    return chosen


def _day(text, default: date, name: str, errors: dict) -> date:
    if text in (None, ""):
        return default
    found = parse_day(text)
    if found is None:
        errors[name] = [BAD_DATE]
        return default
    return found
