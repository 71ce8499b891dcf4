"""Platform administration: districts and organisations waiting for verification."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import fresh_login_required, login_required

from marketplace.auth.forms import EmptyForm
from marketplace.orgs import service as org_service
from marketplace.orgs.forms import DistrictForm
from marketplace.orgs.models import District, Organisation
from marketplace.orgs.policy import require
from marketplace.payments import payouts
from marketplace.payments.forms import PayoutForm
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.web.forms import apply_errors

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def _platform_admins_only():
    """Only platform admins see these pages."""
    require(g.user, "admin.access")


@bp.route("/")
def index():
    """Show organisations waiting for verification and the district list."""
    pending = db.session.scalars(
        db.select(Organisation).where(Organisation.is_verified.is_(False)).order_by(Organisation.id)
    ).all()
    return render_template("admin/index.html", pending=pending,
                           districts=org_service.districts(active_only=False),
                           form=DistrictForm(formdata=None), payout_form=PayoutForm(formdata=None), button=EmptyForm())


@bp.route("/payouts", methods=["POST"])
@fresh_login_required
def payout():
    """Record a Stripe payout to the platform's bank account."""
    form = PayoutForm()
    if form.validate_on_submit():
        try:
            payouts.record_payout(g.user, form.payout_id.data.strip(), form.amount.data)
        except DomainError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            for messages in error.fields.values():
                for message in messages:
                    flash(str(message), "error")
        else:
            flash(_("The payout is recorded."), "success")
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "error")
    return redirect(url_for("admin.index"))


@bp.route("/districts/new", methods=["POST"])
@bp.route("/districts/<int:district_id>", methods=["GET", "POST"])
def district(district_id=None):
    """Add or edit a district."""
    current = db.get_or_404(District, district_id) if district_id is not None else None
    form = DistrictForm(obj=current)
    if form.validate_on_submit():
        try:
            org_service.save_district(g.user, form.code.data, form.name_zh.data, form.name_en.data,
                                      form.sort_order.data or 0, form.is_active.data, district_id)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("admin.index"))
    return render_template("admin/district.html", form=form, district=current), \
        422 if form.errors else 200
