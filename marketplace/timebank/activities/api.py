"""API: time-bank activities, sign-ups, check-in by scanned token, and the review of attendance."""
from __future__ import annotations

from datetime import date, datetime

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.api.base import api_blueprint, token_route
from marketplace.api.pagination import paginate_by_time
from marketplace.auth.models import User
from marketplace.orgs.policy import require
from marketplace.orgs.service import get_organisation
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import day_start
from marketplace.timebank.activities import service
from marketplace.timebank.models import Activity, Attendance
from marketplace.timebank.schemas import (
    ActivityPageSchema,
    ActivityQuerySchema,
    ActivitySchema,
    ApproveSchema,
    AttendanceSchema,
    CheckinSchema,
    MyAttendanceSchema,
    RejectSchema,
    ReverseSchema,
    SignupSchema,
)

blp = api_blueprint("activities", __name__, url_prefix="/api/v1",
                    description="Time bank: activities, sign-ups, check-in and the review of attendance")


@blp.route("/activities")
@blp.arguments(ActivityQuerySchema, location="query")
@blp.response(200, ActivityPageSchema)
def list_activities(args):
    """List activities not yet over, filtered by district, category, day and words; cursor-paginated."""
    day = args["date"]
    stmt = service.browse(district_id=args["district"], category=args["category"], text=args["q"],
                          on_or_after=_local_midnight(day), before=_local_midnight(day, 1))
    return paginate_by_time(stmt, Activity.starts_at, Activity.id, args["cursor"], args["limit"])


@blp.route("/activities/<int:activity_id>")
@blp.response(200, ActivitySchema)
def get_activity(activity_id):
    """Return one activity, with the places taken and left (never who took them)."""
    return service.get_activity(activity_id)


@token_route(blp, "/orgs/<int:org_id>/activities",
             methods=("POST",), body=ActivitySchema, code=201, response=ActivitySchema)
def create_activity(data, org_id):
    """Publish an activity of the organisation (its coordinators; read-write token)."""
    return service.create_activity(g.user, get_organisation(org_id), **data)


@token_route(blp, "/activities/<int:activity_id>/signup", methods=("POST",), response=SignupSchema)
def sign_up(activity_id):
    """Take a place, or a place on the waitlist when the activity is full; repeating changes nothing."""
    return service.sign_up(activity_id, g.user)


@token_route(blp, "/activities/<int:activity_id>/signup", methods=("DELETE",), code=204)
def cancel_signup(activity_id):
    """Give up your place before the sign-up cut-off; the first on the waitlist takes it."""
    service.cancel_signup(activity_id, g.user)


@token_route(blp, "/checkins", methods=("POST",), body=CheckinSchema, response=MyAttendanceSchema)
def check_in(data):
    """Check in or out with the token of the coordinator's rotating QR code (it says which)."""
    return service.scan(data["token"], g.user)


@token_route(blp, "/activities/<int:activity_id>/attendances", response=AttendanceSchema(many=True))
def list_attendances(activity_id):
    """List an activity's attendance with the minutes each earned (its coordinators)."""
    return attendances_of(activity_id, g.user)


@token_route(blp, "/attendances/<int:attendance_id>/approve",
             methods=("POST",), body=ApproveSchema, response=AttendanceSchema)
def approve_attendance(data, attendance_id):
    """Approve an attendance and save its minutes; to grant other minutes, send them with a note.

    Approving twice posts once. Nobody reviews their own hours.
    """
    return service.approve_attendance(attendance_id, g.user, data.get("minutes"), data["note"])


@token_route(blp, "/attendances/<int:attendance_id>/reject",
             methods=("POST",), body=RejectSchema, response=AttendanceSchema)
def reject_attendance(data, attendance_id):
    """Reject a pending attendance, with the reason the volunteer will see."""
    return service.reject_attendance(attendance_id, g.user, data["note"])


@token_route(blp, "/attendances/<int:attendance_id>/reverse",
             methods=("POST",), body=ReverseSchema, response=AttendanceSchema)
def reverse_attendance(data, attendance_id):
    """Take back approved minutes with a reversing ledger entry (corrections are never edits)."""
    return service.reverse_attendance(attendance_id, g.user, data["reason"])


def attendances_of(activity_id, actor: User) -> list[Attendance]:
    """Return an activity's attendances for its coordinators (the service has no such read)."""
    activity = service.get_activity(activity_id)
    require(actor, "org.run_activities", activity.organisation)
    return list(db.session.scalars(select(Attendance).where(Attendance.activity_id == activity.id)
                                   .options(selectinload(Attendance.user)).order_by(Attendance.id)))


def _local_midnight(day: date | None, days_after: int = 0) -> datetime | None:
    """Return the start of a local day (or of a later one) in UTC."""
    return day_start(day, days_after) if day else None
