"""Pages of the funds domain (placeholder until its pages land)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("funds", __name__, url_prefix="/funds")
