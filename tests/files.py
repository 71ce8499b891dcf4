"""Real files for upload tests: a one-page PDF that pypdf opens and a small PNG that Pillow opens.

Uploads are parsed, so a file that only starts with `%PDF-` is refused; tests use these instead.
"""
from __future__ import annotations

import io

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


PDF = pdf_bytes()
PNG = png_bytes()
FAKE_PDF = b"%PDF-1.4\nfake receipt\n"  # 22 bytes: a signature and nothing a reader can open
