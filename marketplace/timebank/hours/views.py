"""A volunteer's hours: scanning in and out, saved hours and history, gifts to family, and
offline claims with their review."""
from __future__ import annotations

import io
import secrets

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _

from marketplace.auth.forms import EmptyForm
from marketplace.auth.session import login_required
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import can
from marketplace.orgs.service import get_organisation
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.platform.i18n import hours
from marketplace.timebank.activities import service
from marketplace.timebank.activities.views import bp
from marketplace.timebank.forms import ClaimForm, GiveHoursForm, ReverseForm, ReviewForm
from marketplace.timebank.hours import claims, savings
from marketplace.timebank.models import HourClaim
from marketplace.web.forms import apply_errors, submit_and_return
from marketplace.web.names import name_choices


@bp.route("/scan/<token>", methods=["GET", "POST"])
@login_required
def scan(token):
    """Check in or out from a scanned QR code (the page asks before it records)."""
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            attendance = service.scan(token, g.user)
        except DomainError as error:
            return render_template("timebank/scan.html", token=token, form=form, error=error.message), error.status
        flash(_("Checked out. Thank you for serving!") if attendance.checked_out_at
              else _("Checked in. Welcome!"), "success")
        return redirect(url_for("timebank.activity", activity_id=attendance.activity_id))
    return render_template("timebank/scan.html", token=token, form=form, error=None)


@bp.route("/my")
@login_required
def my_hours():
    """Show saved and held hours, the star level, history with running balance and monthly totals."""
    try:
        page = savings.history(g.user, cursor=request.args.get("cursor"))
    except DomainError:
        abort(400)
    months = savings.monthly_minutes(g.user)
    peak = max([max(i, o) for _, i, o in months] or [1]) or 1
    summary = savings.savings(g.user)
    return render_template("timebank/my_hours.html", summary=summary, page=page, months=months, peak=peak,
                           badges=savings.badges(g.user, summary), claims=claims.claims_of(g.user))


@bp.route("/give", methods=["GET", "POST"])
@login_required
def give():
    """Give saved hours to a family member, after a confirmation step."""
    form = GiveHoursForm()
    key = request.form.get("key") or secrets.token_urlsafe(16)
    if form.validate_on_submit():
        if request.form.get("confirmed") != "1":
            return render_template("timebank/give_confirm.html", form=form, key=key)
        try:
            savings.give_hours(g.user, form.email.data, form.minutes.data, key=key)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("You gave %(hours)s to %(email)s.", hours=hours(form.minutes.data), email=form.email.data),
                  "success")
            return redirect(url_for("timebank.my_hours"))
    return render_template("timebank/give.html", form=form, key=key,
                           available=savings.savings(g.user).available), 422 if form.errors else 200


@bp.route("/claims/new", methods=["GET", "POST"])
@login_required
def new_claim():
    """Claim hours served offline, with evidence."""
    form = ClaimForm()
    orgs = [m.organisation for m in g.user.memberships]
    form.organisation_id.choices = name_choices(orgs)
    if request.method == "POST" and form.validate():
        try:
            claims.submit_claim(g.user, form.organisation_id.data, form.served_on.data, form.minutes.data,
                                form.description.data, request.files.get("evidence"))
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Your claim is sent to the organisation's coordinators."), "success")
            return redirect(url_for("timebank.my_hours"))
    return render_template("timebank/claim_form.html", form=form, orgs=orgs), 422 if form.errors else 200


@bp.route("/orgs/<int:org_id>/claims")
@login_required
def org_claims(org_id):
    """List claims waiting for review."""
    org = _reviewer_of(org_id)
    return render_template("timebank/org_claims.html", org=org, claims=claims.pending_claims(org, g.user),
                           review=ReviewForm(), reverse=ReverseForm())


def _reviewer_of(org_id) -> Organisation:
    org = get_organisation(org_id)
    if not can(g.user, "org.approve_hours", org):
        abort(404)
    return org


@bp.post("/claims/<int:claim_id>/approve")
@login_required
def approve_claim(claim_id):
    """Credit a claim's minutes."""
    return _review_claim(claim_id, ReviewForm(), lambda form: claims.approve_claim(
        claim_id, g.user, form.note.data or ""))


@bp.post("/claims/<int:claim_id>/reject")
@login_required
def reject_claim(claim_id):
    """Refuse a claim with a reason."""
    return _review_claim(claim_id, ReviewForm(), lambda form: claims.reject_claim(
        claim_id, g.user, form.note.data or ""))


@bp.post("/claims/<int:claim_id>/reverse")
@login_required
def reverse_claim(claim_id):
    """Take back an approved claim's minutes."""
    return _review_claim(claim_id, ReverseForm(), lambda form: claims.reverse_claim(
        claim_id, g.user, form.reason.data))


def _review_claim(claim_id, form, act):
    claim = db.session.get(HourClaim, claim_id)
    if claim is None or not can(g.user, "org.approve_hours", claim.organisation):
        abort(404)
    return submit_and_return(form, act, url_for("timebank.org_claims", org_id=claim.organisation_id))


@bp.route("/claims/<int:claim_id>/evidence")
@login_required
def claim_evidence(claim_id):
    """Download a claim's evidence (its volunteer and reviewers only)."""
    path, content_type = claims.evidence_for(claim_id, g.user)
    # Files are at most a few MB: read them whole rather than hold a file open for the response.
    return send_file(io.BytesIO(path.read_bytes()), mimetype=content_type, as_attachment=True,
                     download_name=f"claim-{claim_id}-evidence{path.suffix}")
