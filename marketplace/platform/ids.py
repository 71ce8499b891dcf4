"""Ids that come from outside (URLs, forms, JSON), checked against the range their columns hold."""
from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter

# Primary keys are `integer` columns on PostgreSQL: a larger value is refused there with an
# error (and past 2**63 SQLite overflows), so such ids are answered like missing ones.
MAX_ID = 2**31 - 1


def is_id(value: Any) -> bool:
    """Tell whether `value` could be a row's id (an int from 1 to MAX_ID, not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: ids run from 1 to MAX_ID, so 0 or a larger number answers 404.

    Other ranges are explicit: `<int(min=0):page>`, `<int(max=9223372036854775807):entry_id>`.
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def id_arg(name: str) -> int | None:
    """Read an id from the query string; anything that could not be an id reads as absent."""
    from flask import request

    value = request.args.get(name, type=int)
    return value if is_id(value) else None
