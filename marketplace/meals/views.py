"""The meal domain's blueprint; its pages live in store_views (firms' stores, permits, quotas), person_views
(reserving, walk-in, blind boxes, thanks), counter_views (redemption at the store), points_views (rewards,
exchanges, plaques) and public_views (public figures)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("meals", __name__, url_prefix="/meals")
