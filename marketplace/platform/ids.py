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


def as_id(value: Any) -> int | None:
    """Read an id given as an int or as plain digits (a form, a query string); None when it could not be one."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID)):
        value = int(value)
    return value if is_id(value) else None


def _up_to(limit: int) -> str:
    """Return a regular expression matching exactly the numbers from 1 to `limit`, written without leading zeros."""
    digits = str(limit)
    shorter = [rf"[1-9]\d{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    same_length = []
    for i, digit in enumerate(digits):
        low = 1 if i == 0 else 0
        if int(digit) > low:
            same_length.append(rf"{digits[:i]}[{low}-{int(digit) - 1}]\d{{{len(digits) - i - 1}}}")
    return "(?:" + "|".join(shorter + same_length + [digits]) + ")"


class IdConverter(IntegerConverter):
    """`<int:...>` in routes: ids run from 1 to MAX_ID, so 0 or a larger number answers 404.

    The default range is in the rule's pattern itself: werkzeug answers an id its converter refuses with 405
    when the same path takes other methods, as if the address existed. Other ranges are explicit:
    `<int(min=0):page>`, `<int(max=9223372036854775807):entry_id>`.
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
        if (self.min, self.max, self.fixed_digits) == (1, MAX_ID, 0):
            self.regex = _up_to(MAX_ID)


def id_arg(name: str) -> int | None:
    """Read an id from the query string; anything that could not be an id reads as absent."""
    from flask import request

    value = request.args.get(name, type=int)
    return value if is_id(value) else None
