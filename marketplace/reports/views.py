"""Reports for coordinators and staff: one page (pick a report, an organisation and the days) and its
downloads as CSV, XLSX and a one-page PDF summary. A filter that cannot be read shows the page again
with what was typed and what to correct."""
from __future__ import annotations

import io

from flask import Blueprint, g, render_template, request, send_file
from flask_babel import format_date
from flask_login import login_required

from marketplace.platform.errors import InvalidInput
from marketplace.reports import exports, pdf, service
from marketplace.reports.tables import shown

bp = Blueprint("reports", __name__, url_prefix="/reports")
TYPES = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
FILTERS = ("report", "org", "start", "end")


@bp.app_template_global()
def report_cell(column, value) -> str:
    return shown(column, value)


@bp.app_template_global()
def report_day(day) -> str:
    return format_date(day, "medium")


@bp.route("/")
@login_required
def index():
    """Show a report on screen with its chart, table and totals."""
    try:
        report, filters, table = service.run(g.user, request.args)
    except InvalidInput as error:
        return _page(errors=error.fields), 422
    return _page(report=report, filters=filters, table=table)


@bp.route("/export.<any(csv, xlsx, pdf):fmt>")
@login_required
def export(fmt):
    """Download a report as CSV, XLSX or a one-page PDF summary."""
    try:
        report, filters, table = service.run(g.user, request.args)
    except InvalidInput as error:
        return _page(errors=error.fields), 422
    if fmt == "csv":
        data = exports.csv_bytes(table)
    elif fmt == "xlsx":
        data = exports.xlsx_bytes(table, filters)
    else:
        data = pdf.render(table, filters)
    name = f"{report.name}-{filters.start.isoformat()}-{filters.end.isoformat()}.{fmt}"
    return send_file(io.BytesIO(data), mimetype=TYPES[fmt], as_attachment=True, download_name=name)


def _page(report=None, filters=None, table=None, errors=None):
    typed = {name: request.args.get(name, "") for name in FILTERS}
    if filters is not None:
        typed |= {"report": report.name, "start": filters.start.isoformat(), "end": filters.end.isoformat()}
    here = {k: v for k, v in typed.items() if v}
    return render_template("reports/index.html", reports=service.available(g.user), orgs=service.visible_orgs(g.user),
                           report=report, filters=filters, table=table, typed=typed, here=here,
                           errors={k: [str(m) for m in v] for k, v in (errors or {}).items()})
