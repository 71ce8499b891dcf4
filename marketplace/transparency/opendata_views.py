"""Open data downloads under /transparency/data/: public ledger lines and the 360Giving export."""
from __future__ import annotations

from datetime import date
from functools import partial

from flask import Blueprint, Response, jsonify, render_template, request, stream_with_context
from flask_babel import gettext as _

from marketplace.funds.service import fund_by_code
from marketplace.orgs.models import Organisation
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.transparency import giving360 as grants
from marketplace.transparency import opendata
from marketplace.web.dates import parse_day

bp = Blueprint("transparency_data", __name__, url_prefix="/transparency/data")


class BadRange(ValueError):
    pass


def _day(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    day = parse_day(raw)  # the one parser of every date field: 2026-01-31, 2026/1/31, 2026年1月31日, 31 Jan 2026
    if day is None:
        raise BadRange(_("Write the date “%(name)s” as YYYY-MM-DD, for example 2026-01-31.", name=name))
    return day


def _args():
    """Read org, fund, from and to; raise NotFound for an unknown org or fund, BadRange for bad dates."""
    since, until = _day("from"), _day("to")
    if since and until and since > until:
        raise BadRange(_("The start date “from” must not be after the end date “to”."))
    org = fund = None
    if request.args.get("org", "").strip():
        org_id = request.args.get("org", type=int)
        org = db.session.get(Organisation, org_id) if is_id(org_id) else None
        if org is None:
            raise NotFound()
    if request.args.get("fund", "").strip():
        fund = fund_by_code(request.args["fund"].strip())
        if org is not None and fund.organisation_id != org.id:
            raise NotFound()
    return org, fund, since, until


def _name(stem: str, org, fund, since, until, ext: str) -> str:
    parts = [stem]
    if fund is not None:
        parts.append(f"fund-{fund.public_code}")
    elif org is not None:
        parts.append(f"org-{org.id}")
    if since or until:
        parts.append(f"{since or 'start'}-to-{until or 'now'}")
    return "_".join(parts) + "." + ext


def _download(stream, mimetype: str, stem: str, ext: str) -> Response:
    """Stream `stream(org=, fund=, since=, until=)` for the scope in the query as an attachment, or say
    in a 400 what is wrong with the dates."""
    try:
        org, fund, since, until = _args()
    except BadRange as error:
        response = jsonify({"error": {"status": 400, "code": "bad_request", "message": str(error), "fields": {}}})
        response.status_code = 400
        return response
    body = stream(org=org, fund=fund, since=since, until=until)
    response = Response(stream_with_context(body), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{_name(stem, org, fund, since, until, ext)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/")
def index():
    """Explain the downloads, with a form to pick a scope and dates."""
    return render_template("transparency/opendata.html", args=request.args)


@bp.get("/ledger.csv")
def ledger_csv():
    """Download the public ledger lines as CSV (one row per posting)."""
    return _download(partial(opendata.stream_lines, "csv"), "text/csv; charset=utf-8", "goodhours-ledger", "csv")


@bp.get("/ledger.json")
def ledger_json():
    """Download the public ledger lines as JSON, with hashes and totals to re-check."""
    return _download(partial(opendata.stream_lines, "json"), "application/json", "goodhours-ledger", "json")


@bp.get("/360giving.json")
def giving360():
    """Download paid disbursements as a 360Giving data package."""
    return _download(grants.stream_package, "application/json", "goodhours-360giving", "json")
