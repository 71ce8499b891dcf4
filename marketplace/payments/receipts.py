"""Receipts: numbers per organisation and year, without gaps, taken under the counter's row lock in
the same transaction as the gift's completion (so a rolled-back gift gives its number back); the
bilingual PDF, and the email that carries it to the donor: queued in the outbox with the completion,
rendered (PDF included) and sent by the outbox worker after the commit."""
from __future__ import annotations

from flask import render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mailman import EmailMessage
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from config import settings
from marketplace.auth.models import PublicDisplay
from marketplace.notifications.service import notify
from marketplace.outbox.service import add_build
from marketplace.payments import receipt_pdf as pdf_layout
from marketplace.payments.models import Donation, ReceiptCounter
from marketplace.platform.errors import NotFound
from marketplace.platform.extensions import db
from marketplace.platform.links import site_url
from marketplace.platform.sqlite import savepoint
from marketplace.platform.timeutil import local_date


def issue_number(donation: Donation) -> str:
    """Give a completed donation its receipt number, e.g. `R-12-2026-000034` (once; flushed, not committed).

    Completions of one organisation queue on its counter from this statement to their commit, so callers
    take the number last, when every other lock of theirs is held and little is left to do.
    """
    if donation.receipt_no:
        return donation.receipt_no
    org_id = donation.fund.organisation_id
    year = local_date(donation.completed_at).year
    donation.receipt_no = f"R-{org_id}-{year}-{_next_number(org_id, year):06d}"
    db.session.flush()
    return donation.receipt_no


def _next_number(org_id: int, year: int) -> int:
    """Move the year's counter on by one and return the new number, in one guarded statement (its row lock
    is taken by the UPDATE itself: no read before it)."""
    stmt = (update(ReceiptCounter).where(ReceiptCounter.organisation_id == org_id, ReceiptCounter.year == year)
            .values(last_number=ReceiptCounter.last_number + 1).returning(ReceiptCounter.last_number)
            .execution_options(synchronize_session=False))
    number = db.session.execute(stmt).scalar()
    if number is not None:
        return number
    try:
        with savepoint():
            db.session.add(ReceiptCounter(organisation_id=org_id, year=year, last_number=0))
            db.session.flush()
    except IntegrityError:  # the year's first receipt, taken at the same moment elsewhere
        pass
    return db.session.execute(stmt).scalar_one()


def receipt_pdf(donation: Donation) -> bytes:
    """Return the bilingual PDF receipt of a completed donation.

    :raise NotFound: the donation is not completed (it has no receipt yet).
    """
    if donation.receipt_no is None or donation.completed_at is None:
        raise NotFound()
    return pdf_layout.render(receipt_content(donation))


def receipt_content(donation: Donation) -> dict:
    """Return what a receipt says, in both languages where it is words."""
    org, fund = donation.fund.organisation, donation.fund
    return {
        "number": donation.receipt_no,
        "org_zh": org.name_zh, "org_en": org.name_en,
        "registered_name": org.registered_name or org.name_zh,
        "credit_code": org.credit_code or "",
        "address": org.address,
        "issued_on": local_date(donation.completed_at).isoformat(),
        "received_on": donation.received_on.isoformat() if donation.received_on else "",
        "late_entry": bool(donation.is_late_entry),
        "donor": made_out_to(donation),
        "amount_fen": donation.amount_fen,
        "refunded_fen": donation.refunded_fen,
        "fund_zh": fund.name_zh, "fund_en": fund.name_en,
        "purpose": donation.listing.title if donation.listing is not None else fund.purpose,
        "provider": donation.provider,
        "code": donation.public_code,
    }


def made_out_to(donation: Donation) -> str:
    """Name the donor in full, as a receipt is made out: whatever they chose for public pages."""
    if donation.organisation is not None:
        return f"{donation.organisation.name_zh} ({donation.organisation.name_en})"
    name = donation.donor.display_name if donation.donor is not None else donation.payer_name
    return (name or "").strip()


def donor_shown(donation: Donation, bilingual: bool = True) -> str:
    """Name the donor on public pages as they chose to appear: by name, masked (张**) or anonymous (in both
    languages where both are shown, in the reader's language on a page). Receipts use `made_out_to`."""
    if donation.display == PublicDisplay.ANONYMOUS:
        return pdf_layout.bilingual(_l("Anonymous"), " ") if bilingual else str(_l("Anonymous"))
    if donation.organisation is not None:
        name = f"{donation.organisation.name_zh} ({donation.organisation.name_en})"
    else:
        name = donation.donor.display_name if donation.donor is not None else donation.payer_name
    name = (name or "").strip()
    return name[:1] + "**" if donation.display == PublicDisplay.MASKED and donation.organisation is None else name


def send_receipt(donation: Donation) -> bool:
    """Queue the donor's bilingual PDF receipt in the outbox, with the caller's transaction.

    Returns whether one was queued: a payer without an account has no address. The PDF is rendered
    and mailed by the outbox worker after the commit, so a failing mail server never undoes a gift.
    """
    donor = donation.donor
    if donation.receipt_no is None or donor is None or not donor.email:
        return False
    # the receipt email is a document the donor needs: it goes whatever their email choices; the bell says so too
    notify(donor, "receipt_ready", link=("payments.my_giving", {}), number=donation.receipt_no,
           amount_fen=donation.amount_fen)
    add_build("marketplace.payments.receipts.receipt_message", donation.id)
    return True


def receipt_message(donation_id: int) -> EmailMessage | None:
    """Build the receipt email with its PDF, in the donor's language (run by the outbox worker)."""
    donation = db.session.get(Donation, donation_id)
    donor = donation.donor if donation is not None else None
    if donation is None or donation.receipt_no is None or donor is None or not donor.email:
        return None
    pdf = receipt_pdf(donation)
    with force_locale(donor.locale):
        body = render_template("email/receipt.txt", donation=donation, donor=donor,
                               link=site_url("payments.my_giving"))
        subject = str(_l("Your receipt %(number)s from Goodhours", number=donation.receipt_no))
    message = EmailMessage(subject=subject, body=body, from_email=settings.MAIL_DEFAULT_SENDER,
                           to=[donor.email])
    message.attach(f"receipt-{donation.receipt_no}.pdf", pdf, "application/pdf")
    return message
