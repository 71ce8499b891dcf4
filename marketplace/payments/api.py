"""API: donations (placeholder until the API lands)."""
from __future__ import annotations

from marketplace.api.base import api_blueprint

blp = api_blueprint("donations_api", __name__, url_prefix="/api/v1", description="Donations and receipts")
