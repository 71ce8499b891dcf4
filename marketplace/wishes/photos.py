"""Photos of wishes and deliveries: the original is kept private; the public copy is re-encoded
from the pixels alone, so no EXIF, GPS or camera metadata survives."""
from __future__ import annotations

import io
import secrets

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from marketplace import uploads
from marketplace.errors import InvalidInput

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
        with Image.open(uploads.path_of(private)) as image:
            image.load()
            pixels = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        uploads.path_of(private).unlink(missing_ok=True)
        raise InvalidInput(fields={field: [_l("This photo could not be read; try another.")]}) from None
    pixels.thumbnail((MAX_SIDE, MAX_SIDE))
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=85)
    public = f"wishes/public/{secrets.token_hex(16)}.jpg"
    path = uploads.root() / public
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return private, public
