"""Public read API of member exchanges: exchanges done and minutes traded by category and district, no names."""
from __future__ import annotations

from marshmallow import Schema, fields

from marketplace.api.base import api_blueprint
from marketplace.exchanges import figures
from marketplace.web.http_cache import public_cache

blp = api_blueprint("exchange_figures_api", __name__, url_prefix="/api/v1",
                    description="Member exchanges: public figures; no token needed")

HIDDEN = "null while fewer exchanges than `least_shown` (then hidden)"


class FigureRowSchema(Schema):
    key = fields.Raw(dump_only=True, metadata={"description": "a category code, or a district id"})
    exchanges = fields.Integer(dump_only=True, allow_none=True, metadata={"description": HIDDEN})
    minutes = fields.Integer(dump_only=True, allow_none=True, metadata={"description": HIDDEN})


class ExchangeFiguresSchema(Schema):
    least_shown = fields.Integer(dump_only=True, metadata={"description": "the smallest count shown"})
    exchanges = fields.Integer(dump_only=True, allow_none=True, metadata={"description": HIDDEN})
    minutes = fields.Integer(dump_only=True, allow_none=True, metadata={"description": HIDDEN})
    by_category = fields.List(fields.Nested(FigureRowSchema), dump_only=True)
    by_district = fields.List(fields.Nested(FigureRowSchema), dump_only=True)


@blp.route("/exchanges/figures")
@public_cache()
@blp.response(200, ExchangeFiguresSchema)
def get_exchange_figures():
    """Return exchanges confirmed and minutes traded, in all and by category and district (small counts hidden)."""
    return figures.as_json()
