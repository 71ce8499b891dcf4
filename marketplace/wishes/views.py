"""Public wish pages (placeholder until the pages land)."""
from __future__ import annotations

from flask import Blueprint

from marketplace.wishes import labels

bp = Blueprint("wishes", __name__, url_prefix="/wishes")
labels.register(bp)


@bp.route("/")
def index():
    """Browse published wishes and needs."""
    return ""


@bp.route("/<code>")
def detail(code):
    """One public listing."""
    return ""


@bp.route("/my")
def mine():
    """The donor's claims and pledges."""
    return ""
