"""Progress updates on a listing: its organisation's staff post news, with an optional photo (the
public copy re-encoded without metadata); the public page shows them newest first, and the listing's
donors are told."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.policy import require
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.ids import is_id
from marketplace.wishes import notices, photos
from marketplace.wishes.models import Listing
from marketplace.wishes.public_models import ListingUpdate
from marketplace.wishes.service import get_listing, public_listing

MAX_TEXT = 2000
SHOWN = 50


def post_update(actor: User, listing_id, text, photo=None) -> ListingUpdate:
    """Post a progress update on a published listing and tell its donors (staff of its organisation).

    :raise InvalidInput: the text is empty or too long, or the photo is not a readable JPEG or PNG.
    :raise Conflict: the listing is not public yet.
    """
    listing = get_listing(actor, listing_id)
    require(actor, "org.manage_needs", listing.organisation)
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT or "\x00" in text:
        raise InvalidInput(fields={"text": [_l("Enter 1 to %(n)d characters.", n=MAX_TEXT)]})
    if not listing.is_public:
        raise Conflict(_l("Post updates once the listing is published."))
    update = ListingUpdate(listing_id=listing.id, author_id=actor.id, text=text.strip())
    if photo is not None and getattr(photo, "filename", ""):
        update.photo_path, update.public_photo_path = photos.store_photo(photo, "photo")
    db.session.add(update)
    db.session.flush()
    record("listing.update_posted", actor=actor, subject=listing, update=update.id)
    notices.tell_donors_of_update(update)
    db.session.commit()
    return update


def updates_of(listing: Listing) -> list[ListingUpdate]:
    """Return a listing's progress updates, newest first."""
    return list(db.session.scalars(select(ListingUpdate).where(ListingUpdate.listing_id == listing.id)
                                   .order_by(ListingUpdate.id.desc()).limit(SHOWN)))


def public_update(listing_code, update_id) -> ListingUpdate:
    """Return an update of a public listing, by the listing's public code and the update's id."""
    listing = public_listing(listing_code)
    update = db.session.get(ListingUpdate, update_id) if is_id(update_id) else None
    if update is None or update.listing_id != listing.id:
        raise NotFound()
    return update
