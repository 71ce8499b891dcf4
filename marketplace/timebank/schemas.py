"""API schemas for the time bank. Public ones carry no personal data: activity listings never
name a volunteer, and coordinators see a volunteer's display name only, never an email."""
from __future__ import annotations

from datetime import UTC, date, datetime

from flask import url_for
from marshmallow import Schema, fields, validate

from marketplace.api.field_docs import CURSOR, DISTRICT_ID, EMAIL, TIME_RANGE
from marketplace.api.pagination import CursorArgs, page_schema
from marketplace.ledger.statement import MAX_LIMIT
from marketplace.orgs.schemas import DistrictSchema
from marketplace.platform.ids import MAX_ID
from marketplace.platform.timeutil import site_zone
from marketplace.timebank.activities.service import minutes_earned
from marketplace.timebank.hours.savings import MAX_GIFT_MINUTES
from marketplace.timebank.models import Category, ReviewStatus, SignupStatus

CATEGORIES = [c.value for c in Category]
WEEK_MINUTES = 7 * 24 * 60  # an activity lasts at most seven days
Minutes = fields.Integer  # every amount of time is whole minutes
# Days and times outside these years are refused as malformed: shifting them by a time zone or a
# few hours would overflow Python's datetime.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


class SiteDateTime(fields.DateTime):
    """An ISO 8601 time; without an offset it is read in the site's time zone (Guangzhou)."""

    def _deserialize(self, value, attr, data, **kwargs) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not FIRST_DAY.year <= moment.year <= LAST_DAY.year:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=site_zone())
        return moment.astimezone(UTC)


# --- activities ----------------------------------------------------------------------------------

class ActivitySchema(Schema):
    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    organisation_name_zh = fields.String(dump_only=True, attribute="organisation.name_zh")
    organisation_name_en = fields.String(dump_only=True, attribute="organisation.name_en")
    title = fields.String(required=True, validate=validate.Length(min=1, max=120))
    description = fields.String(load_default="", validate=validate.Length(max=5000))
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    district_id = fields.Integer(required=True, strict=True, metadata={"description": DISTRICT_ID})
    district = fields.Nested(DistrictSchema, dump_only=True)
    address = fields.String(load_default="", validate=validate.Length(max=200))
    starts_at = SiteDateTime(required=True, metadata={"description": TIME_RANGE + "; not in the past"})
    ends_at = SiteDateTime(required=True, metadata={
        "description": TIME_RANGE + "; after the start, and at most seven days after it"})
    signup_cutoff_at = SiteDateTime(load_default=None, allow_none=True, metadata={
        "description": "when sign-up (and cancelling a place) closes; " + TIME_RANGE + "; not after the start. "
                       "Left out or null: the site's default hours before the start"})
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10000))
    places_taken = fields.Integer(dump_only=True, attribute="confirmed_count")
    places_left = fields.Function(lambda a: max(a.capacity - a.confirmed_count, 0), dump_only=True)
    skills = fields.String(load_default="", validate=validate.Length(max=200))
    is_cancelled = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class ActivityQuerySchema(CursorArgs):
    district = fields.Integer(load_default=None, validate=validate.Range(min=1, max=MAX_ID))
    category = fields.String(load_default=None, validate=validate.OneOf(CATEGORIES))
    date = fields.Date(load_default=None, validate=validate.Range(min=FIRST_DAY, max=LAST_DAY),
                       metadata={"description": "activities starting on this day (Guangzhou), from 2000-01-01 to "
                                                "2999-12-31"})
    q = fields.String(load_default="", validate=validate.Length(max=100), metadata={
        "description": "words that the title or description must all hold, in any order; Chinese is cut into words, "
                       "and near-synonyms count (长者探访 finds 老人探访)"})


ActivityPageSchema = page_schema(ActivitySchema, "ActivityPage")


class SignupSchema(Schema):
    activity_id = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in SignupStatus]})
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)


# --- attendance ----------------------------------------------------------------------------------

class CheckinSchema(Schema):
    token = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=500),
                          metadata={"description": "the token in the QR code's link (…/timebank/scan/TOKEN); an "
                                                   "unknown or expired one is refused (422)"})


class MyAttendanceSchema(Schema):
    """An attendance as its volunteer sees it."""

    id = fields.Integer(dump_only=True)
    activity_id = fields.Integer(dump_only=True)
    checked_in_at = fields.DateTime(dump_only=True, allow_none=True)
    checked_out_at = fields.DateTime(dump_only=True, allow_none=True)
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in ReviewStatus]})
    minutes_granted = Minutes(dump_only=True, allow_none=True)


class AttendanceSchema(MyAttendanceSchema):
    """An attendance as the activity's coordinators see it."""

    user_id = fields.Integer(dump_only=True)
    volunteer_name = fields.String(dump_only=True, attribute="user.display_name")
    is_recorded_by_hand = fields.Function(lambda a: a.recorded_by_id is not None, dump_only=True)
    manual_reason = fields.String(dump_only=True)
    minutes_earned = fields.Method("_earned", dump_only=True,
                                   metadata={"description": "minutes between check-in and check-out"})
    review_note = fields.String(dump_only=True)
    reviewed_at = fields.DateTime(dump_only=True, allow_none=True)

    def _earned(self, attendance) -> int:
        return minutes_earned(attendance)


class ApproveSchema(Schema):
    minutes = Minutes(strict=True, validate=validate.Range(min=0, max=WEEK_MINUTES),
                      metadata={"description": "leave out to grant the minutes earned; a different "
                                               "number needs a note"})
    note = fields.String(load_default="", validate=validate.Length(max=300))


class RejectSchema(Schema):
    note = fields.String(required=True, validate=validate.Length(max=300),
                         metadata={"description": "the reason the volunteer will see"})


class ReverseSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(max=300))


# --- reports --------------------------------------------------------------------------------------

class MyHourReportSchema(Schema):
    """An offline report as its volunteer sees it."""

    id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    organisation_name_zh = fields.String(dump_only=True, attribute="organisation.name_zh")
    organisation_name_en = fields.String(dump_only=True, attribute="organisation.name_en")
    served_on = fields.Date(dump_only=True)
    minutes = Minutes(dump_only=True)
    description = fields.String(dump_only=True)
    evidence_url = fields.Function(lambda c: url_for("timebank.report_evidence", report_id=c.id), dump_only=True,
                                   metadata={"description": "a site page (signed-in browser session)"})
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in ReviewStatus]})
    review_note = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    reviewed_at = fields.DateTime(dump_only=True, allow_none=True)


class HourReportSchema(MyHourReportSchema):
    """An offline report as the organisation's reviewers see it."""

    user_id = fields.Integer(dump_only=True)
    volunteer_name = fields.String(dump_only=True, attribute="user.display_name")


class HourReportApproveSchema(Schema):
    note = fields.String(load_default="", validate=validate.Length(max=300))


# --- saved hours ---------------------------------------------------------------------------------

class HoursSchema(Schema):
    posted = Minutes(dump_only=True, metadata={"description": "minutes saved"})
    held = Minutes(dump_only=True, metadata={"description": "minutes set aside for care not yet settled"})
    available = Minutes(dump_only=True, metadata={"description": "posted less held"})
    earned = Minutes(dump_only=True, metadata={"description": "minutes of service for others (gifts received and "
                                                              "care paid for do not count)"})
    spent = Minutes(dump_only=True, metadata={"description": "minutes paid for care received"})
    stars = fields.Integer(dump_only=True)
    next_star_minutes = Minutes(dump_only=True, allow_none=True,
                                metadata={"description": "minutes of service still needed; null at five stars"})


class StatementQuerySchema(Schema):
    cursor = fields.String(load_default=None, validate=validate.Length(max=500), metadata={"description": CURSOR})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_LIMIT))


class StatementLineSchema(Schema):
    posting_id = fields.Integer(dump_only=True)
    entry_id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    memo = fields.String(dump_only=True)
    effective_date = fields.Date(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    amount = Minutes(dump_only=True, metadata={"description": "minutes in (positive) or out (negative)"})
    balance_after = Minutes(dump_only=True)


class StatementSchema(Schema):
    lines = fields.List(fields.Nested(StatementLineSchema), dump_only=True)
    next_cursor = fields.String(dump_only=True, allow_none=True)


class TransferSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=3, max=254),
                          metadata=EMAIL | {"description": "the email of the family member's Goodhours account; "
                                                           "one no account uses is refused (422)"})
    minutes = Minutes(required=True, strict=True, validate=validate.Range(min=1, max=MAX_GIFT_MINUTES))
    idempotency_key = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=64),
                                    metadata={"description": "repeat it to retry safely: one key posts once"})
    entry_id = fields.Integer(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


# --- certificates --------------------------------------------------------------------------------

class CertificateSchema(Schema):
    """What anyone may learn from a genuine certificate's code: no name beyond 张**."""

    code = fields.String(dump_only=True)
    volunteer = fields.String(dump_only=True, attribute="content.volunteer")
    period_start = fields.Date(dump_only=True)
    period_end = fields.Date(dump_only=True)
    total_minutes = Minutes(dump_only=True)
    issuers = fields.List(fields.Dict(keys=fields.String(), values=fields.String()), dump_only=True,
                          attribute="content.issuers")
    issued_at = fields.String(dump_only=True, attribute="content.issued_at")
