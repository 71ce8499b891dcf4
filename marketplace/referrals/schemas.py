"""JSON shapes of the referral loop's API: a referral as its reader may see it (the private details only
for the household's managers), a dispatch waiting for an answer, and a decline's reason."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from marketplace.referrals.access import may_manage_household


class ReferralSchema(Schema):
    id = fields.Integer(dump_only=True)
    public_code = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"description": "new, dispatched, accepted, done, closed "
                                                                    "or cancelled"})
    need_kind = fields.String(dump_only=True)
    urgency = fields.String(dump_only=True)
    item_id = fields.Integer(dump_only=True, allow_none=True)
    district_id = fields.Integer(dump_only=True)
    description = fields.String(dump_only=True, metadata={"description": "what is needed: its handlers read it"})
    private_details = fields.Method("_private", dump_only=True, allow_none=True,
                                    metadata={"description": "null unless you manage the household"})
    organisation_id = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "the organisation handling it, once accepted"})
    owner_id = fields.Integer(dump_only=True, allow_none=True)
    due_at = fields.DateTime(dump_only=True, allow_none=True)
    outcome = fields.String(dump_only=True)
    satisfaction = fields.Integer(dump_only=True, allow_none=True)
    closed_at = fields.DateTime(dump_only=True, allow_none=True)
    closed_on_time = fields.Boolean(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)

    def _private(self, referral) -> str | None:
        return referral.private_details if may_manage_household(g.user, referral.household) else None


class DispatchSchema(Schema):
    id = fields.Integer(dump_only=True)
    referral_id = fields.Integer(dump_only=True)
    organisation_id = fields.Integer(dump_only=True)
    answer = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class DeclineSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))
