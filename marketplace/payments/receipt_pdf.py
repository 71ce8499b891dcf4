"""Lay out a donation receipt as a bilingual A4 PDF (fpdf2): Chinese and English on the same page.

It uses the shared CJK font (Debian fonts-wqy-microhei, or CERTIFICATE_FONT) and way of reading every
label from both catalogs (`web/pdf.py`); a missing font is an error, never a page of empty boxes.
The amount is written in figures and in words: Chinese capital numerals (大写) and English."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from marketplace.platform.i18n import money
from marketplace.web.pdf import FONT, GREY, bilingual, both, small_print, start_document

PROVIDERS = {"stripe": _l("Online payment"), "demo": _l("Online payment (test mode)"),
             "bank": _l("Bank transfer"), "cash": _l("Cash")}
DIGITS_ZH = "零壹贰叁肆伍陆柒捌玖"
PLACES_ZH = ("", "拾", "佰", "仟")
GROUPS_ZH = ("", "万", "亿", "万亿")
ONES_EN = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
           "sixteen seventeen eighteen nineteen").split()
TENS_EN = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
SCALES_EN = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))


def render(content: dict) -> bytes:
    """Return the PDF bytes of a receipt's content (see `receipts.receipt_content`)."""
    pdf = FPDF(format="A4")
    start_document(pdf, _l("Donation receipt"), content["number"], margin=18)
    _heading(pdf, content)
    _facts(pdf, content)
    _closing(pdf, content)
    return bytes(pdf.output())


def _heading(pdf: FPDF, content: dict) -> None:
    pdf.set_font(FONT, size=12)
    pdf.cell(text=content["registered_name"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(*GREY)
    pdf.set_font(FONT, size=10)
    pdf.cell(text=content["org_en"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.ln(4)
    for size, text in zip((20, 13), dict.fromkeys(both(_l("Donation receipt"))), strict=False):
        pdf.set_font(FONT, size=size)
        pdf.cell(text=text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)


def _facts(pdf: FPDF, content: dict) -> None:
    amount = content["amount_fen"]
    rows = [
        (_l("Receipt number"), content["number"]),
        (_l("Organisation"), "\n".join(dict.fromkeys((content["registered_name"], content["org_zh"],
                                                       content["org_en"])))),
    ]
    if content["credit_code"]:
        rows.append((_l("Unified social credit code"), content["credit_code"]))
    if content["address"]:
        rows.append((_l("Address"), content["address"]))
    rows += [
        (_l("Donor"), content["donor"] or "—"),
        (_l("Amount"), money(amount)),
        (_l("Amount in words"), f"{words_zh(amount)}\n{words_en(amount)}"),
        (_l("Fund"), "\n".join(dict.fromkeys((content["fund_zh"], content["fund_en"])))),
        (_l("Purpose"), content["purpose"] or "—"),
        (_l("Paid by"), bilingual(PROVIDERS.get(content["provider"], content["provider"]))),
    ]
    if content["received_on"]:
        rows.append((_l("Received on"), content["received_on"]))
    if content["late_entry"]:
        rows.append((_l("Late entry"), bilingual(_l("Received in a closed period; booked in the open period"), "\n")))
    rows.append((_l("Date of receipt"), content["issued_on"]))
    if content["refunded_fen"]:
        rows.append((_l("Refunded"), money(content["refunded_fen"])))
    style = FontFace(emphasis="", fill_color=(232, 239, 244))
    pdf.set_font(FONT, size=10)
    with pdf.table(col_widths=(55, 119), text_align=("LEFT", "LEFT"), line_height=5.5, first_row_as_headings=False,
                   borders_layout="HORIZONTAL_LINES", padding=1.8) as table:
        for label, value in rows:
            row = table.row()
            row.cell(bilingual(label, "\n"), style=style)
            row.cell(value)


def _closing(pdf: FPDF, content: dict) -> None:
    pdf.ln(6)
    small_print(pdf, _l("Thank you for your gift. The organisation named above received it and accounts for it in "
                        "Goodhours' public ledger; this receipt was issued on its behalf."))
    label = bilingual(_l("Donation code"))
    pdf.cell(text=f"{label}: {content['code']}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)


def words_zh(fen: int) -> str:
    """Write an amount in Chinese capital numerals, as on Chinese receipts: 人民币壹佰贰拾元伍角整."""
    yuan, rest = divmod(int(fen), 100)
    jiao, cents = divmod(rest, 10)
    text = f"{_integer_zh(yuan)}元" if yuan else ""
    if jiao:
        text += f"{DIGITS_ZH[jiao]}角"
    elif yuan and cents:
        text += "零"
    if cents:
        text += f"{DIGITS_ZH[cents]}分"
    else:
        text = (text or "零元") + "整"
    return "人民币" + text


def _integer_zh(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10_000)
        groups.append(group)
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = gap or bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _four_zh(group) + GROUPS_ZH[index]
        gap = False
    return text


def _four_zh(group: int) -> str:
    text, zero = "", False
    for place in (3, 2, 1, 0):
        digit = group // 10**place % 10
        if digit == 0:
            zero = zero or bool(text)
            continue
        if zero:
            text += "零"
        text += DIGITS_ZH[digit] + PLACES_ZH[place]
        zero = False
    return text


def words_en(fen: int) -> str:
    """Write an amount in English words: "One hundred twenty yuan and fifty fen"."""
    yuan, cents = divmod(int(fen), 100)
    text = f"{_integer_en(yuan)} yuan"
    text += f" and {_integer_en(cents)} fen" if cents else " only"
    return text[0].upper() + text[1:]


def _integer_en(number: int) -> str:
    if number < 20:
        return ONES_EN[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return TENS_EN[tens] + (f"-{ONES_EN[ones]}" if ones else "")
    if number < 1000:
        hundreds, rest = divmod(number, 100)
        return f"{ONES_EN[hundreds]} hundred" + (f" {_integer_en(rest)}" if rest else "")
    for scale, name in SCALES_EN:
        if number >= scale:
            high, rest = divmod(number, scale)
            return f"{_integer_en(high)} {name}" + (f" {_integer_en(rest)}" if rest else "")
    raise AssertionError(number)  # unreachable: every number >= 1000 meets a scale
