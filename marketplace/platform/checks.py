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


def text_field(errors: dict, name: str, value, longest: int, required: bool = True) -> str:
    """Return a text field stripped; on a wrong one (not text, a NUL byte, too long, or empty when required)
    add its translated message to `errors` under `name` and return ""."""
    value = "" if value is None else value
    if not isinstance(value, str) or "\x00" in value or len(value) > longest or (required and not value.strip()):
        errors[name] = [_l("Enter 1 to %(n)d characters.", n=longest) if required
                        else _l("Use at most %(n)d characters.", n=longest)]
        return ""
    return value.strip()
