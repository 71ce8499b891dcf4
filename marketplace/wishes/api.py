"""API: listings, transitions, claims, pledges and the board (placeholder until the API lands)."""
from __future__ import annotations

from marketplace.api.base import api_blueprint

blp = api_blueprint("listings", __name__, url_prefix="/api/v1",
                    description="Micro-wishes and household needs: listings, claims, pledges, lights")
