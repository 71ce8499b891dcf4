"""Activity pages: browse, publish, sign up or cancel, and the coordinator's page with the
rotating QR codes, attendance by hand and the review of hours."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from config import settings
from marketplace.api.pagination import paginate_by_time
from marketplace.auth.forms import EmptyForm
from marketplace.orgs.forms import district_choices
from marketplace.orgs.policy import can
from marketplace.orgs.service import organisation_for
from marketplace.platform.errors import DomainError
from marketplace.platform.extensions import db
from marketplace.platform.ids import id_arg
from marketplace.platform.links import site_url
from marketplace.timebank.activities import service
from marketplace.timebank.forms import (
    ActivityForm,
    ManualAttendanceForm,
    ReverseForm,
    ReviewForm,
    category_choices,
    to_utc,
)
from marketplace.timebank.labels import CATEGORIES
from marketplace.timebank.models import Activity, Attendance, Signup, SignupStatus
from marketplace.web.flash import flash_errors
from marketplace.web.forms import apply_errors, save_or_show, submit_and_return
from marketplace.web.qr import qr_svg
from marketplace.web.redirects import same_site_path

bp = Blueprint("timebank", __name__, url_prefix="/timebank")


@bp.app_template_global()
def category_label(category: str) -> str:
    return CATEGORIES(category)


@bp.route("/")
def index():
    """Browse upcoming activities by district, category, date and words."""
    district_id = id_arg("district")
    category = request.args.get("category") or None
    day = _date_arg("date")
    q = (request.args.get("q") or "").strip()[:100]
    stmt = service.browse(district_id=district_id, category=category, text=q,
                          on_or_after=to_utc(day), before=to_utc(day + timedelta(days=1)) if day else None)
    try:
        page = paginate_by_time(stmt, Activity.starts_at, Activity.id, request.args.get("cursor"), 20)
    except DomainError:
        abort(400)
    return render_template("timebank/index.html", page=page, districts=district_choices(),
                           categories=category_choices(), district_id=district_id, category=category,
                           day=day, q=q, signup_open=service.signup_is_open)


def _date_arg(name: str) -> datetime | None:
    """Read a day from the query string; one that is not a date in 2000–2999 reads as absent."""
    try:
        day = datetime.strptime(request.args.get(name, ""), "%Y-%m-%d")
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2999 else None


@bp.route("/orgs/<int:org_id>/activities/new", methods=["GET", "POST"])
@login_required
def new_activity(org_id):
    """Publish an activity for the organisation."""
    org = organisation_for(g.user, "org.run_activities", org_id)
    form = ActivityForm()
    form.district_id.choices = district_choices()
    form.signup_cutoff_at.description = _(
        "Volunteers see this; they can sign up or give up their place until then. Left empty, sign-up closes "
        "%(n)d hours before the start.", n=settings.TIMEBANK_SIGNUP_CUTOFF_HOURS)
    return save_or_show(
        form, lambda: service.create_activity(
            g.user, org, title=form.title.data, description=form.description.data or "",
            category=form.category.data, district_id=form.district_id.data, address=form.address.data or "",
            starts_at=to_utc(form.starts_at.data), ends_at=to_utc(form.ends_at.data),
            capacity=form.capacity.data, skills=form.skills.data or "",
            signup_cutoff_at=to_utc(form.signup_cutoff_at.data)),
        _("The activity is published."), lambda activity: url_for("timebank.manage", activity_id=activity.id),
        "timebank/activity_form.html", org=org)


@bp.route("/activities/<int:activity_id>")
def activity(activity_id):
    """Show an activity and the volunteer's place in it."""
    activity = service.get_activity(activity_id)
    mine = None
    if g.user is not None:
        mine = db.session.scalar(select(Signup).where(Signup.activity_id == activity.id,
                                                      Signup.user_id == g.user.id))
    return render_template("timebank/activity.html", activity=activity, mine=mine, button=EmptyForm(),
                           signup_open=service.signup_is_open(activity),
                           may_manage=can(g.user, "org.run_activities", activity.organisation))


@bp.post("/activities/<int:activity_id>/signup")
@login_required
def sign_up(activity_id):
    """Take a place (or join the waitlist)."""
    try:
        signup = service.sign_up(activity_id, g.user)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(_("You are signed up.") if signup.status == SignupStatus.CONFIRMED
              else _("The activity is full: you are on the waitlist and will be told if a place frees up."),
              "success")
    return redirect(url_for("timebank.activity", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/cancel")
@login_required
def cancel(activity_id):
    """Give up a place."""
    try:
        service.cancel_signup(activity_id, g.user)
    except DomainError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Your place is cancelled."), "success")
    # the personal home's cancel button comes back to it; the activity page's to the activity
    return redirect(same_site_path(request.args.get("next")) or url_for("timebank.activity", activity_id=activity_id))


@bp.route("/activities/<int:activity_id>/manage")
@login_required
def manage(activity_id):
    """The coordinator's page: QR codes, volunteers, attendance and review."""
    activity = _managed(activity_id)
    return render_template("timebank/manage.html", manual=ManualAttendanceForm(),
                           refresh=settings.TIMEBANK_SCAN_ROTATE_SECONDS, **_live(activity))


@bp.route("/activities/<int:activity_id>/manage/live")
@login_required
def manage_live(activity_id):
    """The changing part of the coordinator's page alone (fresh QR codes and lists), for static/js/refresh.js."""
    return render_template("timebank/_manage_live.html", **_live(_managed(activity_id)))


def _live(activity: Activity) -> dict:
    codes = {direction: _qr(site_url("timebank.scan", token=service.scan_token(activity, direction)))
             for direction in service.SCAN_DIRECTIONS}
    attendances = db.session.scalars(select(Attendance).where(Attendance.activity_id == activity.id)
                                     .order_by(Attendance.id)).all()
    return {"activity": activity, "codes": codes, "signups": service.signups(activity), "attendances": attendances,
            "minutes_earned": service.minutes_earned, "review": ReviewForm(), "reverse": ReverseForm()}


def _managed(activity_id) -> Activity:
    activity = service.get_activity(activity_id)
    if not can(g.user, "org.run_activities", activity.organisation):
        abort(404)
    return activity


def _qr(url: str) -> dict:
    return {"url": url, "svg": qr_svg(url, scale=5)}


@bp.post("/activities/<int:activity_id>/attendance")
@login_required
def record_attendance(activity_id):
    """Record attendance by hand for a volunteer without a phone."""
    activity = _managed(activity_id)
    form = ManualAttendanceForm()
    if form.validate_on_submit():
        try:
            service.record_by_hand(g.user, activity.id, form.email.data, to_utc(form.checked_in_at.data),
                                   to_utc(form.checked_out_at.data), form.reason.data)
        except DomainError as error:
            apply_errors(form, error)
        else:
            flash(_("Attendance recorded."), "success")
            return redirect(url_for("timebank.manage", activity_id=activity.id))
    flash_errors(form.errors)
    return redirect(url_for("timebank.manage", activity_id=activity.id))


@bp.post("/attendances/<int:attendance_id>/approve")
@login_required
def approve(attendance_id):
    """Approve an attendance, or adjust its minutes with a note."""
    return _review(attendance_id, ReviewForm(), lambda a, form: service.approve_attendance(
        a.id, g.user, form.minutes.data, form.note.data or ""))


@bp.post("/attendances/<int:attendance_id>/reject")
@login_required
def reject(attendance_id):
    """Reject an attendance with a reason."""
    return _review(attendance_id, ReviewForm(),
                   lambda a, form: service.reject_attendance(a.id, g.user, form.note.data or ""))


@bp.post("/attendances/<int:attendance_id>/reverse")
@login_required
def reverse(attendance_id):
    """Take back approved minutes with a reversing entry."""
    return _review(attendance_id, ReverseForm(),
                   lambda a, form: service.reverse_attendance(a.id, g.user, form.reason.data))


def _review(attendance_id, form, act):
    attendance = db.session.get(Attendance, attendance_id)
    if attendance is None or not can(g.user, "org.approve_hours", attendance.activity.organisation):
        abort(404)
    return submit_and_return(form, lambda f: act(attendance, f),
                             url_for("timebank.manage", activity_id=attendance.activity_id))
