"""points_views (filled in by its issue-18 step)."""
from __future__ import annotations

from marketplace.meals.views import bp  # noqa: F401
