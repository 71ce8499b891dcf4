"""Sheets of offline hours: read an upload (CSV in UTF-8, GB18030 or UTF-16, or XLSX) into raw
records, and write a blank template with headers in English or Chinese."""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from datetime import date, datetime, time

from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.platform.errors import InvalidInput
from marketplace.web import uploads
from marketplace.web.dates import parse_day

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNZIPPED = 100 * 1024 * 1024  # an XLSX is a zip: refuse one that would inflate past this
MAX_COLUMNS = 30
FIELDS = ("email", "date", "start", "end", "minutes", "description")
# Column names are data rather than interface text: they must read back the same whatever the
# catalogs say, so both languages are spelt out here instead of going through gettext.
HEADERS = {"en": ("email", "date", "start time", "end time", "minutes", "description"),
           "zh_CN": ("邮箱", "日期", "开始时间", "结束时间", "分钟", "说明")}
ALIASES = {
    "email": {"email", "emailaddress", "mail", "邮箱", "电子邮箱", "邮箱地址", "电子邮件", "邮件"},
    "date": {"date", "servicedate", "dateofservice", "day", "日期", "服务日期"},
    "start": {"start", "starttime", "from", "开始", "开始时间", "起始时间"},
    "end": {"end", "endtime", "to", "结束", "结束时间"},
    "minutes": {"minutes", "minute", "mins", "分钟", "分钟数", "时长", "时长分钟", "服务时长分钟"},
    "description": {"description", "note", "notes", "details", "说明", "描述", "备注", "服务内容"},
}
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
UNREADABLE = _l("The file could not be read. Upload a CSV file (UTF-8 or GB18030) or an XLSX workbook.")

Record = tuple  # (row number, email, date, start, end, minutes, description): cells as the sheet holds them


def refuse(message) -> InvalidInput:
    return InvalidInput(fields={"upload": [message]})


def read(upload) -> list[Record]:
    """Return the data rows of an uploaded sheet, each with its row number in the sheet.

    :raise InvalidInput: naming `upload`, when the file is missing, too large, unreadable, has no
        recognisable header or too many rows; nothing about single rows is judged here.
    """
    data = uploads.read(upload, "upload", MAX_BYTES, missing=_l("Choose a CSV or XLSX file."))
    if data.startswith(OLE_SIGNATURE):
        raise refuse(_l("Old .xls workbooks cannot be read: save the sheet as XLSX or CSV first."))
    table = _xlsx_table(data) if data.startswith(b"PK\x03\x04") else _csv_table(data)
    return _records(table)


def _records(table: list[tuple[int, list]]) -> list[Record]:
    rows = [(number, cells) for number, cells in table if not all(_blank(c) for c in cells)]
    if not rows:
        raise refuse(_l("The file has no rows of hours."))
    (_, header), data = rows[0], rows[1:]
    columns = _columns(header)
    if not data:
        raise refuse(_l("The file has no rows of hours."))
    if len(data) > MAX_ROWS:
        raise refuse(_l("The file has more than %(n)s rows; split it into smaller files.", n=f"{MAX_ROWS:,}"))
    return [(number, *(_cell(cells, columns.get(name)) for name in FIELDS)) for number, cells in data]


def _columns(header: list) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        key = re.sub(r"[\s_\-()（）:：]", "", str(name or "")).lower()
        for field, aliases in ALIASES.items():
            if key in aliases:
                columns.setdefault(field, index)
    has_times = "minutes" in columns or {"start", "end"} <= set(columns)
    if "email" not in columns or "date" not in columns or not has_times:
        names = " / ".join(", ".join(headers[:5]) for headers in HEADERS.values())
        raise refuse(_l("The first row must name the columns (in English or Chinese): %(columns)s. "
                        "Give a start and end time, or minutes.", columns=names))
    return columns


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell(cells: list, index: int | None):
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if isinstance(value, str):
        value = value.replace("\x00", "").strip()
        return value or None
    return value


# --- CSV ---------------------------------------------------------------------------------------

def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode text"
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "gb18030")  # Excel in China often saves CSV as GB18030 (GBK)
    for encoding in encodings:
        try:
            return data.decode(encoding).lstrip("\ufeff")
        except UnicodeDecodeError:
            continue
    raise refuse(UNREADABLE)


def _csv_table(data: bytes) -> list[tuple[int, list]]:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(UNREADABLE)
    text = _decode(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first.count)
    table, seen = [], 0
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1):
            table.append((number, cells[:MAX_COLUMNS]))
            seen += any(c.strip() for c in cells)
            if seen > MAX_ROWS + 1:  # header and one row too many: enough to refuse
                break
    except csv.Error:
        raise refuse(UNREADABLE) from None
    return table


# --- XLSX --------------------------------------------------------------------------------------

def _xlsx_table(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise refuse(_l("The file is too large (at most %(n)d MB).", n=MAX_BYTES // (1024 * 1024)))
        with warnings.catch_warnings():  # workbooks from other tools make openpyxl warn about styles
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                table, seen = [], 0
                rows = book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True) if book.worksheets else []
                for number, values in enumerate(rows, 1):
                    table.append((number, list(values)))
                    seen += any(not _blank(v) for v in values)
                    if seen > MAX_ROWS + 1:
                        break
            finally:
                book.close()
    except InvalidInput:
        raise
    except Exception:  # noqa: BLE001 - any failure to parse an untrusted workbook means "unreadable"
        raise refuse(UNREADABLE) from None
    return table


# --- templates ---------------------------------------------------------------------------------

def template(locale: str, fmt: str) -> bytes:
    """Return a blank sheet (CSV in UTF-8 with a BOM, or XLSX) with headers in `locale`'s language."""
    headers = HEADERS["zh_CN" if locale.startswith("zh") else "en"]
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerow(headers)
        return out.getvalue().encode("utf-8-sig")
    return _xlsx_template(headers, "zh_CN" if locale.startswith("zh") else "en")


def _xlsx_template(headers: tuple[str, ...], locale: str) -> bytes:
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold, text = book.add_format({"bold": True}), book.add_format({"num_format": "@"})
    sheet = book.add_worksheet("hours")
    for column, (name, width) in enumerate(zip(headers, (30, 12, 10, 10, 8, 40), strict=True)):
        sheet.write_string(0, column, name, bold)
        # date and times as text, so Excel keeps 2026-03-08 and 09:30 as typed
        sheet.set_column(column, column, width, text if 1 <= column <= 3 else None)
    sheet.freeze_panes(1, 0)
    with force_locale(locale):
        notes = book.add_worksheet(_("Notes")[:31])
        for line, note in enumerate((
                _("One row per volunteer and stretch of service. The first sheet is read; this one is not."),
                _("email: the address of the volunteer's Goodhours account."),
                _("date: YYYY-MM-DD, for example 2026-03-08; not in the future, at most a year ago."),
                _("start time and end time: HH:MM, for example 09:00 and 11:30; or leave them empty and give "
                  "the minutes."),
                _("minutes: whole minutes served; with start and end times, at most the time between them."),
                _("description: what was done, up to 300 characters (optional)."))):
            notes.write_string(line, 0, note)
        notes.set_column(0, 0, 100)
    book.close()
    return out.getvalue()


def as_date(value) -> date | None:
    """Read a date cell: a date or datetime from XLSX, or a day as people write it (`web.dates.parse_day`)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = re.sub(r"[ T]0{1,2}:00(?::00)?$", "", str(value).strip())  # a spreadsheet's midnight time
    return parse_day(text)


def as_time(value) -> int | None:
    """Read a time cell as minutes after midnight: a time from XLSX, or text HH:MM (or HH:MM:SS)."""
    if isinstance(value, datetime):
        value = value.time()
    if isinstance(value, time):
        return value.hour * 60 + value.minute
    match = re.fullmatch(r"(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?", str(value))
    if match is None:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    return hour * 60 + minute if hour < 24 and minute < 60 else None


def as_minutes(value) -> int | None:
    """Read whole minutes: a number from XLSX (90 or 90.0) or text digits; None when not whole."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and re.fullmatch(r"\d{1,7}(?:\.0+)?", value):
        number = int(value.split(".")[0])
    else:
        return None
    return number if 0 <= number <= 10**6 else None
