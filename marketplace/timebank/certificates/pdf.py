"""Lay out a certificate's content as a bilingual A4 PDF (fpdf2) with a QR code (segno).

Every label is shown in Chinese and English side by side, each read from its catalog, so the
page is the same whatever language the volunteer browses in (font and labels: `web/pdf.py`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from marketplace.platform.i18n import hours
from marketplace.timebank.certificates.content import issued_on
from marketplace.web.pdf import (
    FONT,
    GREY,
    CertificateFontMissing,
    bilingual,
    both,
    grouped,
    qr_code,
    small_print,
    start_document,
)

__all__ = ["CertificateFontMissing", "grouped", "render"]


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
    code = grouped(content["code"])
    pdf.footer_text = f"{bilingual(_l('Certificate code'))}: {code}"
    start_document(pdf, _l("Certificate of volunteer service"), code, margin=15)
    qr_code(pdf, content["verify_url"])
    _heading(pdf, content, code)
    _rows(pdf, content)
    _closing(pdf, content)
    return bytes(pdf.output())


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
                title += "\n" + bilingual(_l("Service done offline, reported with evidence"))
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
    small_print(pdf, _l("These hours were approved by the organisations named above and recorded by Goodhours. "
                        "Anyone can check this certificate: scan the QR code or open the address below."))
    pdf.set_text_color(0)
    pdf.set_font(FONT, size=10)
    pdf.cell(text=content["verify_url"], link=content["verify_url"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
