"""API schemas for funds and disbursements.

The public schemas carry what a fund's page shows: no requester, no evidence file, no reason
for rejection. `DisbursementStaffSchema` is used only on answers limited to the fund's staff.
"""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from marketplace.api.field_docs import CURSOR, DISTRICT_ID
from marketplace.funds import service
from marketplace.funds.disbursements import MAX_FEN
from marketplace.funds.models import DisbursementStatus, FundKind
from marketplace.platform.ids import MAX_ID

Fen = fields.Integer  # every amount of money is whole fen (¥1 = 100)
KINDS = [k.value for k in FundKind]
OPENED_BY_HAND = [k.value for k in service.OPENED_BY_HAND]


class FundTotalsSchema(Schema):
    received_fen = Fen(dump_only=True, attribute="received")
    disbursed_fen = Fen(dump_only=True, attribute="disbursed")
    refunded_fen = Fen(dump_only=True, attribute="refunded")
    balance_fen = Fen(dump_only=True, attribute="balance")
    held_fen = Fen(dump_only=True, attribute="held", metadata={"description": "disputed, not spendable"})


class FundSchema(Schema):
    code = fields.String(dump_only=True, attribute="public_code")
    kind = fields.String(dump_only=True, metadata={"enum": KINDS})
    organisation_id = fields.Integer(dump_only=True)
    name_zh = fields.String(dump_only=True)
    name_en = fields.String(dump_only=True)
    purpose = fields.String(dump_only=True)
    district_id = fields.Integer(dump_only=True, allow_none=True)
    named_after = fields.String(dump_only=True)
    listing_code = fields.Function(lambda f: f.listing.public_code if f.listing and f.listing.is_public else None,
                                   dump_only=True, allow_none=True,
                                   metadata={"description": "a restricted fund's wish or need, when public"})
    is_open = fields.Boolean(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    totals = fields.Function(lambda f: FundTotalsSchema().dump(service.totals(f)), dump_only=True)


class FundCreateSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(OPENED_BY_HAND))
    name_zh = fields.String(required=True, validate=validate.Length(min=1, max=120))
    name_en = fields.String(required=True, validate=validate.Length(min=1, max=160))
    purpose = fields.String(load_default="", validate=validate.Length(max=5000))
    district_id = fields.Integer(load_default=None, allow_none=True, strict=True,
                                 validate=validate.Range(min=1, max=MAX_ID),
                                 metadata={"description": "community funds: the community's district, "
                                                          + DISTRICT_ID})
    named_after = fields.String(load_default="", validate=validate.Length(max=120),
                                metadata={"description": "named funds: the donor or firm (required for them)"})


class DisbursementPublicSchema(Schema):
    """A paid disbursement as anyone sees it."""

    code = fields.String(dump_only=True, attribute="public_code")
    payee = fields.String(dump_only=True)
    purpose = fields.String(dump_only=True)
    amount_fen = Fen(dump_only=True)
    paid_at = fields.DateTime(dump_only=True, allow_none=True, attribute="decided_at")
    listing_code = fields.Function(lambda d: d.listing.public_code if d.listing and d.listing.is_public else None,
                                   dump_only=True, allow_none=True)
    listing_title = fields.Function(lambda d: d.listing.title if d.listing and d.listing.is_public else None,
                                    dump_only=True, allow_none=True)
    has_public_receipt = fields.Function(lambda d: bool(d.public_evidence_path), dump_only=True)


class DisbursementStaffSchema(DisbursementPublicSchema):
    """A disbursement as the fund's staff see it."""

    id = fields.Integer(dump_only=True)
    fund_code = fields.String(dump_only=True, attribute="fund.public_code")
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in DisbursementStatus]})
    listing_code = fields.Function(lambda d: d.listing.public_code if d.listing else None, dump_only=True,
                                   allow_none=True)
    listing_title = fields.Function(lambda d: d.listing.title if d.listing else None, dump_only=True,
                                    allow_none=True)
    evidence_type = fields.String(dump_only=True)
    requested_by_id = fields.Integer(dump_only=True)
    decided_by_id = fields.Integer(dump_only=True, allow_none=True)
    decided_at = fields.DateTime(dump_only=True, allow_none=True)
    reject_reason = fields.String(dump_only=True)
    created_at = fields.DateTime(dump_only=True)


class DisbursementRequestSchema(Schema):
    """multipart/form-data: these fields and the file `evidence` (a JPEG, PNG or PDF receipt or invoice)."""

    payee = fields.String(required=True, validate=validate.Length(min=1, max=160))
    purpose = fields.String(required=True, validate=validate.Length(min=1, max=500))
    amount_fen = Fen(required=True, validate=validate.Range(min=1, max=MAX_FEN))
    listing_code = fields.String(load_default=None, validate=validate.Length(min=1, max=16),
                                 metadata={"description": "the wish or need paid for (a restricted fund: its own)"})
    evidence = fields.Raw(load_default=None, metadata={"type": "string", "format": "binary",
                                                        "description": "the receipt or invoice (sent as a file)"})


class DisbursementRejectSchema(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=300))


class DisbursementQuerySchema(Schema):
    status = fields.String(load_default=None, validate=validate.OneOf([s.value for s in DisbursementStatus]),
                           metadata={"description": "staff only; the public sees paid ones"})
    cursor = fields.String(load_default=None, metadata={"description": CURSOR})
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
