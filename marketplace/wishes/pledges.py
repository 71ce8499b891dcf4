"""Pledges to household needs: several donors, firms and charities share a budget until it is
covered, and never past it — even when they pledge at the same moment. Money received without a
pledge (offline gifts, co-funding shares) takes its part of the budget too (`funding.py`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.orgs.models import OrgKind
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.wishes import notices
from marketplace.wishes.lifecycle import move_if
from marketplace.wishes.models import FundingSource, Listing, ListingKind, ListingStatus, Pledge, PledgeStatus
from marketplace.wishes.service import get_listing, locked_listing, may_manage

S = ListingStatus
MIN_PLEDGE_FEN = 100
STAFF_SOURCES = (FundingSource.GOVERNMENT, FundingSource.FAMILY, FundingSource.CHARITY)


def _source(pledger: User, listing: Listing, organisation_id, source) -> tuple[str, int | None]:
    """Decide whom a pledge comes from: a firm or charity the pledger belongs to, or the pledger.

    The listing's own staff may also record the government's subsidy, the family's share or
    their charity's part.
    """
    if source is not None:  # a share promised is not money: staff record it when it arrives (payments.shares)
        raise InvalidInput(fields={"source": [_l("Record the government's, a charity's or the family's share as "
                                                 "money received, on the need's staff page, when it arrives.")]})
    if organisation_id is None:
        return FundingSource.DONOR.value, None
    membership = next((m for m in pledger.memberships if m.organisation_id == organisation_id), None)
    if membership is None:
        raise InvalidInput(fields={"organisation_id": [_l("Choose an organisation you belong to.")]})
    kind = membership.organisation.kind
    return (FundingSource.FIRM if kind == OrgKind.FIRM else FundingSource.CHARITY).value, organisation_id


def pledge(listing_id, pledger: User, amount_fen: int, organisation_id: int | None = None,
           source: str | None = None) -> Pledge:
    """Pledge part of a household need's budget; the need counts as claimed once fully covered.

    :raise Conflict: when the amount is more than what is left to cover.
    """
    listing = get_listing(pledger, listing_id)
    if listing.kind != ListingKind.HOUSEHOLD_NEED:
        raise Conflict(_l("Only household needs take pledges; micro-wishes are claimed."))
    if type(amount_fen) is not int or not MIN_PLEDGE_FEN <= amount_fen <= 10**12:
        raise InvalidInput(fields={"amount_fen": [_l("Pledge at least ¥1.")]})
    source, org_id = _source(pledger, listing, organisation_id, source)
    if listing.status != S.PUBLISHED:
        raise Conflict(_l("This need is not taking pledges."))
    taken = db.session.execute(
        update(Listing).where(Listing.id == listing.id, Listing.status == S.PUBLISHED.value,
                              Listing.pledged_fen + amount_fen <= Listing.value_fen)
        .values(pledged_fen=Listing.pledged_fen + amount_fen)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not taken:
        db.session.rollback()
        left = listing.value_fen - listing.pledged_fen
        if listing.status != S.PUBLISHED or left <= 0:
            raise Conflict(_l("This need is fully pledged or no longer taking pledges."))
        raise Conflict(_l("Only %(left)s is still needed; pledge at most that.", left=money(left)),
                       fields={"amount_fen": [_l("Pledge at most %(left)s.", left=money(left))]})
    made = Pledge(listing_id=listing.id, pledger_id=pledger.id, organisation_id=org_id, source=source,
                  amount_fen=amount_fen)
    Pledge.machine.start(made, PledgeStatus.ACTIVE, pledger, "pledged")
    db.session.flush()
    if move_if(listing.id, S.PUBLISHED, S.CLAIMED, pledger, "fully pledged",
               conditions=[Listing.pledged_fen == Listing.value_fen]):
        notices.need_funded(listing.id)
    record("need.pledged", actor=pledger, subject=made, listing=listing.id, amount_fen=amount_fen)
    db.session.commit()
    return made


def get_pledge(pledge_id, user: User) -> Pledge:
    """Return a pledge seen by its pledger or the listing's staff."""
    found = db.session.get(Pledge, pledge_id) if is_id(pledge_id) else None
    if found is None or not (found.pledger_id == user.id or may_manage(user, found.listing)):
        raise NotFound()
    return found


def withdraw_pledge(pledge_id, user: User) -> Pledge:
    """Take back a pledge not yet paid; a fully covered need opens for pledges again."""
    found = get_pledge(pledge_id, user)
    listing = locked_listing(found.listing_id)
    locked = db.session.scalar(select(Pledge).where(Pledge.id == found.id).with_for_update()
                               .execution_options(populate_existing=True))
    if locked.status != PledgeStatus.ACTIVE:
        db.session.rollback()
        raise Conflict(_l("Only a pledge not yet paid can be withdrawn."))
    if listing.status not in (S.PUBLISHED, S.CLAIMED):
        db.session.rollback()
        raise Conflict(_l("The work has been done; this pledge can no longer be withdrawn."))
    Pledge.machine.move(locked, PledgeStatus.WITHDRAWN, user, "withdrawn by the pledger", ended_at=now_utc())
    listing.pledged_fen -= locked.amount_fen
    db.session.flush()
    move_if(listing.id, S.CLAIMED, S.PUBLISHED, user, "pledge withdrawn")
    record("need.pledge_withdrawn", actor=user, subject=locked)
    db.session.commit()
    return locked


def coverage(listing: Listing) -> dict:
    """Return a need's budget, what each source pledged or gave (a share received counts as given), what
    of it has arrived, and what is left."""
    from marketplace.payments.models import Donation, DonationStatus
    from marketplace.payments.refunds import kept_expression

    rows = db.session.execute(
        select(Pledge.source, func.sum(Pledge.amount_fen)).where(
            Pledge.listing_id == listing.id, Pledge.status.in_([PledgeStatus.ACTIVE.value, PledgeStatus.PAID.value]))
        .group_by(Pledge.source))
    by_source = {source: int(total) for source, total in rows}
    source = func.coalesce(Donation.source, FundingSource.DONOR.value)
    given = db.session.execute(  # money received without a pledge: shares, offline gifts, gifts straight to it
        select(source, func.sum(kept_expression())).where(
            Donation.listing_id == listing.id, Donation.pledge_id.is_(None),
            Donation.status.in_([DonationStatus.COMPLETED.value, DonationStatus.REFUNDED.value])).group_by(source))
    for name, total in given:
        if total:
            by_source[name] = by_source.get(name, 0) + int(total)
    taken = listing.pledged_fen
    return {"budget_fen": listing.value_fen, "pledged_fen": taken, "received_fen": listing.received_fen,
            "left_fen": listing.left_fen, "by_source": by_source,
            "percent": min(100, taken * 100 // listing.value_fen) if listing.value_fen else 0}


def pledges_of(user: User):
    """Return a query of the user's pledges, newest first."""
    return select(Pledge).where(Pledge.pledger_id == user.id).order_by(Pledge.id.desc())
