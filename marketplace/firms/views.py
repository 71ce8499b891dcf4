"""Firms' pages: a firm's standing for its members (money given, hours, points, badge), the public
opt-in leaderboard of firms, and the admins' choice to appear on it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from sqlalchemy import select

from marketplace.auth.forms import EmptyForm
from marketplace.firms import service
from marketplace.orgs.policy import can
from marketplace.payments.models import Donation
from marketplace.platform.extensions import db
from marketplace.platform.labels import Labels
from marketplace.web.flash import flash_errors

bp = Blueprint("firms", __name__, url_prefix="/firms")

BADGE_NAMES = Labels("firm_badge", {"gold": _l("Gold caring firm"), "silver": _l("Silver caring firm"),
                                    "bronze": _l("Bronze caring firm")})
RECENT = 20


@bp.app_template_global()
def firm_badge(level: str | None) -> str:
    """Return the name of a "爱心企业" badge level."""
    return BADGE_NAMES(level) if level in BADGE_NAMES else ""


@bp.route("/leaderboard")
def leaderboard():
    """The public leaderboard of firms that chose to appear, by points this month or this year."""
    period = request.args.get("period")
    period = period if period in service.PERIODS else "month"
    return render_template("firms/leaderboard.html", rows=service.leaderboard(period), period=period)


@bp.route("/<int:firm_id>")
@login_required
def show(firm_id):
    """A firm's standing for its members: money given, hours served, points and badge."""
    firm = service.get_firm(g.user, firm_id)
    recent = db.session.scalars(select(Donation).where(Donation.organisation_id == firm.id,
                                                       Donation.receipt_no.is_not(None))
                                .order_by(Donation.id.desc()).limit(RECENT)).all()
    return render_template(
        "firms/show.html", firm=firm, ever=service.standing(firm), month=service.standing(firm, "month"),
        year=service.standing(firm, "year"), recent=recent, on_board=service.is_on_leaderboard(firm),
        meals_public=service.is_meals_public(firm),
        may_choose=can(g.user, "org.edit", firm), button=EmptyForm(),
        thresholds={level: service.badge_points(level) for level in service.BADGES})


def _choose(firm_id, setter, said_on, said_off):
    """Record one of the firm's public choices from its page's button (`on` is 0 or 1)."""
    firm = service.get_firm(g.user, firm_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        flash_errors(form.errors)
    elif request.form.get("on") not in ("0", "1"):
        abort(400)
    else:
        on = request.form.get("on") == "1"
        setter(g.user, firm, on)
        flash(said_on if on else said_off, "success")
    return redirect(url_for("firms.show", firm_id=firm.id))


@bp.post("/<int:firm_id>/leaderboard")
@login_required
def leaderboard_choice(firm_id):
    """Choose whether the firm appears on the public leaderboard (the firm's admins)."""
    return _choose(firm_id, service.set_leaderboard, _("The firm now appears on the leaderboard."),
                   _("The firm no longer appears on the leaderboard."))


@bp.post("/<int:firm_id>/meals-public")
@login_required
def meals_public_choice(firm_id):
    """Choose whether the public meal figures name the firm (the firm's admins)."""
    return _choose(firm_id, service.set_meals_public, _("The meal figures now name the firm."),
                   _("The meal figures no longer name the firm."))
