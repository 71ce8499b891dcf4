"""Cursor pagination for the API: stable under inserts, O(1) per page with an index."""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate
from sqlalchemy import and_, or_

from marketplace.api.field_docs import CURSOR
from marketplace.platform.errors import InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class CursorArgs(Schema):
    cursor = fields.String(load_default=None, metadata={"description": CURSOR})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": last_id}).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Return the id a cursor points after, or raise InvalidInput."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        after = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
        if is_id(after):
            return after
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError):
        pass
    raise InvalidInput(fields={"cursor": [_l("This cursor is not valid.")]})


def paginate(stmt, id_column, cursor: str | None, limit: int) -> Page:
    """Return one page of `stmt` ordered by `id_column`, after the cursor."""
    if cursor:
        stmt = stmt.where(id_column > decode_cursor(cursor))
    rows = list(db.session.scalars(stmt.order_by(None).order_by(id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1].id) if more and rows else None)


def paginate_by_time(stmt, time_column, id_column, cursor: str | None, limit: int) -> Page:
    """Return one page of `stmt` ordered by a time, then id (soonest first), after the cursor."""
    if cursor:
        moment, last_id = _decode_time_cursor(cursor)
        stmt = stmt.where(or_(time_column > moment, and_(time_column == moment, id_column > last_id)))
    rows = list(db.session.scalars(stmt.order_by(None).order_by(time_column, id_column).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    if not (more and rows):
        return Page(rows, None)
    last = rows[-1]
    micros = (getattr(last, time_column.key) - EPOCH) // timedelta(microseconds=1)  # exact, no floats
    token = json.dumps({"after": [micros, last.id]}).encode()
    return Page(rows, base64.urlsafe_b64encode(token).decode().rstrip("="))


def _decode_time_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        micros, last_id = json.loads(base64.urlsafe_b64decode(padded.encode()))["after"]
        if type(micros) is int and is_id(last_id) and 0 <= micros < 32503680000 * 1_000_000:
            return EPOCH + timedelta(microseconds=micros), last_id
    except (binascii.Error, ValueError, KeyError, TypeError, RecursionError, OverflowError):
        pass
    raise InvalidInput(fields={"cursor": [_l("This cursor is not valid.")]})


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """Return a schema for a page of `item_schema` items."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "next_cursor": fields.String(allow_none=True)},
        name=name,
    )
