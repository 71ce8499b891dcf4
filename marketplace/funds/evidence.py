"""Receipts and invoices behind disbursements: the original is private; a public copy, which staff
redact before uploading, is re-encoded from its pixels when it is a photo so no metadata survives."""
from __future__ import annotations

from marketplace.web import uploads

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
        return uploads.without_metadata(name, field, f"{FOLDER}/public")
    finally:
        discard(name)


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
