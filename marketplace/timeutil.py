"""Time helpers: every stored timestamp is timezone-aware UTC."""
from datetime import UTC, datetime


def now_utc() -> datetime:
    """Return the current time in UTC (a callable default, evaluated per row)."""
    return datetime.now(UTC)
