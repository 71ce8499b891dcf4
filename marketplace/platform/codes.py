"""Codes people read aloud and type: certificates', plaques' and meals' (never digits only)."""
from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read aloud and retype


def readable_code(length: int, is_taken: Callable[[str], bool] = lambda _code: False) -> str:
    """Return a random code of `length` from ALPHABET that is not digits only (it would read as a row's number)
    and that `is_taken` does not refuse."""
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(length))
        if not code.isdigit() and not is_taken(code):
            return code


def is_readable(code: str, length: int) -> bool:
    """Tell whether `code` could be one of these codes."""
    return len(code) == length and all(c in ALPHABET for c in code)
