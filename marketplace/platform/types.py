"""Column types shared by every domain."""
import enum
from datetime import UTC, datetime

from sqlalchemy import BigInteger, DateTime, Integer
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator):
    """Store aware UTC datetimes; SQLite drops the zone, so put it back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use marketplace.platform.timeutil.now_utc()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


# Ids of tables that grow to tens of millions of rows; SQLite autoincrements only INTEGER.
BigId = BigInteger().with_variant(Integer, "sqlite")


def one_of(column: str, values: type[enum.StrEnum]) -> str:
    """SQL for a CHECK constraint: `column` holds one of the enum's values."""
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def on_dialect(dialect: str):
    """Return an Alembic `include_object` that leaves out what the models create only on other
    databases (`.ddl_if(dialect=...)`), so comparing models with a schema sees like with like."""

    def include(obj, name, type_, reflected, compare_to) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        return condition is None or condition.dialect is None or condition.dialect == dialect

    return include
