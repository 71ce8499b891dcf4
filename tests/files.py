"""Real files for upload tests: a one-page PDF that pypdf opens, a small PNG that Pillow opens, and a
decompression bomb (a PNG of 100 million pixels in about 12 KB).

Uploads are parsed, so a file that only starts with `%PDF-` is refused; tests use these instead.
"""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def huge_png(width: int = 10_000, height: int = 10_000) -> bytes:
    """A black-and-white PNG of width × height pixels that compresses to a few kilobytes."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    squeeze = zlib.compressobj(9)
    pixels = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", pixels) + chunk(b"IEND", b""))


PDF = pdf_bytes()
PNG = png_bytes()
FAKE_PDF = b"%PDF-1.4\nfake receipt\n"  # 22 bytes: a signature and nothing a reader can open
