"""Uploaded evidence and receipts: type checked from content (a PDF must parse with pypdf, a photo
must open with Pillow), size limited, stored outside `static/` under generated names, and read back
only through views that check access."""
from __future__ import annotations

import io
import logging
import secrets
import warnings
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader

from config import settings
from marketplace.platform.errors import InvalidInput
from marketplace.web.request_guard import is_storable

SIGNATURES = {  # what the first bytes of each accepted type look like
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}
EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000  # larger photos are refused before their pixels are decoded
Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's own guard, for any code that opens an image
CHOOSE_FILE = _l("Choose a photo (JPEG or PNG) or a PDF.")


def sniff(head: bytes) -> str | None:
    """Return the content type the bytes really are, among the accepted ones."""
    for content_type, signatures in SIGNATURES.items():
        if any(head.startswith(sig) for sig in signatures):
            return content_type
    return None


def read(upload, field: str, max_bytes: int = DEFAULT_MAX_BYTES, missing=CHOOSE_FILE) -> bytes:
    """Return an uploaded file's bytes: the one check of presence, name and size every upload passes.

    :raise InvalidInput: naming `field`, when no file was chosen (`missing` says what to choose), its
        name holds a NUL byte or characters no database stores, or it is larger than `max_bytes`.
    """
    if upload is None or not getattr(upload, "filename", ""):
        raise InvalidInput(fields={field: [missing]})
    if not is_storable(upload.filename):
        raise InvalidInput(fields={field: [_l(
            "The file's name holds characters that cannot be saved. Rename the file and choose it again.")]})
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InvalidInput(fields={field: [too_large(max_bytes)]})
    return data


def too_large(max_bytes: int):
    return _l("The file is too large (at most %(n)d MB). Choose a smaller file.", n=max_bytes // (1024 * 1024))


def store(upload, field: str, folder: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[str, str]:
    """Save an uploaded JPEG, PNG or PDF; return (stored name, content type).

    :raise InvalidInput: naming `field`, when the file is missing, too large, of another type, a photo
        of too many pixels or a file that does not open as what it claims to be.
    """
    data = read(upload, field, max_bytes)
    content_type = sniff(data[:16])
    if content_type is None:
        raise InvalidInput(fields={field: [_l("Only JPEG or PNG photos and PDF files are accepted.")]})
    check_content(data, content_type, field)
    name = f"{folder}/{secrets.token_hex(16)}{EXTENSIONS[content_type]}"
    path = root() / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return name, content_type


def check_content(data: bytes, content_type: str, field: str) -> None:
    """Check that the bytes really are a readable PDF or photo, not just its first bytes; a photo's size
    is read from its header and one of more than MAX_PIXELS is refused before any pixel is decoded.

    :raise InvalidInput: naming `field`.
    """
    if content_type == "application/pdf":
        if not pdf_opens(data):
            raise InvalidInput(fields={field: [_l(
                "This file could not be opened as a PDF; it may be damaged or not what its name says. "
                "Choose the real document.")]})
        return
    size = photo_size(data)
    if size is None:
        raise InvalidInput(fields={field: [_l(
            "This photo could not be opened; it may be damaged or not what its name says. Choose another.")]})
    if size[0] * size[1] > MAX_PIXELS:
        raise InvalidInput(fields={field: [_l(
            "This photo has too many pixels (at most %(n)s). Choose a smaller photo, or take it "
            "again at the camera's usual size.", n=f"{MAX_PIXELS:,}")]})
    if not photo_decodes(data):
        raise InvalidInput(fields={field: [_l(
            "This photo could not be opened; it may be damaged or not what its name says. Choose another.")]})


def pdf_opens(data: bytes) -> bool:
    """Tell whether the bytes parse as a PDF of at least one page."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a damaged file is our answer, not a log warning
    try:
        return len(PdfReader(io.BytesIO(data), strict=False).pages) > 0
    except Exception:  # noqa: BLE001  (pypdf raises many kinds of errors on files that are not PDFs)
        return False


def photo_size(data: bytes) -> tuple[int, int] | None:
    """Return a photo's (width, height) read from its header alone, (huge, huge) for one Pillow calls a
    decompression bomb, or None when it is no photo Pillow knows."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # we refuse those ourselves
            with Image.open(io.BytesIO(data)) as image:
                return image.size
    except Image.DecompressionBombError:  # over twice MAX_IMAGE_PIXELS: refused before we see its size
        return (MAX_PIXELS + 1, 1)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def photo_decodes(data: bytes) -> bool:
    """Tell whether a photo already known to be small enough decodes to the last pixel."""
    try:
        with Image.open(io.BytesIO(data)) as image:
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
