"""What wishes and needs tell the people concerned (in the site and by email, in the reader's language)
through the one notification service: queued before the commit, sent after it from the outbox."""
from __future__ import annotations

from marketplace.auth.models import User
from marketplace.notifications.service import notify
from marketplace.platform.extensions import db
from marketplace.wishes.givers import givers_of
from marketplace.wishes.models import Listing, WishClaim
from marketplace.wishes.public_models import ListingUpdate
from marketplace.wishes.rows import donors_of, pledgers_of


def _page(listing: Listing) -> tuple[str, dict]:
    return "wishes.detail", {"listing_code": listing.public_code}


MINE = ("wishes.mine", {})


def claimed(claim: WishClaim) -> None:
    """Tell the staff member who wrote the wish that a donor claimed it, and by when it is due."""
    listing = claim.listing
    notify(listing.author, "wish_claimed", link=_page(listing), title=listing.title,
           deadline_at=claim.deadline_at.isoformat())


def claim_expired(claim: WishClaim) -> None:
    """Tell a claimant their claim passed its deadline and the wish is open again."""
    notify(claim.claimant, "claim_expired", link=_page(claim.listing), mail={"claim": claim},
           title=claim.listing.title)


def claim_cancelled(claim: WishClaim) -> None:
    """Tell a claimant the wish they claimed was withdrawn."""
    notify(claim.claimant, "claim_cancelled", link=MINE, mail={"claim": claim}, title=claim.listing.title)


def delivered(listing: Listing) -> None:
    """Tell everyone who helped that the help reached the household."""
    for donor in donors_of(listing):
        notify(donor, "wish_delivered", link=MINE, title=listing.title)


def thanks(listing: Listing, donor: User) -> None:
    """Pass the household's thank-you note to a donor."""
    notify(donor, "wish_thanked", link=MINE, mail={"listing": listing, "donor": donor}, title=listing.title)


def need_funded(listing_id: int) -> None:
    """Tell the staff member who wrote a household need, and its pledgers, that its budget is covered."""
    listing = db.session.get(Listing, listing_id)
    for person in {user.id: user for user in [listing.author, *pledgers_of(listing)]}.values():
        notify(person, "need_funded", link=_page(listing), title=listing.title, amount_fen=listing.value_fen)


def tell_donors_of_update(update: ListingUpdate) -> None:
    """Tell each donor of a listing about a progress update staff posted, in the donor's language."""
    listing = update.listing
    for donor in givers_of(listing):
        notify(donor, "listing_update", link=_page(listing), title=listing.title,
               mail={"update": update})
