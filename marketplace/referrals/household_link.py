"""The household's own link (no account): staff make it (a new one replaces the old); with it the
household asks for help, sees its referrals' state (never the handlers' notes) and gives feedback.
Only the digest of the token is kept."""
from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.referrals.access import get_household
from marketplace.referrals.models import HouseholdCare

TOKEN_BYTES = 24


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def make_link(actor: User, beneficiary_id) -> tuple[HouseholdCare, str]:
    """Give the household a new private link, replacing the old; return it and its token (shown once). Commit."""
    care = get_household(actor, beneficiary_id, manage=True)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    care.intake_token_hash = digest(token)
    record("household.link_made", actor=actor, subject=care.beneficiary)
    db.session.commit()
    return care, token


def household_for(token) -> HouseholdCare:
    """Return the household whose link this is. :raise NotFound: no such link (or an old one)."""
    if not isinstance(token, str) or not 16 <= len(token) <= 64 or not token.isascii():
        raise NotFound()
    care = db.session.scalar(select(HouseholdCare).where(HouseholdCare.intake_token_hash == digest(token)))
    if care is None:
        raise NotFound()
    return care
