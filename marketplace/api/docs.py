"""The interactive API documentation page (Swagger UI, vendored, no CDN)."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("apidocs", __name__)


@bp.get("/api/docs")
def docs() -> str:
    """Show the interactive API documentation."""
    return render_template("api/docs.html")
