"""The lights board (households red first, counts per community and organisation), the escalations list,
the figures dashboard and the public figures by district."""
from __future__ import annotations

from flask import g, render_template, request
from flask_login import login_required

from config import settings
from marketplace.orgs.forms import district_choices
from marketplace.orgs.models import Community, Organisation
from marketplace.orgs.service import districts
from marketplace.platform.ids import id_arg
from marketplace.platform.timeutil import local_today
from marketplace.referrals import escalation, figures, labels, lights
from marketplace.referrals.views import bp
from marketplace.web.dates import parse_day
from marketplace.web.names import local_name
from marketplace.wishes.staff_forms import light_choices, page_arg


def _filters() -> dict:
    """Read the board's filters; values that are not ids, categories or lights read as absent."""
    category, light = request.args.get("category"), request.args.get("light")
    return {"district_id": id_arg("district"), "community_id": id_arg("community"),
            "organisation_id": id_arg("organisation"),
            "category": category if category in labels.CATEGORIES else None,
            "light": light if light in lights.LIGHTS else None}


@bp.route("/board")
@login_required
def board():
    """Show the lights board: counts per community and organisation, then households red first."""
    lights.require_board(g.user)
    filters, page = _filters(), page_arg()
    clock = lights.Clock.read()
    rows = lights.board(g.user, clock=clock, **filters, offset=(page - 1) * lights.BOARD_PAGE,
                        limit=lights.BOARD_PAGE + 1)
    counted = lights.tallies(g.user, ("community", "organisation"), clock, **filters)
    by_community, by_org = counted["community"], counted["organisation"]
    handling = lights.handlers(g.user, filters["district_id"])
    # households without a community come last (None does not sort among ids)
    by_community = dict(sorted(by_community.items(), key=lambda row: (row[0] is None, row[0] or 0)))
    query = {name: value for name, value in {
        "district": filters["district_id"], "community": filters["community_id"],
        "organisation": filters["organisation_id"], "category": filters["category"],
        "light": filters["light"]}.items() if value}
    return render_template(
        "referrals/board.html", rows=[(care, shade, name, lights.why(care, clock))
                                      for care, shade, name in rows[:lights.BOARD_PAGE]],
        has_next=len(rows) > lights.BOARD_PAGE, page=page, filters=filters, query=query,
        by_community=by_community, by_org=by_org, handling=sorted(handling),
        org_lights=lights.organisation_lights(set(by_org) | handling, clock),
        community_names=lights.names(Community, by_community),
        org_names=lights.names(Organisation, set(by_org) | handling),
        districts=district_choices(), communities=lights.communities_for(g.user),
        organisations=lights.organisations_for(g.user), categories=labels.CATEGORIES.choices(),
        light_choices=light_choices(), area_light=lights.area_light,
        category_names=labels.CATEGORIES, local_name=local_name, config_yellow_days=settings.REFERRALS_YELLOW_DAYS)


@bp.route("/escalations")
@login_required
def escalations():
    """List the escalated referrals still running in the households the user's board shows."""
    lights.require_board(g.user)
    clock = lights.Clock.read()
    rows = [(referral, name, max(1, (clock.now - referral.due_at).days))
            for referral, name in escalation.escalations(g.user)]
    return render_template("referrals/board_escalations.html", rows=rows,
                           communities=lights.names(Community, {r.community_id for r, _n, _d in rows}),
                           orgs=lights.names(Organisation, {r.organisation_id for r, _n, _d in rows}),
                           need_names=labels.NEED_KINDS, local_name=local_name)


def _period(default: tuple) -> tuple[dict, dict]:
    """Read start and end from the query string (`default` when neither is given)."""
    start_text, end_text = request.args.get("start"), request.args.get("end")
    if not start_text and not end_text:
        start, end = default
        return {"start": start, "end": end}, {}
    start, end = parse_day(start_text), parse_day(end_text)
    errors = figures.check_period(start, end)
    return {"start": start, "end": end, "start_text": start_text or "", "end_text": end_text or ""}, errors


@bp.route("/dashboard")
@login_required
def dashboard():
    """Show the figures for a period and district over the households the user's board shows."""
    lights.require_board(g.user)
    period, errors = _period(figures.default_period())
    district_id = id_arg("district")
    if errors:
        return render_template("referrals/dashboard.html", period=period, errors=errors, district_id=district_id,
                               districts=district_choices(), total=None, per={}, names={}), 422
    total, per = figures.dashboard(g.user, period["start"], period["end"], district_id)
    return render_template("referrals/dashboard.html", period=period, errors={}, district_id=district_id,
                           districts=district_choices(), total=total, per=per,
                           names={d.id: d for d in districts(active_only=False)})


@bp.route("/figures")
def public_figures():
    """Show the public figures of referrals and visits by district, small counts hidden; no login needed."""
    today = local_today()
    this_year = (today.replace(month=1, day=1), today)
    period, errors = _period(this_year)
    if errors:
        period = {"start": this_year[0], "end": this_year[1], "start_text": period.get("start_text", ""),
                  "end_text": period.get("end_text", "")}
    return render_template("referrals/public_figures.html", period=period, errors=errors,
                           shown=figures.public(period["start"], period["end"]), districts=districts(),
                           least=settings.REFERRALS_KEEP_PUBLIC_MIN), 422 if errors else 200
