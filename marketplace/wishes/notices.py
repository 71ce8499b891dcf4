"""Emails about wishes, in the reader's language: queued before the commit, sent after it from the
outbox."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from marketplace.auth.models import User
from marketplace.platform import mailer
from marketplace.platform.links import site_url
from marketplace.wishes.givers import givers_of
from marketplace.wishes.models import Listing, WishClaim
from marketplace.wishes.public_models import ListingUpdate


def _link(listing: Listing) -> str:
    return site_url("wishes.detail", listing_code=listing.public_code)


def claim_expired(claim: WishClaim) -> None:
    """Tell a claimant their claim passed its deadline and the wish is open again."""
    mailer.send(claim.claimant.email, claim.claimant.locale, _l("Your claim has expired: %(title)s",
                                                                title=claim.listing.title),
                "wishes_claim_expired", claim=claim, link=_link(claim.listing))


def claim_cancelled(claim: WishClaim) -> None:
    """Tell a claimant the wish they claimed was withdrawn."""
    mailer.send(claim.claimant.email, claim.claimant.locale, _l("A wish you claimed was withdrawn: %(title)s",
                                                                title=claim.listing.title),
                "wishes_claim_cancelled", claim=claim, link=site_url("wishes.mine"))


def thanks(listing: Listing, donor: User) -> None:
    """Pass the household's thank-you note to a donor."""
    mailer.send(donor.email, donor.locale, _l("A thank-you for your help: %(title)s", title=listing.title),
                "wishes_thanks", listing=listing, donor=donor, link=site_url("wishes.mine"))


def tell_donors_of_update(update: ListingUpdate) -> None:
    """Tell each donor of a listing about a progress update staff posted, in the donor's language."""
    listing = update.listing
    for donor in givers_of(listing):
        mailer.send(donor.email, donor.locale, _l("News of “%(title)s”", title=listing.title),
                    "wishes_update", update=update, listing=listing, donor=donor, link=_link(listing))
