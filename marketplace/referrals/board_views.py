"""board pages of the referral domain."""
from __future__ import annotations

from marketplace.referrals.views import bp

__all__ = ["bp"]
