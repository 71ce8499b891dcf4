"""Open data downloads under /transparency/data/: public ledger lines and the 360Giving export."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("transparency_data", __name__, url_prefix="/transparency/data")
