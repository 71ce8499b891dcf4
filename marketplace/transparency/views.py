"""Public accounts pages under /transparency/: no login, no personal data."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.funds import service as funds
from marketplace.funds.models import Fund
from marketplace.orgs.models import District
from marketplace.orgs.service import get_organisation
from marketplace.platform.extensions import db
from marketplace.transparency import lines, overview
from marketplace.transparency.score import percent, score
from marketplace.web.http_cache import Version, public_cache
from marketplace.web.names import district_name
from marketplace.wishes.models import Listing
from marketplace.wishes.service import public_listing

bp = Blueprint("transparency", __name__, url_prefix="/transparency")


@bp.app_template_global()
def score_percent(part: int, whole: int):
    return percent(part, whole)


def _cursor() -> str | None:
    return request.args.get("after") or None


def _with_households(stmt):
    return stmt.options(selectinload(Fund.listing).selectinload(Listing.beneficiary))


def platform_version() -> Version:
    """The platform's figures change when they are computed afresh: their time is the version."""
    _figures, as_of = overview.platform()
    return Version((as_of.timestamp(),), as_of)


def _org_version(org_id: int) -> Version:
    org = get_organisation(org_id)
    account_of = overview.fund_accounts(db.session.scalars(funds.funds_of(org)).all())
    newest = overview.newest_line(list(account_of.values()))
    _monthly, as_of = overview.org_monthly(org, list(account_of.values()), newest)
    _score, score_as_of = score(org)
    return Version((org.id, newest, sorted(account_of.items()), as_of.timestamp(), score_as_of.timestamp()),
                   max(as_of, score_as_of))


def _fund_now(fund_code: str) -> tuple[Fund, int, int]:
    """Return the fund, its account id and its newest line's id, read once a request (version, then page)."""
    if "fund_now" not in g:
        found = funds.fund_by_code(fund_code)
        account_id = funds.fund_account(found).id
        g.fund_now = (found, account_id, overview.newest_line([account_id]))
    return g.fund_now


def _fund_version(fund_code: str) -> Version:
    found, _account_id, newest = _fund_now(fund_code)
    _figures, as_of = overview.fund_figures(found, newest)
    return Version((found.id, newest, as_of.timestamp()), as_of)


@bp.route("/", endpoint="overview")
@public_cache(platform_version)
def overview_page():
    """Show the platform's money, hours and wishes by fund kind, district and month."""
    figures, as_of = overview.platform()
    orgs = db.session.scalars(overview.organisations_with_funds()).all()
    districts = {str(d.id): d for d in db.session.scalars(select(District).order_by(District.sort_order, District.id))}
    hours_chart = {"type": "bar", "divisor": 60, "labels": [district_name(d) for d in districts.values()],
                   "datasets": [{"label": _("Hours served"), "data": [
                       figures["by_district"].get(key, {}).get("minutes", 0) for key in districts]}]}
    return render_template("transparency/overview.html", figures=figures, as_of=as_of, orgs=orgs,
                           districts=districts, hours_chart=hours_chart)


@bp.route("/orgs/<int:org_id>")
@public_cache(_org_version)
def organisation(org_id):
    """Show an organisation's funds, balances, transactions, charts and transparency score."""
    org = get_organisation(org_id)
    fund_list = db.session.scalars(_with_households(funds.funds_of(org))).all()
    account_of = overview.fund_accounts(fund_list)
    page = lines.page_of(fund_list, account_of, _cursor())
    monthly, as_of = overview.org_monthly(org, list(account_of.values()))
    figures, score_as_of = score(org)
    return render_template("transparency/organisation.html", org=org, funds=fund_list, account_of=account_of,
                           balances=overview.balances(list(account_of.values())), page=page, monthly=monthly,
                           as_of=min(as_of, score_as_of), score=figures)


@bp.route("/funds/<fund_code>")
@public_cache(_fund_version)
def fund(fund_code):
    """Show a fund's purpose, totals, monthly chart and every transaction of its account."""
    found, account_id, newest = _fund_now(fund_code)
    page = lines.page_of([found], {found.id: account_id}, _cursor())
    figures, as_of = overview.fund_figures(found, newest)
    return render_template("transparency/fund.html", fund=found, figures=figures, totals=figures["totals"],
                           monthly=figures["monthly"], as_of=as_of, page=page)


@bp.route("/wishes/<listing_code>")
def listing(listing_code):
    """Show what was given and paid for a public wish or household need, by pseudonym only."""
    found = public_listing(listing_code)
    restricted = funds.fund_of(found)
    page, figures, as_of = lines.LinesPage(), None, None
    if restricted is not None:
        page = lines.page_of([restricted], {restricted.id: funds.fund_account(restricted).id}, _cursor())
        figures, as_of = overview.fund_figures(restricted)
    elif _cursor():
        lines.read_cursor(_cursor())
    return render_template("transparency/listing.html", listing=found, fund=restricted, figures=figures,
                           as_of=as_of, page=page, money=overview.listing_money(found))
