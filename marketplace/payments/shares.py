"""Co-funding shares of a household need (安心善居: the government adds a bit, a charity gives a bit, the
family pays a bit): staff record each share as money received from its source, when it arrives — not
as a pledge in their own name. A share completes through the one completion path, so it counts
against the budget like any gift and is refused when more than is left."""
from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from marketplace.audit.service import record
from marketplace.auth.models import PublicDisplay, User
from marketplace.funds.service import restricted_fund_for
from marketplace.orgs.policy import require
from marketplace.payments.completion import complete
from marketplace.payments.models import Donation, DonationStatus, Provider
from marketplace.platform.errors import Conflict, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import local_today
from marketplace.platform.transactions import retried
from marketplace.wishes import funding
from marketplace.wishes.models import FundingSource, ListingKind, ListingStatus
from marketplace.wishes.service import get_listing, locked_listing

SHARE_SOURCES = (FundingSource.GOVERNMENT, FundingSource.CHARITY, FundingSource.FAMILY)
PAYER = {"government": "政府补贴 Government", "charity": "慈善组织 Charity", "family": "家庭自付 Family"}


@retried
def record_share(actor: User, listing_id, *, source: str, amount_fen, received_on, reference: str = "") -> Donation:
    """Record a share of a household need received from the government, a charity or the family (its staff).

    :raise Conflict: the need takes no money now, or the share is more than is left (naming it).
    :raise Busy: the database stayed too busy after a few tries (nothing was saved).
    """
    listing = get_listing(actor, listing_id)
    require(actor, "org.manage_funds", listing.organisation)
    errors: dict[str, list] = {}
    if source not in [s.value for s in SHARE_SOURCES]:
        errors["source"] = [_l("Choose the government, a charity or the family.")]
    if type(amount_fen) is not int or not 100 <= amount_fen <= 10**12:
        errors["amount_fen"] = [_l("Enter an amount of at least ¥1.00.")]
    if not isinstance(received_on, date) or received_on > local_today() \
            or received_on < local_today() - timedelta(days=366):
        errors["received_on"] = [_l("Give the day the money arrived; it cannot be in the future.")]
    if not isinstance(reference, str) or len(reference) > 120 or "\x00" in reference:
        errors["reference"] = [_l("Use at most %(n)d characters.", n=120)]
    if errors:
        raise InvalidInput(fields=errors)
    if listing.kind != ListingKind.HOUSEHOLD_NEED:
        raise Conflict(_l("Only household needs have co-funding shares."))
    locked = locked_listing(listing.id)
    if locked.status_enum not in (ListingStatus.PUBLISHED, ListingStatus.CLAIMED):
        raise Conflict(_l("This need is not taking money now."))
    funding.refuse_if_funded(locked, amount_fen)
    fund = restricted_fund_for(locked)
    share = Donation(fund_id=fund.id, listing_id=locked.id, amount_fen=amount_fen, display=PublicDisplay.NAME.value,
                     provider=Provider.BANK.value, source=source,
                     payer_name=PAYER[source], received_on=received_on, reference=reference.strip(),
                     recorded_by_id=actor.id, confirmed_by_id=actor.id)
    Donation.machine.start(share, DonationStatus.PENDING, actor, f"co-funding share ({source})")
    db.session.flush()
    record("need.share_received", actor=actor, subject=share, listing=locked.id, source=source, amount_fen=amount_fen)
    complete(share, actor)
    return share
