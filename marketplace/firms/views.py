"""Pages of the firms domain (placeholder until its pages land)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("firms", __name__, url_prefix="/firms")
