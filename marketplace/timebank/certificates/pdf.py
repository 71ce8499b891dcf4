"""Lay out a certificate's content as a bilingual A4 PDF (fpdf2) with a QR code (segno).

Every label is shown in Chinese and English side by side, each read from its catalog, so the
page is the same whatever language the volunteer browses in. Chinese needs a CJK font: without
one the page would show empty boxes, so a missing font is an error, never a silent fallback."""
from __future__ import annotations

import io
from pathlib import Path

import segno
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from config import settings
from marketplace.platform.i18n import hours
from marketplace.timebank.certificates.service import issued_on

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian fonts-wqy-zenhei
    "/usr/share/fonts/truetype/arphic/uming.ttc",  # Debian fonts-arphic-uming
)
FONT = "cjk"
GREY = (90, 90, 90)


class CertificateFontMissing(RuntimeError):
    """No font that can draw Chinese is installed, so a certificate cannot be rendered."""


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


def grouped(code: str) -> str:
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


class _Pages(FPDF):
    footer_text = ""

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text} · {self.page_no()}/{{nb}}", align="C")


def render(content: dict) -> bytes:
    """Return the PDF bytes for a certificate's content."""
    pdf = _Pages(format="A4")
    pdf.add_font(FONT, fname=font_path())  # a .ttc: fpdf2 reads its first face
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    code = grouped(content["code"])
    pdf.footer_text = f"{bilingual(_l('Certificate code'))}: {code}"
    pdf.set_title(f"{both(_l('Certificate of volunteer service'))[1]} {code}")
    pdf.set_creator("Goodhours")
    pdf.add_page()
    _qr(pdf, content["verify_url"])
    _heading(pdf, content, code)
    _rows(pdf, content)
    _closing(pdf, content)
    return bytes(pdf.output())


def _qr(pdf: FPDF, url: str) -> None:
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=8, border=2)
    image.seek(0)
    pdf.image(image, x=pdf.w - pdf.r_margin - 34, y=pdf.t_margin, w=34, h=34)


def _heading(pdf: FPDF, content: dict, code: str) -> None:
    for size, text in zip((20, 13), dict.fromkeys(both(_l("Certificate of volunteer service"))), strict=False):
        pdf.set_font(FONT, size=size)
        pdf.cell(text=text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    facts = [
        (_l("Volunteer"), content["volunteer"]),
        (_l("Period of service"), f"{content['period_start']} – {content['period_end']}"),
        (_l("Total hours"), bilingual(lambda: hours(content["total_minutes"]))),
        (_l("Certificate code"), code),
        (_l("Issued on"), issued_on(content).isoformat()),
    ]
    for label, value in facts:
        pdf.set_font(FONT, size=10)
        pdf.set_text_color(*GREY)
        pdf.cell(w=58, h=6.5, text=bilingual(label))
        pdf.set_text_color(0)
        pdf.set_font(FONT, size=11)
        pdf.cell(w=80, h=6.5, text=value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + 36) + 4)


def _rows(pdf: FPDF, content: dict) -> None:
    pdf.set_font(FONT, size=9)
    headings = [_l("Date"), _l("Service"), _l("Organisation"), _l("Hours")]
    total = bilingual(lambda: hours(content["total_minutes"]), "\n")
    style = FontFace(emphasis="", fill_color=(232, 239, 244))
    with pdf.table(col_widths=(22, 72, 54, 32), text_align=("LEFT", "LEFT", "LEFT", "RIGHT"), line_height=4.6,
                   headings_style=style, borders_layout="HORIZONTAL_LINES", padding=1.5) as table:
        table.row([bilingual(h, "\n") for h in headings])
        for row in content["rows"]:
            title = row["title"]
            if row["kind"] == "claim":
                title += "\n" + bilingual(_l("Service done offline, claimed with evidence"))
            table.row([row["date"], title, f"{row['org_zh']}\n{row['org_en']}",
                       bilingual(lambda r=row: hours(r["minutes"]), "\n")])
        table.row(["", bilingual(_l("Total")), "", total], style=style)


def _closing(pdf: FPDF, content: dict) -> None:
    pdf.ln(5)
    names = "；".join(f"{issuer['zh']}（{issuer['en']}）" for issuer in content["issuers"])
    pdf.set_font(FONT, size=10)
    pdf.multi_cell(0, 5.5, f"{bilingual(_l('Issuing organisations'))}: {names}", align="L",
                   new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    pdf.set_font(FONT, size=9)
    pdf.set_text_color(*GREY)
    statement = _l("These hours were approved by the organisations named above and recorded by Goodhours. "
                   "Anyone can check this certificate: scan the QR code or open the address below.")
    for text in dict.fromkeys(both(statement)):  # once while a catalog lacks the translation
        pdf.multi_cell(0, 5, text, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.set_font(FONT, size=10)
    pdf.cell(text=content["verify_url"], link=content["verify_url"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
