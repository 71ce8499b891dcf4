"""Seed the whole demo: each domain adds its own demo records (see its demo.py), in an order that
lets later ones find earlier ones. The demo is for trying the site out: production refuses it."""
from __future__ import annotations

from config import settings
from marketplace.auth.demo import seed_users
from marketplace.exchanges.demo import seed_exchange_agreements
from marketplace.exchanges.posts_demo import seed_exchange_posts
from marketplace.funds.demo import seed_funds
from marketplace.meals.demo import seed_demo as seed_meals
from marketplace.orgs.demo import seed_organisations
from marketplace.platform.extensions import db
from marketplace.referrals.demo import seed_referrals
from marketplace.timebank.demo import seed_time_bank
from marketplace.wishes.demo import seed_wishes

DOMAIN = "demo.example.org"


def seed_demo() -> tuple[list[tuple[str, str]], int]:
    """Add the demo records that are missing; return the logins and how many rows were added."""
    if settings.ENV_NAME == "production":
        raise RuntimeError("refusing to seed demo data in production")
    orgs, added = seed_organisations(DOMAIN)
    logins, users_added = seed_users(DOMAIN, orgs)
    db.session.commit()
    added += users_added + seed_time_bank(DOMAIN) + seed_wishes(DOMAIN) + seed_funds(DOMAIN)
    referral_logins, referrals_added = seed_referrals(DOMAIN)
    added += seed_meals(DOMAIN)
    added += seed_exchange_posts(DOMAIN)
    added += seed_exchange_agreements(DOMAIN)
    return logins + referral_logins, added + referrals_added
