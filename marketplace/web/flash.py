"""Flashed messages for a form that lives on another page."""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _


def flash_errors(errors: dict, fallback=None) -> None:
    """Flash every field message at once (the form lives on another page)."""
    messages = [str(m) for field_errors in errors.values() for m in field_errors]
    flash(" ".join(messages) or str(fallback or _("Some fields need correcting.")), "error")
