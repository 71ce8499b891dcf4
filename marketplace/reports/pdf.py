"""A report's one-page A4 summary (fpdf2, the certificates' CJK font): what it covers, its totals, a bar
chart of its figures and its first rows. Bounded by design: at most ROWS rows and BARS bars, so it
renders fast inside the request and never runs onto a second page."""
from __future__ import annotations

from flask_babel import format_date
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from marketplace.platform.i18n import hours, money
from marketplace.platform.timeutil import local_today
from marketplace.reports.filters import Filters
from marketplace.reports.tables import Table, shown
from marketplace.web.names import org_name
from marketplace.web.pdf import FONT, GREY, start_document

ROWS = 22
BARS = 10
GREEN = (31, 111, 67)
LINE = 6.2


def render(table: Table, filters: Filters) -> bytes:
    """Return the summary's PDF bytes."""
    pdf = FPDF(format="A4")
    start_document(pdf, table.title, "", margin=14)
    pdf.set_auto_page_break(False)
    _heading(pdf, table, filters)
    _totals(pdf, table)
    _chart(pdf, table)
    _rows(pdf, table)
    return bytes(pdf.output())


def _heading(pdf: FPDF, table: Table, filters: Filters) -> None:
    pdf.set_font(FONT, size=17)
    pdf.cell(text=str(table.title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=10)
    pdf.set_text_color(*GREY)
    names = "、".join(org_name(org) for org in filters.orgs)
    for line in (_("Organisations: %(names)s", names=names),
                 _("From %(start)s to %(end)s", start=format_date(filters.start, "medium"),
                   end=format_date(filters.end, "medium")),
                 _("Made on %(day)s", day=format_date(local_today(), "medium"))):
        pdf.cell(w=0, h=5.5, text=_fit(pdf, line, pdf.epw), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(2)


def _totals(pdf: FPDF, table: Table) -> None:
    parts = [_("%(label)s: %(value)s", label=column.label, value=shown(column, total))
             for column, total in zip(table.columns, table.totals, strict=True) if total is not None]
    parts.insert(0, _("Rows: %(n)s", n=len(table.rows)))
    pdf.set_font(FONT, size=11)
    pdf.multi_cell(0, 6, _fit(pdf, "   ".join(parts), pdf.epw * 2), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _chart(pdf: FPDF, table: Table) -> None:
    """Horizontal bars of the chart's first dataset (its first BARS labels), each with its value."""
    spec = table.chart
    if not spec or not spec.get("datasets") or not any(spec["datasets"][0]["data"]):
        return
    labels, values = spec["labels"][:BARS], spec["datasets"][0]["data"][:BARS]
    divisor, top = spec.get("divisor", 1), max(values) or 1
    pdf.set_font(FONT, size=9)
    label_w, bar_w = 48, pdf.epw - 48 - 26
    for label, value in zip(labels, values, strict=True):
        y = pdf.get_y()
        pdf.cell(w=label_w, h=5, text=_fit(pdf, str(label), label_w - 2))
        pdf.set_fill_color(*GREEN)
        if value > 0:
            pdf.rect(pdf.l_margin + label_w, y + 0.8, max(bar_w * value / top, 0.5), 3.4, style="F")
        pdf.set_xy(pdf.l_margin + label_w + bar_w + 2, y)
        pdf.cell(w=24, h=5, text=_number(value, divisor), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(*GREY)
    pdf.cell(w=0, h=5, text=str(spec["datasets"][0]["label"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(2)


def _rows(pdf: FPDF, table: Table) -> None:
    widths = _widths(len(table.columns), pdf.epw)
    pdf.set_font(FONT, size=9)
    pdf.set_fill_color(235, 240, 236)
    for column, w in zip(table.columns, widths, strict=True):
        pdf.cell(w=w, h=LINE, text=_fit(pdf, str(column.label), w - 1), fill=True)
    pdf.ln(LINE)
    room = int((pdf.h - 16 - pdf.get_y()) // LINE) - 1
    shown_rows = table.rows[:max(min(ROWS, room), 0)]
    for row in shown_rows:
        for column, w, value in zip(table.columns, widths, row, strict=True):
            pdf.cell(w=w, h=LINE, text=_fit(pdf, shown(column, value), w - 1), border="B")
        pdf.ln(LINE)
    if len(table.rows) > len(shown_rows):
        pdf.set_text_color(*GREY)
        pdf.cell(w=0, h=LINE, text=_("…and %(n)s more rows: the CSV and XLSX downloads hold them all.",
                                     n=len(table.rows) - len(shown_rows)))
        pdf.set_text_color(0)


def _widths(count: int, total: float) -> list[float]:
    first = total * (0.34 if count > 3 else 0.5)
    return [first] + [(total - first) / (count - 1)] * (count - 1) if count > 1 else [total]


def _number(value: int, divisor: int) -> str:
    if divisor == 100:
        return money(value)
    if divisor == 60:
        return hours(value)
    return str(value)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """Cut text to fit `width`, marking the cut with an ellipsis."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
