"""Staff pages for reconciliation: imports, matching, the unmatched screen and the period report."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reconciliation", __name__, url_prefix="/reconciliation")
