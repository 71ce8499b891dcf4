"""The staff board: listings by red, yellow and green light, counts per organisation, the
claimants whose claims keep expiring, and the CSV export."""
from __future__ import annotations

from flask import Response, g, render_template, request, stream_with_context, url_for
from flask_login import login_required
from sqlalchemy import select

from marketplace.orgs.forms import district_choices
from marketplace.orgs.models import Organisation, Role
from marketplace.platform.extensions import db
from marketplace.platform.ids import id_arg
from marketplace.platform.timeutil import local_today
from marketplace.wishes import claims, labels, lights
from marketplace.wishes.models import HouseholdCategory
from marketplace.wishes.staff_forms import light_choices, page_arg
from marketplace.wishes.views import bp


def _filters() -> dict:
    """Read the board's filters; values that are not ids, categories or lights read as absent."""
    category = request.args.get("category")
    light = request.args.get("light")
    return {"organisation_id": id_arg("organisation"), "district_id": id_arg("district"),
            "category": category if category in HouseholdCategory.__members__.values() else None,
            "light": light if light in lights.LIGHTS else None}


@bp.route("/board")
@login_required
def board():
    """Show the board of lights over the listings of the organisations the user works for."""
    lights.require_board(g.user)
    filters = _filters()
    page = page_arg()
    rows = lights.board(g.user, **filters, offset=(page - 1) * lights.BOARD_PAGE, limit=lights.BOARD_PAGE + 1)
    counts = lights.counts(g.user, organisation_id=filters["organisation_id"], district_id=filters["district_id"],
                           category=filters["category"])
    orgs = db.session.scalars(select(Organisation).where(Organisation.id.in_(lights.visible_orgs(g.user)))
                              .order_by(Organisation.id)).all()
    names = {org.id: org for org in orgs}
    staff_of = [m.organisation for m in g.user.memberships if m.role_enum.rank >= Role.STAFF.rank]
    expirers = [(org, user, n) for org in staff_of for user, n in claims.repeat_expirers(org.id)]
    query = {name: value for name, value in {
        "organisation": filters["organisation_id"], "district": filters["district_id"],
        "category": filters["category"], "light": filters["light"]}.items() if value}
    return render_template(
        "wishes/board.html", rows=rows[:lights.BOARD_PAGE], has_next=len(rows) > lights.BOARD_PAGE, page=page,
        counts=counts, orgs=orgs, names=names, expirers=expirers, filters=filters, query=query,
        districts=district_choices(), categories=labels.choices(labels.CATEGORIES),
        light_choices=light_choices(), csv_url=url_for("wishes.board_csv", **query))


@bp.route("/board.csv")
@login_required
def board_csv():
    """Download the board (public fields only) as CSV for a spreadsheet."""
    lights.require_board(g.user)  # before the first byte: a refusal must not arrive mid-download
    filters = _filters()
    name = f"wishes-board-{local_today().isoformat()}.csv"
    return Response(stream_with_context(lights.board_csv(g.user, **filters)), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
