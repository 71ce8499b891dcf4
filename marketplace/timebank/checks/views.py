"""Spot-check pages for staff, and the public opt-in leaderboard of volunteers."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from marketplace.auth.service import public_name
from marketplace.orgs.forms import district_choices
from marketplace.orgs.service import organisation_for
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.platform.ids import id_arg
from marketplace.timebank.activities.views import bp
from marketplace.timebank.checks import leaderboard as board
from marketplace.timebank.checks import service as spot_checks
from marketplace.timebank.checks.models import SpotCheckItem
from marketplace.timebank.forms import SpotCheckForm, SpotCheckMarkForm
from marketplace.timebank.models import Attendance, HourReport
from marketplace.web.forms import apply_errors, submit_and_return


@bp.route("/orgs/<int:org_id>/spot-checks", methods=["GET", "POST"])
@login_required
def spot_checks_index(org_id):
    """Past spot checks with their results, and a form to draw a new sample."""
    org = organisation_for(g.user, "org.spot_check", org_id)
    form = SpotCheckForm()
    if form.validate_on_submit():
        try:
            check = spot_checks.draw(g.user, org, form.period_start.data, form.period_end.data, form.size.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            return redirect(url_for("timebank.spot_check", check_id=check.id))
    return render_template("timebank/spot_checks.html", org=org, form=form,
                           report=spot_checks.report(org, g.user)), 422 if form.errors else 200


@bp.route("/spot-checks/<int:check_id>")
@login_required
def spot_check(check_id):
    """The sampled hours, each to confirm or dispute."""
    check = spot_checks.get_check(check_id, g.user)
    rows = [(item, db.session.get(Attendance, item.attendance_id) if item.attendance_id else None,
             db.session.get(HourReport, item.report_id) if item.report_id else None)
            for item in spot_checks.items(check)]
    return render_template("timebank/spot_check.html", check=check, rows=rows, form=SpotCheckMarkForm())


@bp.post("/spot-check-items/<int:item_id>")
@login_required
def mark_spot_check_item(item_id):
    """Record the outcome of checking one sampled item."""
    item = db.session.get(SpotCheckItem, item_id)
    if item is None:
        abort(404)
    spot_checks.get_check(item.spot_check_id, g.user)
    return submit_and_return(
        SpotCheckMarkForm(),
        lambda form: spot_checks.mark(g.user, item.id, form.outcome.data, form.note.data or "", form.reverse.data),
        url_for("timebank.spot_check", check_id=item.spot_check_id))


@bp.route("/leaderboard")
def leaderboard():
    """Volunteers who chose to appear, by hours of service this month or this year."""
    period = "year" if request.args.get("period") == "year" else "month"
    district_id = id_arg("district")
    rows = [(public_name(user), minutes) for user, minutes in board.ranking(period, district_id)]
    on = g.user is not None and board.is_on_leaderboard(g.user)
    return render_template("timebank/leaderboard.html", rows=rows, period=period, district_id=district_id,
                           districts=district_choices(), on=on)


@bp.post("/leaderboard/choice")
@login_required
def leaderboard_choice():
    """Appear on the leaderboard, or stop appearing."""
    choice = {"1": True, "0": False}.get(request.form.get("on", ""))
    if choice is None:
        abort(400)
    board.set_leaderboard(g.user, choice)
    flash(_("You appear on the leaderboard.") if choice else _("You no longer appear on the leaderboard."),
          "success")
    return redirect(url_for("timebank.leaderboard"))
