"""Photos of wishes and deliveries: the original is kept private; the public copy is re-encoded
from the pixels alone, so no EXIF, GPS or camera metadata survives."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.platform.errors import InvalidInput
from marketplace.web import uploads

MAX_SIDE = 1600


def store_private(upload, field: str) -> str:
    """Save an uploaded JPEG or PNG photo privately; return its stored name."""
    name, content_type = uploads.store(upload, field, "wishes")
    if content_type not in ("image/jpeg", "image/png"):
        uploads.path_of(name).unlink(missing_ok=True)
        raise InvalidInput(fields={field: [_l("Choose a photo (JPEG or PNG).")]})
    return name


def store_photo(upload, field: str) -> tuple[str, str]:
    """Save the private original and a public copy without metadata; return both stored names."""
    private = store_private(upload, field)
    try:
        return private, uploads.without_metadata(private, field, "wishes/public", MAX_SIDE)
    except InvalidInput:
        uploads.path_of(private).unlink(missing_ok=True)
        raise
