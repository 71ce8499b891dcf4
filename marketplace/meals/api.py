"""Public read API of donated meals (M餐): the figures, and the open stores with what is left today."""
from __future__ import annotations

from marketplace.api.base import api_blueprint
from marketplace.meals import figures
from marketplace.meals.schemas import MealFiguresSchema, MealOpenStoreSchema
from marketplace.web.http_cache import public_cache

blp = api_blueprint("meals_api", __name__, url_prefix="/api/v1",
                    description="Free meals (M餐): public figures and open stores; no token needed")


@blp.route("/meals/figures")
@public_cache()
@blp.response(200, MealFiguresSchema)
def get_meal_figures():
    """Return meals served, their value, points given and blind boxes handed out, and the last 30 days."""
    return {"totals": figures.totals(), "days": figures.by_day()}


@blp.route("/meals/stores")
@blp.response(200, MealOpenStoreSchema(many=True))
def list_meal_stores():
    """List the open restaurants and bases: district, address, serving windows and what is left today."""
    return figures.open_stores()
