"""The referral domain's blueprint; its pages live in loop_views (referrals), visit_views (visits and the
monthly comparison), board_views (lights, escalations and figures) and setup_views (catalogue, officers,
households' care records and the policy worklist)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("referrals", __name__, url_prefix="/referrals")
