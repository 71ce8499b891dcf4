"""Disbursement rules: staff pay money out of a fund with a receipt or invoice; amounts above the
second-person amount (`MONEY_SECOND_PERSON_ABOVE_FEN`, default ¥5,000, see marketplace/orgs/controls.py)
wait for a second staff member (never the requester); a fund never goes below zero; a restricted
fund pays only for its own wish or need; a rejected request keeps its reason. Paying takes the money
out of the organisation's bank account in the books, so the bank statement line matches it.
"""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from marketplace.audit.service import record
from marketplace.auth.models import User
from marketplace.funds import evidence
from marketplace.funds.models import Disbursement, DisbursementStatus, Fund
from marketplace.ledger import service as ledger
from marketplace.ledger.errors import InsufficientBalance
from marketplace.notifications.service import notify
from marketplace.orgs import controls
from marketplace.orgs.policy import can, require
from marketplace.payments import postings
from marketplace.platform.checks import reason_given
from marketplace.platform.errors import Conflict, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.i18n import money
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import now_utc
from marketplace.platform.transactions import retried
from marketplace.wishes.models import Listing, ListingKind

D = DisbursementStatus
MAX_FEN = 10**12
PAYABLE_KINDS = (ListingKind.WISH.value, ListingKind.HOUSEHOLD_NEED.value)


def approval_threshold() -> int:
    """Return the amount (fen) above which a disbursement needs a second staff member."""
    return controls.second_person_above()


def may_manage(user: User | None, fund: Fund) -> bool:
    return can(user, "org.manage_funds", fund.organisation)


# --- reading ---------------------------------------------------------------------------------------

def get_disbursement(actor: User | None, disbursement_id) -> Disbursement:
    """Return a disbursement to its organisation's staff; others get NotFound."""
    found = db.session.get(Disbursement, disbursement_id) if is_id(disbursement_id) else None
    if found is None or not may_manage(actor, found.fund):
        raise NotFound()
    return found


def published_receipt(disbursement_code) -> Disbursement:
    """Return a paid disbursement, by its public code, whose redacted receipt is published; NotFound otherwise."""
    code = str(disbursement_code).replace("\x00", "")[:16]
    found = db.session.scalar(select(Disbursement).where(Disbursement.public_code == code))
    if found is None or found.status != D.PAID or not found.public_evidence_path:
        raise NotFound()
    return found


def paid_of(fund: Fund):
    """Return a query of the fund's paid disbursements, newest first (public)."""
    return (select(Disbursement).where(Disbursement.fund_id == fund.id, Disbursement.status == D.PAID.value)
            .order_by(Disbursement.decided_at.desc(), Disbursement.id.desc()))


def disbursements_of(actor: User, fund: Fund, status: str | None = None):
    """Return a query of every disbursement of the fund, waiting ones first (its staff)."""
    require(actor, "org.manage_funds", fund.organisation)
    stmt = select(Disbursement).where(Disbursement.fund_id == fund.id)
    if status in D.__members__.values():
        stmt = stmt.where(Disbursement.status == status)
    return stmt.order_by((Disbursement.status == D.REQUESTED.value).desc(), Disbursement.id.desc())


def awaiting_approval(actor: User, org) -> list[tuple[Fund, int]]:
    """Return (fund, number of disbursements waiting for a second person's approval) of the organisation."""
    require(actor, "org.manage_funds", org)
    rows = db.session.execute(
        select(Fund, func.count(Disbursement.id)).join(Disbursement, Disbursement.fund_id == Fund.id)
        .where(Fund.organisation_id == org.id, Disbursement.status == D.REQUESTED.value)
        .group_by(Fund.id).order_by(Fund.id))
    return [(fund, count) for fund, count in rows]


def paid_for(listing: Listing) -> int:
    """Return what has been paid out for a wish or need (fen): its money side."""
    return int(db.session.scalar(select(func.coalesce(func.sum(Disbursement.amount_fen), 0)).where(
        Disbursement.listing_id == listing.id, Disbursement.status == D.PAID.value)))


def payable_listings(fund: Fund):
    """Return a query of the wishes and needs a fund may pay for: a restricted fund only its own."""
    if fund.is_restricted:
        return select(Listing).where(Listing.id == fund.listing_id)
    return (select(Listing).where(Listing.organisation_id == fund.organisation_id,
                                  Listing.kind.in_(PAYABLE_KINDS)).order_by(Listing.id.desc()))


# --- requesting ------------------------------------------------------------------------------------

def _check(fund: Fund, payee, purpose, amount_fen, listing_id) -> dict:
    errors: dict[str, list] = {}
    if not isinstance(payee, str) or not payee.strip() or len(payee) > 160 or "\x00" in payee:
        errors["payee"] = [_l("Enter 1 to %(n)d characters.", n=160)]
    if not isinstance(purpose, str) or not purpose.strip() or len(purpose) > 500 or "\x00" in purpose:
        errors["purpose"] = [_l("Enter 1 to %(n)d characters.", n=500)]
    if type(amount_fen) is not int or not 0 < amount_fen <= MAX_FEN:
        errors["amount_fen"] = [_l("Enter an amount above zero.")]
    listing = None
    if listing_id is not None:
        listing = db.session.get(Listing, listing_id) if is_id(listing_id) else None
        if listing is None or listing.organisation_id != fund.organisation_id or listing.kind not in PAYABLE_KINDS:
            errors["listing_id"] = [_l("Choose a wish or need of this organisation.")]
            listing = None
    if fund.is_restricted and not errors.get("listing_id") and (listing is None or listing.id != fund.listing_id):
        errors["listing_id"] = [_l("A restricted fund pays only for its own wish or need.")]
    if errors:
        raise InvalidInput(fields=errors)
    return {"payee": payee.strip(), "purpose": purpose.strip(), "amount_fen": amount_fen,
            "listing_id": listing.id if listing else None}


def request_disbursement(actor: User, fund: Fund, *, payee: str, purpose: str, amount_fen: int, evidence_file,
                         listing_id: int | None = None, referral_id: int | None = None,
                         also: Callable[[Disbursement], object] | None = None) -> Disbursement:
    """Ask to pay money out of a fund, with the receipt or invoice; at or below the threshold it is paid at once.

    `referral_id` names the referral (转介) the cash is given for; its caller has checked it. `also` writes the
    caller's own record of the payment (the referral's action) in the same transaction.

    :raise Conflict: the fund holds less than the amount (nothing is written, no file kept).
    """
    require(actor, "org.manage_funds", fund.organisation)
    fields = _check(fund, payee, purpose, amount_fen, listing_id)
    _refuse_if_short(fund, amount_fen)
    stored, content_type = evidence.store_private(evidence_file, "evidence")
    try:
        disbursement = Disbursement(fund_id=fund.id, evidence_path=stored, evidence_type=content_type,
                                    requested_by_id=actor.id, referral_id=referral_id, **fields)
        Disbursement.machine.start(disbursement, D.REQUESTED, actor, fields.get("purpose", "")[:300])
        db.session.flush()
        record("disbursement.requested", actor=actor, subject=disbursement, fund_id=fund.id,
               amount_fen=amount_fen, listing_id=fields["listing_id"])
        if amount_fen <= approval_threshold():
            _pay(disbursement, actor)
        if also is not None:
            also(disbursement)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        evidence.discard(stored)
        raise
    return disbursement


def _refuse_if_short(fund: Fund, amount_fen: int) -> None:
    available = ledger.balance(postings.fund_account(fund)).available
    if amount_fen > available:
        raise _short(amount_fen, available)


def _short(amount_fen: int, available: int | None) -> Conflict:
    return Conflict(_l("The fund holds %(available)s, not enough to pay %(amount)s; a fund never goes below zero.",
                       available=money(max(available or 0, 0)), amount=money(amount_fen)))


def _pay(disbursement: Disbursement, actor: User) -> None:
    """Post the payment out of the fund and mark it paid (flushed, not committed)."""
    try:
        entry = postings.disburse(disbursement, actor=actor)
    except InsufficientBalance as error:
        raise _short(disbursement.amount_fen, error.available) from None
    Disbursement.machine.move(disbursement, D.PAID, actor, "paid", entry_id=entry.id, decided_by_id=actor.id,
                              decided_at=now_utc())
    db.session.flush()
    record("disbursement.paid", actor=actor, subject=disbursement, amount_fen=disbursement.amount_fen,
           entry_id=entry.id)


# --- deciding --------------------------------------------------------------------------------------

def _locked(actor: User, disbursement_id) -> Disbursement:
    """Return a waiting disbursement under a row lock, so two decisions happen one at a time."""
    found = get_disbursement(actor, disbursement_id)
    locked = db.session.scalar(select(Disbursement).where(Disbursement.id == found.id).with_for_update()
                               .execution_options(populate_existing=True))
    if locked.status != D.REQUESTED:
        raise Conflict(_l("This request has already been decided."))
    return locked


@retried
def approve_disbursement(actor: User, disbursement_id) -> Disbursement:
    """Approve a waiting request and pay it: a second staff member, never the requester.

    :raise Busy: the database stayed too busy after a few tries (nothing was saved).
    """
    try:
        locked = _locked(actor, disbursement_id)
        if locked.requested_by_id == actor.id:
            raise Conflict(_l("Someone other than the requester must approve this payment."))
        record("disbursement.approved", actor=actor, subject=locked)
        _pay(locked, actor)
        notify(locked.requested_by, "disbursement_approved",
               link=("funds.disbursement", {"disbursement_id": locked.id}), amount_fen=locked.amount_fen,
               payee=locked.payee)
    except BaseException:
        db.session.rollback()
        raise
    return locked


def reject_disbursement(actor: User, disbursement_id, reason: str) -> Disbursement:
    """Refuse a waiting request, keeping the reason (any staff member; the requester withdraws it so)."""
    get_disbursement(actor, disbursement_id)  # a stranger learns nothing from the message
    reason = reason_given(reason)
    locked = _locked(actor, disbursement_id)
    Disbursement.machine.move(locked, D.REJECTED, actor, reason, reject_reason=reason, decided_by_id=actor.id,
                              decided_at=now_utc())
    record("disbursement.rejected", actor=actor, subject=locked, reason=reason)
    db.session.commit()
    return locked


# --- the public copy of the receipt ------------------------------------------------------------------

def publish_receipt(actor: User, disbursement_id, upload) -> Disbursement:
    """Publish a redacted copy of a paid disbursement's receipt, uploaded by staff (replacing any earlier one)."""
    disbursement = get_disbursement(actor, disbursement_id)
    if disbursement.status != D.PAID:
        raise Conflict(_l("Only a paid disbursement's receipt can be published."))
    stored = evidence.store_public(upload, "receipt")
    earlier = disbursement.public_evidence_path
    disbursement.public_evidence_path = stored
    record("disbursement.receipt_published", actor=actor, subject=disbursement)
    db.session.commit()
    evidence.discard(earlier)
    return disbursement


def unpublish_receipt(actor: User, disbursement_id) -> Disbursement:
    """Take the public copy of a receipt down."""
    disbursement = get_disbursement(actor, disbursement_id)
    earlier = disbursement.public_evidence_path
    if not earlier:
        raise Conflict(_l("No public copy of this receipt is published."))
    disbursement.public_evidence_path = ""
    record("disbursement.receipt_unpublished", actor=actor, subject=disbursement)
    db.session.commit()
    evidence.discard(earlier)
    return disbursement
