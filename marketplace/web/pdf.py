"""What every bilingual PDF shares (certificates, receipts): the CJK font and labels read from both catalogs.

Chinese needs a CJK font: without one a page would show empty boxes, so a missing font is an error,
never a silent fallback."""
from __future__ import annotations

import io
from pathlib import Path

import segno
from flask_babel import force_locale
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from config import settings

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # Debian fonts-arphic-uming
)
FONT = "cjk"
GREY = (90, 90, 90)


class CertificateFontMissing(RuntimeError):
    """No font that can draw Chinese is installed, so a certificate or receipt cannot be rendered."""


def font_path() -> str:
    """Return the CJK font to embed: CERTIFICATE_FONT if set, else the first Debian font found.

    :raise CertificateFontMissing: none is installed.
    """
    chosen = settings.CERTIFICATE_FONT
    for path in ([chosen] if chosen else FONT_CANDIDATES):
        if Path(path).is_file():
            return path
    raise CertificateFontMissing(
        "No CJK font for certificates: install the Debian package fonts-wqy-microhei "
        "(scripts/setup.sh does so when run as root) or set CERTIFICATE_FONT to a .ttf/.ttc file.")


def both(text) -> tuple[str, str]:
    """Return a translatable text (or a function of nothing) in Chinese and in English."""
    pair = []
    for locale in ("zh_CN", "en"):
        with force_locale(locale):
            pair.append(str(text() if callable(text) else text))
    return pair[0], pair[1]


def bilingual(text, sep: str = " / ") -> str:
    zh, en = both(text)
    return zh if zh == en else f"{zh}{sep}{en}"


def start_document(pdf: FPDF, title, number: str, margin: float) -> None:
    """Embed the CJK font, set margins and the document's English title, and open the first page."""
    pdf.add_font(FONT, fname=font_path())  # a .ttc: fpdf2 reads its first face
    pdf.set_margins(margin, margin, margin)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"{both(title)[1]} {number}")
    pdf.set_creator("Goodhours")
    pdf.add_page()


def small_print(pdf: FPDF, statement, size: int = 9) -> None:
    """Write a statement in grey, in Chinese then English (once while a catalog lacks the translation)."""
    pdf.set_font(FONT, size=size)
    pdf.set_text_color(*GREY)
    for text in dict.fromkeys(both(statement)):
        pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def grouped(code: str) -> str:
    """Return a certificate's code in groups of four (ABCD-EFGH-JKMN), easier to read and retype."""
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def qr_code(pdf: FPDF, url: str, size: float = 34) -> None:
    """Draw a QR code of `url` in the page's top right corner (a certificate's link to its verify page)."""
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=8, border=2)
    image.seek(0)
    pdf.image(image, x=pdf.w - pdf.r_margin - size, y=pdf.t_margin, w=size, h=size)
