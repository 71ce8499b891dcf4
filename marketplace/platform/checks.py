"""Input checks shared by every domain's services."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.platform.errors import InvalidInput


def reason_given(text, field: str = "reason") -> str:
    """Return a required reason, stripped; refuse it, naming `field`, when missing, empty, over 300
    characters or holding a NUL byte."""
    if not isinstance(text, str) or not text.strip() or len(text) > 300 or "\x00" in text:
        raise InvalidInput(fields={field: [_l("Give the reason (up to 300 characters).")]})
    return text.strip()
