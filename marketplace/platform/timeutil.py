"""Time helpers: every stored timestamp is timezone-aware UTC; days are the site's local days."""
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from config import settings


def now_utc() -> datetime:
    """Return the current time in UTC (a callable default, evaluated per row)."""
    return datetime.now(UTC)


def site_zone() -> ZoneInfo:
    """Return the site's time zone (BABEL_DEFAULT_TIMEZONE, Guangzhou by default)."""
    return ZoneInfo(settings.BABEL_DEFAULT_TIMEZONE)


def local_date(moment: datetime) -> date:
    """Return the site's local date at an aware moment."""
    return moment.astimezone(site_zone()).date()


def local_today() -> date:
    return local_date(now_utc())


def from_local(naive: datetime) -> datetime:
    """Read a wall-clock time in the site's zone (as typed in a form) as an aware UTC time."""
    return naive.replace(tzinfo=site_zone()).astimezone(UTC)


def day_start(day: date, days_after: int = 0) -> datetime:
    """Return, in UTC, the moment a local day (or one `days_after` it) begins."""
    return from_local(datetime.combine(day + timedelta(days=days_after), time()))
