"""Public accounts pages under /transparency/: no login, no personal data."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("transparency", __name__, url_prefix="/transparency")


@bp.route("/")
def overview():
    return render_template("transparency/overview.html")
