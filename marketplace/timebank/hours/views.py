"""A volunteer's hours: scanning in and out, saved hours and history, gifts to family, and
offline reports with their review."""
from __future__ import annotations

import io
import secrets

from flask import abort, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import fresh_login_required, login_required

from marketplace.auth.forms import EmptyForm
from marketplace.orgs.policy import can
from marketplace.orgs.service import organisation_for
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.platform.i18n import hours
from marketplace.timebank.activities import service
from marketplace.timebank.activities.views import bp
from marketplace.timebank.forms import GiveHoursForm, HourReportForm, ReverseForm, ReviewForm
from marketplace.timebank.hours import reports, savings
from marketplace.timebank.models import HourReport
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
                           badges=savings.badges(g.user, summary), reports=reports.reports_of(g.user))


@bp.route("/give", methods=["GET", "POST"])
@fresh_login_required
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


@bp.route("/hour-reports/new", methods=["GET", "POST"])
@login_required
def new_report():
    """Report hours served offline, with evidence."""
    form = HourReportForm()
    orgs = [m.organisation for m in g.user.memberships]
    form.organisation_id.choices = name_choices(orgs)
    if request.method == "POST" and form.validate():
        try:
            reports.submit_report(g.user, form.organisation_id.data, form.served_on.data, form.minutes.data,
                                form.description.data, request.files.get("evidence"))
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Your report is sent to the organisation's coordinators."), "success")
            return redirect(url_for("timebank.my_hours"))
    return render_template("timebank/hour_report_form.html", form=form, orgs=orgs), 422 if form.errors else 200


@bp.route("/orgs/<int:org_id>/hour-reports")
@login_required
def org_reports(org_id):
    """List reports waiting for review."""
    org = organisation_for(g.user, "org.approve_hours", org_id)
    return render_template("timebank/org_hour_reports.html", org=org, reports=reports.pending_reports(org, g.user),
                           review=ReviewForm(), reverse=ReverseForm())


@bp.post("/hour-reports/<int:report_id>/approve")
@login_required
def approve_report(report_id):
    """Credit a report's minutes."""
    return _review_report(report_id, ReviewForm(), lambda form: reports.approve_report(
        report_id, g.user, form.note.data or ""))


@bp.post("/hour-reports/<int:report_id>/reject")
@login_required
def reject_report(report_id):
    """Refuse a report with a reason."""
    return _review_report(report_id, ReviewForm(), lambda form: reports.reject_report(
        report_id, g.user, form.note.data or ""))


@bp.post("/hour-reports/<int:report_id>/reverse")
@login_required
def reverse_report(report_id):
    """Take back an approved report's minutes."""
    return _review_report(report_id, ReverseForm(), lambda form: reports.reverse_report(
        report_id, g.user, form.reason.data))


def _review_report(report_id, form, act):
    report = db.session.get(HourReport, report_id)
    if report is None or not can(g.user, "org.approve_hours", report.organisation):
        abort(404)
    return submit_and_return(form, act, url_for("timebank.org_reports", org_id=report.organisation_id))


@bp.route("/hour-reports/<int:report_id>/evidence")
@login_required
def report_evidence(report_id):
    """Download a report's evidence (its volunteer and reviewers only)."""
    path, content_type = reports.evidence_for(report_id, g.user)
    # Files are at most a few MB: read them whole rather than hold a file open for the response.
    return send_file(io.BytesIO(path.read_bytes()), mimetype=content_type, as_attachment=True,
                     download_name=f"report-{report_id}-evidence{path.suffix}")
