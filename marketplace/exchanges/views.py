"""The exchange domain's blueprint; its pages live in post_views (offers and requests, search, profiles),
agreement_views (agreeing, confirming, disputes, approvals), talk_views (messages, blocks, reports) and
board_views (the coordinators' board)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("exchanges", __name__, url_prefix="/exchange")
