"""Listing rules: write a wish or need for a household, move it through review and publication,
confirm delivery, pass on the household's thanks; and the public search over what is published.

Claims on wishes live in `claims.py`, pledges to household needs in `pledges.py`, the lights
in `lights.py`; each is shared by the pages, the API and the CLI.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.funds.service import restricted_fund_for
from marketplace.orgs.models import Organisation
from marketplace.orgs.policy import can, require
from marketplace.orgs.service import require_verified
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.wishes import costs, lifecycle, notices, photos
from marketplace.wishes.beneficiaries import get_beneficiary, is_verified
from marketplace.wishes.lifecycle import move
from marketplace.wishes.models import (
    PUBLIC_STATUSES,
    Beneficiary,
    ClaimStatus,
    FundingLine,
    FundingSource,
    Listing,
    ListingEvent,
    ListingKind,
    ListingStatus,
    Pledge,
    PledgeStatus,
    WishClaim,
)
from marketplace.wishes.rows import donors_of, holds_money, locked_listing, open_cancellation

S = ListingStatus
EDITABLE = (S.DRAFT, S.SUBMITTED)
# moves staff make by hand through `transition`; the others follow claims, pledges and delivery
MANUAL = {S.SUBMITTED, S.DRAFT, S.VERIFIED, S.PUBLISHED, S.WITHDRAWN, S.CONFIRMED, S.CLOSED}
NOTE_NEEDED = {S.DRAFT, S.WITHDRAWN}
MAX_FEN = 10**12


# --- reading ---------------------------------------------------------------------------------------

def may_manage(user: User | None, listing: Listing) -> bool:
    return can(user, "org.manage_needs", listing.organisation)


def get_listing(actor: User | None, listing_id) -> Listing:
    """Return a listing: staff of its organisation see every status, others only public ones."""
    listing = db.session.get(Listing, listing_id) if is_id(listing_id) else None
    if listing is None or not (listing.is_public or may_manage(actor, listing)):
        raise NotFound()
    return listing


def listing_by_code(actor: User | None, code) -> Listing:
    """Return a listing by its public code: public ones to anyone, the rest to its organisation's staff."""
    listing = db.session.scalar(select(Listing).where(Listing.public_code == str(code).replace("\x00", "")[:16]))
    if listing is None or not (listing.is_public or may_manage(actor, listing)):
        raise NotFound()
    return listing


def public_listing(code: str) -> Listing:
    """Return a public listing by its public code."""
    listing = db.session.scalar(select(Listing).where(Listing.public_code == str(code).replace("\x00", "")[:16]))
    if listing is None or not listing.is_public:
        raise NotFound()
    return listing


def history(actor: User, listing: Listing) -> list[ListingEvent]:
    """Return every status change of a listing, oldest first (staff only)."""
    require(actor, "org.manage_needs", listing.organisation)
    return list(db.session.scalars(select(ListingEvent).where(ListingEvent.listing_id == listing.id)
                                   .order_by(ListingEvent.id)))


def browse(*, kind: str | None = None, category: str | None = None, district_id: int | None = None,
           status: str | None = None, min_fen: int | None = None, max_fen: int | None = None, text: str = ""):
    """Return a query of public listings, filtered; text matches title, story and pseudonym (Chinese too)."""
    statuses = [s.value for s in PUBLIC_STATUSES]
    stmt = select(Listing).where(Listing.status.in_([status] if status in statuses else statuses))
    if kind:
        stmt = stmt.where(Listing.kind == kind)
    if category:
        stmt = stmt.where(Listing.category == category)
    if is_id(district_id):
        stmt = stmt.where(Listing.district_id == district_id)
    if isinstance(min_fen, int) and 0 <= min_fen <= MAX_FEN:
        stmt = stmt.where(Listing.value_fen >= min_fen)
    if isinstance(max_fen, int) and 0 <= max_fen <= MAX_FEN:
        stmt = stmt.where(Listing.value_fen <= max_fen)
    words = (text or "").replace("\x00", "").strip().lower()[:100]
    for word in words.split()[:5]:
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(Listing.search_text.like(pattern, escape="\\"))
    return stmt


def listings_of(actor: User, org: Organisation, status: str | None = None):
    """Return a query of every listing of the organisation, newest first (staff only)."""
    require(actor, "org.manage_needs", org)
    stmt = select(Listing).where(Listing.organisation_id == org.id).order_by(Listing.id.desc())
    if status in S.__members__.values():
        stmt = stmt.where(Listing.status == status)
    return stmt


# --- writing ---------------------------------------------------------------------------------------

def _check_fields(kind: str, title, story, quantity, value_fen, funding: list[dict] | None,
                  cost_rows: list[dict] | None = None) -> dict:
    errors: dict[str, list] = {}
    if not isinstance(title, str) or not title.strip() or len(title) > 120 or "\x00" in title:
        errors["title"] = [_l("Enter a title of 1 to %(n)d characters.", n=120)]
    if not isinstance(story, str) or len(story) > 5000 or "\x00" in story:
        errors["story"] = [_l("Use at most %(n)d characters.", n=5000)]
    if type(quantity) is not int or not 1 <= quantity <= 1000:
        errors["quantity"] = [_l("Enter a quantity from 1 to %(n)d.", n=1000)]
    if type(value_fen) is not int or not 0 <= value_fen <= MAX_FEN:
        errors["value_fen"] = [_l("Enter an amount in yuan.")]
    elif kind == ListingKind.WISH and not 0 < value_fen <= settings.WISHES_WISH_VALUE_CAP_FEN:
        errors["value_fen"] = [_l("A micro-wish is worth more than ¥0 and at most %(cap)s.",
                                  cap=money(settings.WISHES_WISH_VALUE_CAP_FEN))]
    elif kind == ListingKind.HOUSEHOLD_NEED and value_fen <= 0:
        errors["value_fen"] = [_l("Enter the budget.")]
    lines = []
    for line in funding or []:
        source, amount, note = line.get("source"), line.get("amount_fen"), line.get("note") or ""
        if source not in FundingSource.__members__.values() or type(amount) is not int \
                or not 0 < amount <= MAX_FEN or not isinstance(note, str) or len(note) > 200:
            errors["funding"] = [_l("Each source needs a kind and an amount above zero.")]
            break
        lines.append(FundingLine(source=source, amount_fen=amount, note=note.strip()))
    if len(lines) > 10:
        errors["funding"] = [_l("List at most ten sources.")]
    if problems := costs.cost_errors(kind, value_fen, cost_rows):
        errors["costs"] = problems
    if errors:
        raise InvalidInput(fields=errors)
    return {"title": title.strip(), "story": story.strip(), "quantity": quantity, "value_fen": value_fen,
            "funding_lines": lines}


def _search_text(listing: Listing, beneficiary: Beneficiary) -> str:
    return " ".join([listing.title, listing.story, beneficiary.pseudonym]).lower()


def create_listing(actor: User, beneficiary_id, *, kind: str, title: str, story: str = "", quantity: int = 1,
                   value_fen: int = 0, funding: list[dict] | None = None, photo=None,
                   cost_rows: list[dict] | None = None, commit: bool = True) -> Listing:
    """Write a draft wish, household need or service need for a household the actor looks after; commit
    (unless `commit=False`, for a referral that records its link in the same transaction)."""
    beneficiary = get_beneficiary(actor, beneficiary_id)
    require(actor, "org.manage_needs", beneficiary.organisation)
    if kind not in ListingKind.__members__.values():
        raise InvalidInput(fields={"kind": [_l("Choose a kind from the list.")]})
    fields = _check_fields(kind, title, story, quantity, value_fen, funding if kind == ListingKind.HOUSEHOLD_NEED
                           else None, cost_rows)
    listing = Listing(kind=kind, organisation_id=beneficiary.organisation_id, beneficiary_id=beneficiary.id,
                      district_id=beneficiary.district_id, category=beneficiary.category, author_id=actor.id,
                      **fields)
    costs.replace_costs(listing, costs.cost_items(kind, cost_rows))
    if photo is not None and getattr(photo, "filename", ""):
        listing.photo_path, listing.public_photo_path = photos.store_photo(photo, "photo")
    listing.search_text = _search_text(listing, beneficiary)
    Listing.machine.start(listing, S.DRAFT, actor)
    record("listing.created", actor=actor, subject=listing)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return listing


def update_listing(actor: User, listing_id, **data) -> Listing:
    """Change a draft or submitted listing; a submitted one goes back to review unchanged in status."""
    listing = get_listing(actor, listing_id)
    require(actor, "org.manage_needs", listing.organisation)
    if listing.status_enum not in EDITABLE:
        raise Conflict(_l("Only a draft or a listing waiting for verification can be changed."))
    current = {"title": listing.title, "story": listing.story, "quantity": listing.quantity,
               "value_fen": listing.value_fen,
               "funding": [{"source": f.source, "amount_fen": f.amount_fen, "note": f.note}
                           for f in listing.funding_lines],
               "cost_rows": [{"label": c.label, "amount_fen": c.amount_fen} for c in costs.costs_of(listing)]}
    merged = current | {k: v for k, v in data.items() if k != "photo"}
    fields = _check_fields(listing.kind, merged["title"], merged["story"], merged["quantity"], merged["value_fen"],
                           merged["funding"] if listing.kind == ListingKind.HOUSEHOLD_NEED else None,
                           merged["cost_rows"])
    if "cost_rows" in data:
        costs.replace_costs(listing, costs.cost_items(listing.kind, merged["cost_rows"]))
    if fields["value_fen"] != listing.value_fen:
        listing.over_cap_approved_by_id, listing.over_cap_note = None, ""
    listing.funding_lines.clear()
    for name, value in fields.items():
        setattr(listing, name, value)
    if data.get("photo") is not None and getattr(data["photo"], "filename", ""):
        listing.photo_path, listing.public_photo_path = photos.store_photo(data["photo"], "photo")
    listing.search_text = _search_text(listing, listing.beneficiary)
    record("listing.updated", actor=actor, subject=listing, fields=sorted(data))
    db.session.commit()
    return listing


def needs_over_cap_approval(listing: Listing) -> bool:
    return (listing.kind == ListingKind.HOUSEHOLD_NEED and listing.value_fen > settings.WISHES_NEED_BUDGET_CAP_FEN
            and listing.over_cap_approved_by_id is None)


def approve_over_cap(actor: User, listing_id, note: str) -> Listing:
    """Let a household need's budget pass the cap: the organisation's admins decide, with a note."""
    listing = get_listing(actor, listing_id)
    require(actor, "org.edit", listing.organisation)
    note = reason_given(note, "note")
    if listing.kind != ListingKind.HOUSEHOLD_NEED or listing.value_fen <= settings.WISHES_NEED_BUDGET_CAP_FEN:
        raise Conflict(_l("This budget is within the cap and needs no approval."))
    listing.over_cap_approved_by_id, listing.over_cap_note = actor.id, note
    record("listing.over_cap_approved", actor=actor, subject=listing, note=note)
    db.session.commit()
    return listing


def offered_moves(actor: User, listing: Listing) -> list[S]:
    """Return the hand-made moves worth offering the actor now (the rest would only be refused)."""
    return [to for to in lifecycle.MOVES[listing.status_enum] if to in MANUAL
            and not (to is S.PUBLISHED and listing.status_enum is S.CLAIMED)
            and not (to is S.VERIFIED and listing.author_id == actor.id)
            and not (to is S.WITHDRAWN and holds_money(listing))]



def _check_move(actor: User, listing: Listing, to: S, note: str) -> None:
    """The rules each hand-made move adds to the table of allowed moves."""
    if to in NOTE_NEEDED:
        reason_given(note, "note")
    if to is S.WITHDRAWN and holds_money(listing):  # the money would stay in its fund, unexplained
        raise Conflict(_l("This listing holds money: propose a cancellation that refunds it or moves it to the "
                          "community fund; another staff member confirms it."))
    if to is S.PUBLISHED and listing.status_enum is S.CLAIMED:  # the claim, pledges or activity would stay
        raise Conflict(_l("Release the claim or withdraw the pledges to open this listing again."))
    if to is S.SUBMITTED and listing.kind == ListingKind.HOUSEHOLD_NEED:
        if sum(f.amount_fen for f in listing.funding_lines) != listing.value_fen:
            raise Conflict(_l("The co-funding plan must add up to the budget (%(budget)s).",
                              budget=money(listing.value_fen)))
    if to is S.VERIFIED:
        if listing.author_id == actor.id:
            raise Conflict(_l("Someone other than the author must verify a listing."))
        if needs_over_cap_approval(listing):
            raise Conflict(_l("This budget is over the cap: an organisation admin must approve it first."))
    if to is S.PUBLISHED:
        require_verified(listing.organisation)  # only verified organisations ask for money in public
    if to in (S.VERIFIED, S.PUBLISHED) and not is_verified(listing.beneficiary):
        raise Conflict(_l("The household's verification is missing or overdue; verify the household first."))


def transition(actor: User, listing_id, to: str, note: str = "") -> Listing:
    """Make a hand-made move (submit, return, verify, publish, withdraw, republish, confirm, close)."""
    listing = get_listing(actor, listing_id)
    require(actor, "org.manage_needs", listing.organisation)
    if to not in S.__members__.values():
        raise InvalidInput(fields={"to": [_l("Choose a status from the list.")]})
    target = S(to)
    if target not in MANUAL:
        raise Conflict(_l("Claims, pledges and delivery make that change; it cannot be made by hand."))
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > 300:
        raise InvalidInput(fields={"note": [_l("Use at most %(n)d characters.", n=300)]})
    locked = locked_listing(listing.id)
    _check_move(actor, locked, target, note)
    ended = _end_claims_and_pledges(locked, actor, note or "listing withdrawn") if target is S.WITHDRAWN else []
    move(locked, target, actor, note)
    if target is S.PUBLISHED and locked.kind == ListingKind.HOUSEHOLD_NEED:
        restricted_fund_for(locked)  # the need's own fund, for the money pledged to it
    for claim in ended:
        notices.claim_cancelled(claim)
    db.session.commit()
    return locked


def _end_claims_and_pledges(listing: Listing, by: User | None, why: str) -> list[WishClaim]:
    """Cancel what is pending on a listing being withdrawn; return the claims to tell their claimants of."""
    now = now_utc()
    claims = list(db.session.scalars(select(WishClaim).where(WishClaim.listing_id == listing.id,
                                                             WishClaim.status == ClaimStatus.ACTIVE.value)))
    for claim in claims:
        WishClaim.machine.move(claim, ClaimStatus.CANCELLED, by, why, ended_at=now)
    Pledge.machine.move_all([Pledge.listing_id == listing.id], PledgeStatus.ACTIVE, PledgeStatus.CANCELLED, by, why,
                            ended_at=now)
    listing.pledged_fen, listing.claim_deadline_at = 0, None
    return claims


# --- delivery and thanks -----------------------------------------------------------------------------

def _cancellation_waits(listing: Listing) -> bool:
    return open_cancellation(listing) is not None


def confirm_delivery(actor: User, listing_id, note: str = "", photo=None) -> Listing:
    """Staff confirm the wish was delivered (or the need met): claimed → fulfilled."""
    listing = get_listing(actor, listing_id)
    require(actor, "org.manage_needs", listing.organisation)
    note = note.strip() if isinstance(note, str) else ""
    if len(note) > 300:
        raise InvalidInput(fields={"note": [_l("Use at most %(n)d characters.", n=300)]})
    locked = locked_listing(listing.id)
    if locked.status_enum is not S.CLAIMED:
        raise Conflict(_l("Only a claimed listing can be marked as delivered."))
    if _cancellation_waits(locked):
        raise Conflict(_l("A cancellation of this listing is waiting for a second staff member: decide it first."))
    stored = photos.store_private(photo, "photo") if photo is not None and getattr(photo, "filename", "") else ""
    now = now_utc()
    claim = db.session.scalar(select(WishClaim).where(WishClaim.listing_id == locked.id,
                                                      WishClaim.status == ClaimStatus.ACTIVE.value))
    if claim is not None:
        WishClaim.machine.move(claim, ClaimStatus.FULFILLED, actor, note, ended_at=now)
    locked.delivered_at, locked.delivered_by_id, locked.delivery_note = now, actor.id, note
    locked.delivery_photo_path = stored or locked.delivery_photo_path
    locked.claim_deadline_at = None
    locked.beneficiary.last_helped_at = now
    move(locked, S.FULFILLED, actor, note)
    notices.delivered(locked)
    db.session.commit()
    return locked


def write_thanks(actor: User, listing_id, text: str) -> Listing:
    """Record the household's thank-you note (written with the social worker) and send it to the donors."""
    listing = get_listing(actor, listing_id)
    require(actor, "org.manage_needs", listing.organisation)
    if not isinstance(text, str) or not text.strip() or len(text) > 2000 or "\x00" in text:
        raise InvalidInput(fields={"text": [_l("Enter 1 to %(n)d characters.", n=2000)]})
    if listing.status_enum not in (S.FULFILLED, S.CONFIRMED, S.CLOSED):
        raise Conflict(_l("A thank-you note can be written once the help has been delivered."))
    first = listing.thanks_at is None
    listing.thanks_note, listing.thanks_at = text.strip(), now_utc()
    record("listing.thanked", actor=actor, subject=listing)
    if first:
        for donor in donors_of(listing):
            notices.thanks(listing, donor)
    db.session.commit()
    return listing


def may_read_thanks(user: User | None, listing: Listing) -> bool:
    """The household's thank-you note is for its donors and the organisation's staff."""
    if user is None or not listing.thanks_note:
        return False
    return may_manage(user, listing) or any(donor.id == user.id for donor in donors_of(listing))


def convert_to_activity(actor: User, listing_id, *, starts_at, ends_at, capacity: int, address: str = ""):
    """Turn a published service need into a time-bank activity; the need counts as claimed by it."""
    from marketplace.timebank.activities.service import add_activity

    listing = get_listing(actor, listing_id)
    require(actor, "org.run_activities", listing.organisation)
    locked = locked_listing(listing.id)
    if locked.kind != ListingKind.SERVICE_NEED or locked.status_enum is not S.PUBLISHED:
        raise Conflict(_l("Only a published service need can become an activity."))
    category = {"elderly_alone": "elderly_care", "disability": "disability"}.get(locked.category, "poverty_relief")
    activity = add_activity(actor, locked.organisation, title=locked.title, description=locked.story,
                            category=category, district_id=locked.district_id, address=address,
                            starts_at=starts_at, ends_at=ends_at, capacity=capacity)
    locked.activity_id = activity.id
    move(locked, S.CLAIMED, actor, "activity")
    db.session.commit()
    return activity
