"""Refuse text no database can store (NUL characters, lone surrogates) before any view sees it."""
from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import lazy_gettext as _l

from marketplace.platform.errors import DomainError

UNSTORABLE = _l("The request holds characters that cannot be saved. Remove them and try again.")


def is_storable(text: str) -> bool:
    """Tell whether SQLite and PostgreSQL can both store `text`."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate, which only a JSON escape can carry
        return False
    return True


def unstorable_fields(data: Any) -> list[str]:
    """Return the top-level keys of decoded JSON holding unstorable text ('_schema' for the rest)."""
    if not isinstance(data, dict):
        return [] if _storable_tree(data) else ["_schema"]
    return [key if is_storable(key) else "_schema" for key, value in data.items()
            if not (is_storable(key) and _storable_tree(value))]


def _storable_tree(value: Any) -> bool:
    stack = [value]  # not recursive: decoded JSON may nest nearly as deep as the recursion limit
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not is_storable(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return True


def refuse_unstorable_text() -> None:
    """Answer 400 when a query or form value (or its name) holds unstorable text."""
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if not (is_storable(key) and is_storable(value)):
                raise DomainError(UNSTORABLE)


def init_app(app: Flask) -> None:
    app.before_request(refuse_unstorable_text)
