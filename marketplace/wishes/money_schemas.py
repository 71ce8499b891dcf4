"""API schemas of a listing's money: co-funding shares received and staff cancellations."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.wishes.models import CancellationAction, CancellationStatus

Fen = fields.Integer


class ShareSchema(Schema):
    """A co-funding share received (a gift from its source, recorded by the need's staff)."""

    code = fields.String(dump_only=True, attribute="public_code")
    source = fields.String(required=True, validate=validate.OneOf(["government", "charity", "family"]))
    amount_fen = Fen(required=True, strict=True, validate=validate.Range(min=100, max=10**12))
    received_on = fields.Date(required=True)
    reference = fields.String(load_default="", validate=validate.Length(max=120))
    receipt_no = fields.String(dump_only=True)


class CancellationSchema(Schema):
    id = fields.Integer(dump_only=True)
    listing_code = fields.String(dump_only=True, attribute="listing.public_code")
    action = fields.String(required=True, validate=validate.OneOf([a.value for a in CancellationAction]))
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in CancellationStatus]})
    amount_fen = Fen(dump_only=True, metadata={"description": "refunded or moved, once confirmed"})
    proposed_by_id = fields.Integer(dump_only=True)
    decided_by_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=validate.OneOf(["confirm", "reject"]))
