"""API: beneficiary households, for their organisation's staff only (placeholder until the API lands)."""
from __future__ import annotations

from marketplace.api.base import api_blueprint

blp = api_blueprint("households", __name__, url_prefix="/api/v1",
                    description="Beneficiary households (staff of the responsible organisation only)")
