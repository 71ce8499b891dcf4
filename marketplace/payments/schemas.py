"""API schemas for giving online. A donation is shown only to its donor; it names the fund by
its public code and carries no other person's data."""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from marketplace.auth.models import PublicDisplay
from marketplace.payments.models import DonationStatus, ExcessChoice, Provider
from marketplace.payments.refunds import credit_notes
from marketplace.platform.ids import MAX_ID

Fen = fields.Integer  # every amount of money is whole fen (¥1 = 100)
Id = lambda **kw: fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID), **kw)  # noqa: E731
TARGETS = ("fund_code", "listing_code", "pledge_id")


class DonationStartSchema(Schema):
    """Start a gift: to a fund (with an amount), or paying a wish you claimed by money, or your pledge."""

    fund_code = fields.String(load_default=None, validate=validate.Length(min=1, max=16),
                              metadata={"description": "give to this fund (an open fund's code); amount_fen is "
                                                       "then required. Name exactly one of fund_code, listing_code "
                                                       "and pledge_id"})
    listing_code = fields.String(load_default=None, validate=validate.Length(min=1, max=16),
                                 metadata={"description": "pay the value of a wish you claimed by money, or give "
                                                          "amount_fen (up to what is left) to a household need"})
    pledge_id = Id(load_default=None, metadata={"description": "pay your active pledge to a household need"})
    amount_fen = Fen(load_default=None, strict=True, validate=validate.Range(min=1, max=10**12),
                     metadata={"description": "fund gifts only: at least 100 (¥1), at most PAYMENTS_MAX_FEN"})
    display = fields.String(load_default=None, validate=validate.OneOf([d.value for d in PublicDisplay]),
                            metadata={"description": "how you appear; default: your profile's choice"})
    message = fields.String(load_default="", validate=validate.Length(max=300))
    organisation_id = Id(load_default=None, metadata={"description": "fund gifts: a firm you belong to"})
    excess_choice = fields.String(load_default=None, validate=validate.OneOf([c.value for c in ExcessChoice]),
                                  metadata={"description": "wishes and needs: if others fund it first, the part no "
                                                           "longer needed goes to the community fund (default) or "
                                                           "back to you"})

    @validates_schema
    def one_target(self, data, **kwargs):
        chosen = [name for name in TARGETS if data.get(name) is not None]
        if len(chosen) != 1:
            raise ValidationError("Name exactly one of fund_code, listing_code and pledge_id.", "fund_code")
        if data.get("fund_code") is not None and data.get("amount_fen") is None:
            raise ValidationError("Give an amount in fen.", "amount_fen")


class DonationSchema(Schema):
    code = fields.String(dump_only=True, attribute="public_code")
    fund_code = fields.String(dump_only=True, attribute="fund.public_code")
    listing_code = fields.Function(lambda d: d.listing.public_code if d.listing else None, dump_only=True,
                                   allow_none=True)
    pledge_id = fields.Integer(dump_only=True, allow_none=True)
    amount_fen = Fen(dump_only=True)
    refunded_fen = Fen(dump_only=True)
    excess_fen = Fen(dump_only=True, metadata={"description": "the part its wish or need no longer needed"})
    excess_choice = fields.String(dump_only=True)
    credit_notes = fields.Function(lambda d: [n.number for n in credit_notes(d)], dump_only=True,
                                   metadata={"description": "numbers of the credit notes of its refunds"})
    display = fields.String(dump_only=True, metadata={"enum": [d.value for d in PublicDisplay]})
    message = fields.String(dump_only=True)
    provider = fields.String(dump_only=True, metadata={"enum": [p.value for p in Provider]})
    status = fields.String(dump_only=True, metadata={"enum": [s.value for s in DonationStatus]})
    receipt_no = fields.String(dump_only=True, allow_none=True)
    created_at = fields.DateTime(dump_only=True)
    completed_at = fields.DateTime(dump_only=True, allow_none=True)


class DonationStartedSchema(DonationSchema):
    checkout_url = fields.String(dump_only=True, metadata={
        "description": "send the donor here to pay: Stripe Checkout, or the site's TEST MODE checkout"})
