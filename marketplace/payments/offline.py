"""Offline gifts: staff of the fund's organisation record a bank transfer or cash, with evidence.

A gift up to the second-person amount (`MONEY_SECOND_PERSON_ABOVE_FEN`, default ¥5,000, see
marketplace/orgs/controls.py) completes at once through the one completion path; a larger one waits for
a second staff member, never the one who recorded it, to confirm that the money is really there.
The receipt is emailed after the commit.

The gift's ledger entry is dated the day the money was received. A day inside a closed period is
refused, naming the period, unless a finance user books it as a late entry: then the entry is dated
in the open period (today) and the gift keeps the day received, shown on it, its receipt and the memo.
"""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from config import settings
from marketplace.audit.service import record
from marketplace.auth.models import PublicDisplay, User
from marketplace.auth.service import find_by_email
from marketplace.funds.models import Fund
from marketplace.ledger.errors import PeriodClosed
from marketplace.orgs import controls
from marketplace.orgs.models import Organisation, OrgKind
from marketplace.orgs.policy import can, require
from marketplace.orgs.service import require_verified
from marketplace.payments.completion import complete
from marketplace.payments.models import Donation, DonationStatus, Provider
from marketplace.platform.errors import Conflict, Forbidden, InvalidInput, NotFound
from marketplace.platform.extensions import db
from marketplace.platform.i18n import lazy_day
from marketplace.platform.ids import is_id
from marketplace.platform.timeutil import local_today
from marketplace.platform.transactions import retried, retrying
from marketplace.reconciliation.periods import closed_period_of
from marketplace.web import uploads

OFFLINE = (Provider.BANK.value, Provider.CASH.value)
MIN_FEN = 100  # ¥1
RECORD_DAYS_BACK = 366  # a gift is recorded within a year of its arrival


def record_gift(actor: User, org: Organisation, *, fund_id, method: str, amount_fen, received_on, evidence,
                payer_email: str = "", payer_name: str = "", display: str = PublicDisplay.MASKED.value,
                reference: str = "", firm_id=None, late_entry: bool = False) -> Donation:
    """Record a bank transfer or cash received by the organisation, and complete it unless it must wait.

    `late_entry` (finance users only) books a gift received in a closed period in the open one.

    :raise InvalidInput: a field is wrong (named in `fields`); nothing is stored.
    :raise Conflict: the organisation is not verified, so it may not take gifts.
    """
    require(actor, "org.manage_funds", org)
    require_verified(org)
    errors: dict[str, list] = {}
    fund = db.session.get(Fund, fund_id) if is_id(fund_id) else None
    if fund is None or fund.organisation_id != org.id or not fund.is_open:
        errors["fund_id"] = [_l("Choose one of the organisation's open funds.")]
    if method not in OFFLINE:
        errors["method"] = [_l("Choose a bank transfer or cash.")]
    if not _is_amount(amount_fen):
        errors["amount_fen"] = [_l("Enter an amount of at least ¥1.00 and at most ¥%(most)s.",
                                   most=f"{settings.PAYMENTS_OFFLINE_MAX_FEN // 100:,}")]
    payer, payer_name = _payer(payer_email, payer_name, errors)
    firm = _firm(firm_id, errors)
    if display not in PublicDisplay.__members__.values():
        errors["display"] = [_l("Choose how the donor appears.")]
    if not _short_text(reference, 120):
        errors["reference"] = [_l("Use at most %(n)d characters.", n=120)]
    today = local_today()
    if not isinstance(received_on, date) or received_on > today:
        errors["received_on"] = [_l("Give the day the money arrived; it cannot be in the future.")]
    elif received_on < today - timedelta(days=RECORD_DAYS_BACK):
        errors["received_on"] = [_l("Record a gift within a year of receiving it.")]
    else:
        late_entry = _late(actor, org, received_on, late_entry is True, errors)
    if errors:
        raise InvalidInput(fields=errors)
    path, content_type = uploads.store(evidence, "evidence", "donations")

    def book() -> Donation:  # one transaction, repeated after a deadlock; the file is stored once
        donation = Donation(fund_id=fund.id, listing_id=fund.listing_id, donor_id=payer.id if payer else None,
                            organisation_id=firm.id if firm else None, amount_fen=amount_fen, display=display,
                            provider=method, reference=reference.strip(),
                            payer_name=payer_name, received_on=received_on, evidence_path=path,
                            evidence_type=content_type, recorded_by_id=actor.id, is_late_entry=late_entry)
        Donation.machine.start(donation, DonationStatus.PENDING, actor, f"recorded ({method})")
        db.session.flush()
        record("donation.recorded", actor=actor, subject=donation, amount_fen=amount_fen, provider=method,
               received_on=received_on.isoformat(), late_entry=late_entry)
        if controls.needs_second_person(amount_fen):
            Donation.machine.move(donation, DonationStatus.AWAITING_SECOND, actor, "above the second-person amount")
        else:
            donation.confirmed_by_id = actor.id
            complete(donation, actor)
        db.session.flush()  # `retrying` commits; the receipt was queued with the completion
        return donation

    return retrying(book)


@retried
def confirm_gift(actor: User, donation_id) -> Donation:
    """Confirm large cash recorded by another staff member, completing it.

    :raise Forbidden: the actor recorded the gift (a second person must confirm).
    :raise Conflict: the gift no longer waits for confirmation.
    :raise Busy: the database stayed too busy (nothing was saved).
    """
    donation = _locked_offline(actor, donation_id)
    if donation.status != DonationStatus.AWAITING_SECOND:
        raise Conflict(_l("This gift is not waiting for confirmation any more."))
    if donation.recorded_by_id == actor.id:
        raise Forbidden(_l("Another staff member must confirm a gift you recorded yourself."))
    donation.confirmed_by_id = actor.id
    try:
        complete(donation, actor)
    except PeriodClosed as closed:
        raise Conflict(_l("The books were closed through %(day)s after this gift was recorded. Cancel it; a "
                          "finance user can record it again as a late entry.",
                          day=closed.closed_through.isoformat())) from None
    db.session.flush()  # `retrying` commits; the receipt was queued with the completion
    return donation


def cancel_gift(actor: User, donation_id) -> Donation:
    """Cancel a gift still waiting for confirmation (the money was not found, or recorded by mistake)."""
    donation = _locked_offline(actor, donation_id)
    if donation.status != DonationStatus.AWAITING_SECOND:
        raise Conflict(_l("This gift is not waiting for confirmation any more."))
    Donation.machine.move(donation, DonationStatus.CANCELLED, actor, "cancelled by staff")
    record("donation.cancelled", actor=actor, subject=donation)
    db.session.commit()
    return donation


def awaiting(org: Organisation):
    """Return a query of the organisation's gifts waiting for a second staff member, oldest first."""
    return (select(Donation).join(Fund, Fund.id == Donation.fund_id)
            .where(Fund.organisation_id == org.id, Donation.status == DonationStatus.AWAITING_SECOND.value)
            .order_by(Donation.id))


def recorded(org: Organisation, limit: int = 50):
    """Return a query of the organisation's latest offline gifts, newest first."""
    return (select(Donation).join(Fund, Fund.id == Donation.fund_id)
            .where(Fund.organisation_id == org.id, Donation.provider.in_(OFFLINE))
            .order_by(Donation.id.desc()).limit(limit))


def evidence_for(actor: User | None, donation_id) -> tuple[Path, str]:
    """Return an offline gift's evidence file and type (the organisation's staff only; others: NotFound)."""
    donation = db.session.get(Donation, donation_id) if is_id(donation_id) else None
    if donation is None or not donation.evidence_path or not can(actor, "org.manage_funds",
                                                                 donation.fund.organisation):
        raise NotFound()
    try:
        path = uploads.path_of(donation.evidence_path)
    except FileNotFoundError:
        raise NotFound() from None
    if not path.is_file():
        raise NotFound()
    return path, donation.evidence_type


def _locked_offline(actor: User, donation_id) -> Donation:
    donation = db.session.get(Donation, donation_id) if is_id(donation_id) else None
    if donation is None or donation.provider not in OFFLINE:
        raise NotFound()
    require(actor, "org.manage_funds", donation.fund.organisation)
    return db.session.scalar(select(Donation).where(Donation.id == donation.id).with_for_update()
                             .execution_options(populate_existing=True))


def _late(actor: User, org: Organisation, received_on: date, late_entry: bool, errors: dict) -> bool:
    """Refuse a day inside a closed period unless a finance user books it late; return whether it is late."""
    closed = closed_period_of("organisation", org.id, received_on)
    if closed is None:
        return False
    start, through = closed
    if not late_entry:
        period = (_l("the period %(start)s to %(end)s", start=lazy_day(start), end=lazy_day(through))
                  if start else _l("the period ending %(end)s", end=lazy_day(through)))
        errors["received_on"] = [_l("%(day)s is in %(period)s, whose books are closed. A finance user can record "
                                    "the gift as a late entry in the open period, keeping the day received.",
                                    day=lazy_day(received_on), period=period)]
    elif not can(actor, "org.keep_books", org):
        errors["late_entry"] = [_l("Only the organisation's finance staff may record a late entry.")]
    return True


def _is_amount(value) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)
            and MIN_FEN <= value <= settings.PAYMENTS_OFFLINE_MAX_FEN)


def _short_text(value, longest: int) -> bool:
    return isinstance(value, str) and len(value) <= longest and "\x00" not in value


def _payer(email, name, errors: dict) -> tuple[User | None, str]:
    """Return the payer's account (found by email) or the typed name of a payer without one."""
    email = email.strip() if isinstance(email, str) else ""
    name = name.strip() if isinstance(name, str) else ""
    if email:
        payer = find_by_email(email) if len(email) <= 254 and "\x00" not in email else None
        if payer is None:
            errors["payer_email"] = [_l("No account has this email. Leave it empty and type the payer's name.")]
        return payer, ""
    if not name or not _short_text(name, 120):
        errors["payer_name"] = [_l("Give the payer's email (if they have an account) or their name.")]
    return None, name


def _firm(firm_id, errors: dict) -> Organisation | None:
    if firm_id in (None, ""):
        return None
    firm = db.session.get(Organisation, firm_id) if is_id(firm_id) else None
    if firm is None or firm.kind != OrgKind.FIRM:
        errors["firm_id"] = [_l("Choose a firm from the list.")]
    return firm
