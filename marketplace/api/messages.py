"""Translate marshmallow's English validation messages at the API edge, in one place."""
from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _

PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"Missing data for required field\."), lambda m: _("This field is required.")),
    (re.compile(r"Field may not be null\."), lambda m: _("This field cannot be empty.")),
    (re.compile(r"Not a valid (integer|number)\."), lambda m: _("Enter a whole number.")),
    (re.compile(r"Number too large\."), lambda m: _("This number is too large.")),
    (re.compile(r"Not a valid (string|utf-8 string)\."), lambda m: _("Enter text.")),
    (re.compile(r"Not a valid email address\."), lambda m: _("Enter a valid email address.")),
    (re.compile(r"Not a valid boolean\."), lambda m: _("Enter true or false.")),
    (re.compile(r"Not a valid list\."), lambda m: _("Enter a list.")),
    (re.compile(r"Not a valid (date|datetime|time)"), lambda m: _("Enter a valid date and time.")),
    (re.compile(r"Unknown field\."), lambda m: _("This field is not accepted.")),
    (re.compile(r"Invalid (input )?type\."), lambda m: _("Send a JSON object.")),
    (re.compile(r"Invalid JSON body\."), lambda m: _("The body is not valid JSON.")),
    (re.compile(r"Shorter than minimum length (\d+)\."),
     lambda m: _("Use at least %(n)d characters.", n=int(m.group(1)))),
    (re.compile(r"Longer than maximum length (\d+)\."),
     lambda m: _("Use at most %(n)d characters.", n=int(m.group(1)))),
    (re.compile(r"Length must be between (\d+) and (\d+)\."),
     lambda m: _("Use %(min)d to %(max)d characters.", min=int(m.group(1)), max=int(m.group(2)))),
    (re.compile(r"Must be one of: (.*)\."), lambda m: _("Choose one of: %(choices)s.", choices=m.group(1))),
    (re.compile(r"Must be greater than or equal to (-?\d+) and less than or equal to (-?\d+)\."),
     lambda m: _("Enter a number from %(min)s to %(max)s.", min=m.group(1), max=m.group(2))),
]


def translate(message: str) -> str:
    """Return a translated version of one marshmallow message."""
    for pattern, make in PATTERNS:
        match = pattern.match(message)
        if match:
            return make(match)
    return _("This value is not valid.")


def translate_tree(messages):
    """Translate every message in marshmallow's nested error structure."""
    if isinstance(messages, dict):
        return {key: translate_tree(value) for key, value in messages.items()}
    if isinstance(messages, list):
        return [translate_tree(m) for m in messages]
    return translate(str(messages))
