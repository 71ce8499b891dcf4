"""Receipts and invoices behind disbursements: the original is private; a public copy, which staff
redact before uploading, is re-encoded from its pixels when it is a photo so no metadata survives."""
from __future__ import annotations

import io
import secrets

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError

from marketplace import uploads
from marketplace.errors import InvalidInput

FOLDER = "disbursements"
SUFFIX_TYPES = {".jpg": "image/jpeg", ".png": "image/png", ".pdf": "application/pdf"}


def store_private(upload, field: str = "evidence") -> tuple[str, str]:
    """Save a receipt or invoice (JPEG, PNG or PDF, checked from its content); return (name, type)."""
    return uploads.store(upload, field, FOLDER)


def store_public(upload, field: str = "receipt") -> str:
    """Save a redacted copy for the public; photos lose their metadata. Return its stored name."""
    name, content_type = uploads.store(upload, field, f"{FOLDER}/public")
    if content_type == "application/pdf":
        return name
    try:
        with Image.open(uploads.path_of(name)) as image:
            image.load()
            pixels = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        discard(name)
        raise InvalidInput(fields={field: [_l("This photo could not be read; try another.")]}) from None
    discard(name)
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=90)
    public = f"{FOLDER}/public/{secrets.token_hex(16)}.jpg"
    path = uploads.root() / public
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return public


def read(name: str) -> tuple[bytes, str]:
    """Return a stored file's bytes and content type.

    :raise OSError: the file is gone.
    """
    path = uploads.path_of(name)
    return path.read_bytes(), SUFFIX_TYPES.get(path.suffix, "application/octet-stream")


def discard(name: str) -> None:
    """Delete a stored file (a refused request leaves no file behind)."""
    if name:
        try:
            uploads.path_of(name).unlink(missing_ok=True)
        except OSError:
            pass
