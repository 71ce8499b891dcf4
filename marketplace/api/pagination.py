"""Cursor pagination for the API: stable under inserts, O(1) per page with an index."""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from marketplace.errors import InvalidInput
from marketplace.extensions import db
from marketplace.ids import is_id


class CursorArgs(Schema):
    cursor = fields.String(load_default=None, metadata={"description": "next_cursor of the previous page"})
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


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """Return a schema for a page of `item_schema` items."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "next_cursor": fields.String(allow_none=True)},
        name=name,
    )
