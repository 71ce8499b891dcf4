"""Wish objects for the route walkers: a household of the charity with listings in the states the
routes act on, a claim held by one user and a pledge made by another."""
from __future__ import annotations

import io
from datetime import date

from PIL import Image
from werkzeug.datastructures import FileStorage

from marketplace.payments.models import PaymentEvent
from marketplace.platform.extensions import db
from marketplace.wishes import beneficiaries, claims, pledges, service, updates
from marketplace.wishes.models import Cancellation


def photo(name: str = "photo.jpg") -> FileStorage:
    """A small JPEG upload."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "blue").save(buffer, "JPEG")
    buffer.seek(0)
    return FileStorage(buffer, filename=name, content_type="image/jpeg")


def wishes_of(charity, author, verifier, claimant, pledger) -> dict:
    """Return the ids the wishes routes need: the charity's household, its published wish (listing_id,
    listing_code, with a photo and a progress update: update_id), `claimant`'s claim on a second wish,
    `pledger`'s pledge to a need."""
    household = beneficiaries.register_beneficiary(
        author, charity, pseudonym="青禾12", district_id=1, category="elderly_alone", age_band="80+",
        full_name="王秘密", phone="13800138000", id_number="", address="天河路1号", notes="",
        consent_on=date(2026, 1, 5), consent_scope="发布微心愿")
    beneficiaries.verify_beneficiary(verifier, household.id)

    def published(**fields):
        listing = service.create_listing(author, household.id, **fields)
        service.transition(author, listing.id, "submitted")
        service.transition(verifier, listing.id, "verified")
        return service.transition(verifier, listing.id, "published")

    wish = published(kind="wish", title="棉被", value_fen=20_000, photo=photo())
    update = updates.post_update(author, wish.id, "棉被已买好", photo=photo())
    claimed = published(kind="wish", title="书包", value_fen=15_000)
    claim = claims.claim_wish(claimed.id, claimant)
    need = published(kind="household_need", title="修屋顶", value_fen=1_000_000,
                     funding=[{"source": "government", "amount_fen": 1_000_000}])
    pledge = pledges.pledge(need.id, pledger, 10_000)
    cancellation = Cancellation(listing_id=claimed.id, action="refund", reason="搬走了", proposed_by_id=author.id)
    event = PaymentEvent(event_id="evt_unmatched", type="charge.refunded", provider="stripe",
                         outcome="refused:unknown_donation", payload="{}", needs_attention=True)
    db.session.add_all([cancellation, event])
    db.session.commit()
    return {"beneficiary_id": household.id, "listing_id": wish.id, "listing_code": wish.public_code,
            "wish_claim_id": claim.id, "pledge_id": pledge.id, "which": "original",
            "cancellation_id": cancellation.id, "payment_event_id": event.id, "update_id": update.id}
