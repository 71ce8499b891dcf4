"""API schemas of the public meal figures (M餐): counts and stores only, nothing about anyone who ate."""
from __future__ import annotations

from marshmallow import Schema, fields

from marketplace.meals.days import hm
from marketplace.orgs.schemas import DistrictSchema


class MealCountsSchema(Schema):
    offered = fields.Integer(dump_only=True)
    taken = fields.Integer(dump_only=True, metadata={"description": "reserved or served"})
    served = fields.Integer(dump_only=True)
    unclaimed = fields.Integer(dump_only=True, allow_none=True,
                               metadata={"description": "offered but not served; null while the day is not over"})
    value_fen = fields.Integer(dump_only=True, metadata={"description": "value of the meals served, in fen"})


class MealDaySchema(MealCountsSchema):
    day = fields.Date(dump_only=True)


class MealTotalsSchema(Schema):
    meals_served = fields.Integer(dump_only=True)
    value_fen = fields.Integer(dump_only=True, metadata={"description": "value of the meals served, in fen"})
    points_issued = fields.Integer(dump_only=True, metadata={"description": "points given to firms for meals"})
    blind_boxes = fields.Integer(dump_only=True, metadata={"description": "blind boxes handed out"})


class MealFiguresSchema(Schema):
    totals = fields.Nested(MealTotalsSchema, dump_only=True)
    days = fields.List(fields.Nested(MealDaySchema), dump_only=True, metadata={"description": "the last 30 days"})


class MealWindowSchema(Schema):
    opens_at = fields.Function(lambda w: hm(w.opens_at), dump_only=True)
    closes_at = fields.Function(lambda w: hm(w.closes_at), dump_only=True)


class MealOpenStoreSchema(Schema):
    id = fields.Integer(dump_only=True, attribute="store.id")
    kind = fields.String(dump_only=True, attribute="store.kind", metadata={"enum": ["restaurant", "base"]})
    name = fields.String(dump_only=True, attribute="store.name")
    address = fields.String(dump_only=True, attribute="store.address")
    district = fields.Nested(DistrictSchema, dump_only=True, attribute="store.district")
    windows = fields.List(fields.Nested(MealWindowSchema), dump_only=True, attribute="store.windows",
                          metadata={"description": "serving windows every day, site time; none: all day"})
    meals_left = fields.Integer(dump_only=True, metadata={"description": "meals left today (a base: blind boxes)"})
