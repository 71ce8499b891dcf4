"""Receipt numbers: per organisation and year, without gaps, taken under the counter's row lock in
the same transaction as the gift's completion (so a rolled-back gift gives its number back)."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from marketplace.extensions import db
from marketplace.payments.models import Donation, ReceiptCounter
from marketplace.sqlite import savepoint
from marketplace.timeutil import local_date


def issue_number(donation: Donation) -> str:
    """Give a completed donation its receipt number, e.g. `R-12-2026-000034` (once; flushed, not committed)."""
    if donation.receipt_no:
        return donation.receipt_no
    org_id = donation.fund.organisation_id
    year = local_date(donation.completed_at).year
    counter = _locked_counter(org_id, year)
    counter.last_number += 1
    donation.receipt_no = f"R-{org_id}-{year}-{counter.last_number:06d}"
    db.session.flush()
    return donation.receipt_no


def _locked_counter(org_id: int, year: int) -> ReceiptCounter:
    stmt = (select(ReceiptCounter).where(ReceiptCounter.organisation_id == org_id, ReceiptCounter.year == year)
            .with_for_update().execution_options(populate_existing=True))
    counter = db.session.scalar(stmt)
    if counter is not None:
        return counter
    try:
        with savepoint():
            db.session.add(ReceiptCounter(organisation_id=org_id, year=year, last_number=0))
            db.session.flush()
    except IntegrityError:  # the year's first receipt, taken at the same moment elsewhere
        pass
    return db.session.scalar(stmt)


def send_receipt(donation: Donation) -> None:
    """Email the donor their bilingual PDF receipt (after the commit)."""
    raise NotImplementedError("receipts by email arrive with the receipts work")
