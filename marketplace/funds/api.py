"""API: funds and disbursements (placeholder until the API lands)."""
from __future__ import annotations

from marketplace.api.base import api_blueprint

blp = api_blueprint("funds_api", __name__, url_prefix="/api/v1", description="Funds and disbursements")
