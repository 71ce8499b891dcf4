"""Uploaded evidence and receipts: type checked from content (a PDF must parse with pypdf, a photo
must open with Pillow), size limited, stored outside `static/` under generated names, and read back
only through views that check access."""
from __future__ import annotations

import io
import logging
import secrets
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

from config import settings
from marketplace.platform.errors import InvalidInput

SIGNATURES = {  # what the first bytes of each accepted type look like
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger photos are refused before their pixels are decoded
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def sniff(head: bytes) -> str | None:
    """Return the content type the bytes really are, among the accepted ones."""
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


def store(upload, field: str, folder: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Save an uploaded JPEG, PNG or PDF; return (stored name, content type).

    :raise InvalidInput: naming `field`, when the file is missing, too large or of another type.
    """
    if upload is None or not getattr(upload, "filename", ""):
        raise InvalidInput(fields={field: [_l("Choose a photo (JPEG or PNG) or a PDF.")]})
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput(fields={field: [_l("The file is too large (at most %(n)d MB).",
                                              n=max_bytes // (1024 * 1024))]})
    content_type = sniff(data[:16])
    if content_type is None:
        raise InvalidInput(fields={field: [_l("Only JPEG or PNG photos and PDF files are accepted.")]})
    if not opens(data, content_type):
        raise InvalidInput(fields={field: [_l(
            "This file could not be opened as a PDF or a photo; it may be damaged or not what its name says. "
            "Upload the real receipt.")]})
    name = f"{folder}/{secrets.token_hex(16)}{EXTENSIONS[content_type]}"
    path = root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name, content_type


def opens(data: bytes, content_type: str) -> bool:
    """Tell whether the bytes really are a readable PDF (at least one page) or photo, not just its first bytes."""
    if content_type == "application/pdf":
        logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is our answer, not a log warning
        try:
            return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
        except Exception:  # noqa: BLE001  (pypdf raises many kinds of errors on files that are not PDFs)
            return False
    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                return False
            image.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
    return True


def root() -> Path:
    return Path(settings.UPLOAD_FOLDER)


def path_of(name: str) -> Path:
    """Return the file behind a stored name (names are generated, never taken from users)."""
    path = (root() / name).resolve()
    if root().resolve() not in path.parents:
        raise FileNotFoundError(name)
    return path


def without_metadata(name: str, field: str, folder: str, max_side: int | None = None) -> str:
    """Write a JPEG copy of a stored photo made from its pixels alone (no EXIF, GPS or camera data),
    optionally shrunk to `max_side`; return the copy's stored name. The original is left as it is.

    :raise InvalidInput: naming `field`, when the photo cannot be read.
    """
    try:
        with Image.open(path_of(name)) as image:
            image.load()
            pixels = image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise InvalidInput(fields={field: [_l("This photo could not be read; try another.")]}) from None
    if max_side:
        pixels.thumbnail((max_side, max_side))
    clean = Image.new("RGB", pixels.size)
    clean.paste(pixels)
    buffer = io.BytesIO()
    clean.save(buffer, "JPEG", quality=85)
    copy = f"{folder}/{secrets.token_hex(16)}.jpg"
    path = root() / copy
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return copy
