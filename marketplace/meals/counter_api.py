"""The counter's API, for a store's own till or scanner: redeem a code, read the outcome (nothing of the person)."""
from __future__ import annotations

from flask import g
from marshmallow import Schema, fields, validate

from marketplace.api.base import api_blueprint, token_route
from marketplace.meals import redemption

blp = api_blueprint("meals_counter_api", __name__, url_prefix="/api/v1",
                    description="Donated meals (M餐): redeem a meal's code at your store's counter")


class RedemptionRequestSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=300), metadata={
        "description": "the short code typed, or the text the reservation's QR code reads"})


class RedemptionSchema(Schema):
    outcome = fields.Function(lambda r: r.outcome.value, dump_only=True, metadata={
        "description": "valid (hand over the meal), used, expired, wrong_store, not_yet or unknown"})
    store_id = fields.Function(lambda r: r.store.id, dump_only=True)
    contents = fields.String(dump_only=True, metadata={"description": "what the meal holds, when valid"})
    item = fields.String(dump_only=True, metadata={"description": "the blind box's item, when valid"})


@token_route(blp, "/meals/stores/<int:meal_store_id>/redemptions", methods=("POST",),
             body=RedemptionRequestSchema, response=RedemptionSchema)
def redeem_code(data, meal_store_id):
    """Redeem a meal's code at your store: 200 with the outcome whatever it is; 404 for a store you may not
    serve at. Of two scans of one code exactly one is valid."""
    return redemption.redeem(g.user, meal_store_id, data["code"])
