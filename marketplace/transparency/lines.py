"""Every transaction of one or more fund accounts, newest first, as the public may see it.

Pages are keyset-paginated on the posting id (index `ix_ledger_posting_account_id_id`), so the
millionth line comes as fast as the first. Each page is described with a fixed number of queries:
the gifts and payments behind its entries are batch-loaded, never one by one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from marketplace.api.pagination import decode_cursor, encode_cursor
from marketplace.funds.models import Disbursement, DisbursementStatus, Fund
from marketplace.ledger import queries as ledger_queries
from marketplace.ledger.causes import CauseKind
from marketplace.payments.models import Donation
from marketplace.payments.receipts import donor_shown
from marketplace.platform.errors import DomainError, InvalidInput
from marketplace.platform.extensions import db
from marketplace.platform.labels import Labels
from marketplace.wishes.models import Cancellation, Listing

PER_PAGE = 50
UNION_UP_TO = 100  # accounts read one index range each (merged in SQL); more use one IN over the index


class BadCursor(DomainError):
    status = 400
    code = "bad_cursor"
    default_message = _l("This page link is not valid. Please start again from the first page.")


@dataclass
class PublicLine:
    """One transaction as shown in public: no private field of anyone is ever copied here."""

    posting_id: int
    day: date
    amount: int  # fen, always positive; `direction` says which way
    direction: str  # "in" or "out"
    kind: str  # donation, refund, disbursement, fee, correction, excess, reallocation or other
    fund: Fund | None = None
    code: str = ""  # the gift's or payment's public code
    donor: str = ""  # as the donor chose to appear
    pseudonym: str = ""  # the household, by pseudonym only
    listing: Listing | None = None  # linked only while public
    payee: str = ""
    purpose: str = ""
    receipt_code: str = ""  # a disbursement whose redacted receipt is published
    fee_fen: int = 0


@dataclass
class LinesPage:
    lines: list[PublicLine] = field(default_factory=list)
    next_cursor: str | None = None


def read_cursor(cursor: str | None) -> int | None:
    """Return the posting id a page starts below, or raise BadCursor."""
    if not cursor:
        return None
    try:
        return decode_cursor(cursor[:200])
    except InvalidInput:
        raise BadCursor() from None


def page_of(funds: list[Fund], account_of: dict[int, int], cursor: str | None = None,
            per_page: int = PER_PAGE) -> LinesPage:
    """Return one page of the transactions of the funds' accounts (`account_of`: fund id → account id)."""
    before = read_cursor(cursor)
    fund_by_account = {account_of[f.id]: f for f in funds if f.id in account_of}
    rows = ledger_queries.newest_postings(list(fund_by_account), before, per_page + 1, union_up_to=UNION_UP_TO)
    more = len(rows) > per_page
    rows = rows[:per_page]
    lines = describe(rows, fund_by_account)
    return LinesPage(lines, encode_cursor(rows[-1].id) if more and rows else None)


GIFT_CAUSES = (CauseKind.DONATION, CauseKind.REFUND, CauseKind.FEE, CauseKind.EXCESS)
KINDS = {CauseKind.DONATION: "donation", CauseKind.REFUND: "refund", CauseKind.DISBURSEMENT: "disbursement",
         CauseKind.FEE: "fee", CauseKind.REVERSAL: "correction", CauseKind.EXCESS: "excess",
         CauseKind.REALLOCATION: "reallocation"}
LINE_KINDS = Labels("public_line_kind", {
    "donation": _l("Gift"), "refund": _l("Refund"), "disbursement": _l("Payment out"),
    "fee": _l("Payment provider's fee"), "correction": _l("Correction"),
    "excess": _l("Gift beyond the budget, to the community fund"), "reallocation": _l("Moved: wish or need cancelled"),
    "other": _l("Other"),
})


def describe(rows: list[ledger_queries.PostingLine], fund_by_account: dict[int, Fund]) -> list[PublicLine]:
    """Turn ledger rows into public lines, loading their gifts and payments in a few batched queries."""
    causes = {row.entry_id: row.cause for row in rows}
    # a correction describes the gift or payment it reverses
    causes.update(ledger_queries.causes_of({row.reverses_id for row in rows if row.reverses_id}))
    numbers = [(cause.kind, cause.number) for cause in causes.values() if cause.number]
    donations = _donations({n for kind, n in numbers if kind in GIFT_CAUSES})
    paid = _disbursements({n for kind, n in numbers if kind is CauseKind.DISBURSEMENT})
    cancelled = _cancellations({n for kind, n in numbers if kind is CauseKind.REALLOCATION})
    lines = []
    for row in rows:
        kind = KINDS.get(row.cause.kind, "other")
        line = PublicLine(posting_id=row.id, day=row.effective_date, amount=abs(row.amount),
                          direction="in" if row.amount > 0 else "out", kind=kind,
                          fund=fund_by_account.get(row.account_id))
        source_cause = causes.get(row.reverses_id or row.entry_id)
        source_kind, number = (source_cause.kind, source_cause.number) if source_cause else (None, None)
        source = (donations.get(number) if source_kind in GIFT_CAUSES else
                  paid.get(number) if source_kind is CauseKind.DISBURSEMENT else
                  cancelled.get(number) if source_kind is CauseKind.REALLOCATION else None)
        if isinstance(source, Cancellation):
            line.purpose = source.reason
            _household(line, source.listing)
        elif isinstance(source, Donation):
            _describe_gift(line, source)
        elif isinstance(source, Disbursement):
            _describe_payment(line, source)
        if not line.pseudonym and line.fund is not None and line.fund.listing is not None:
            _household(line, line.fund.listing)
        lines.append(line)
    return lines


def _describe_gift(line: PublicLine, gift: Donation) -> None:
    line.code = gift.public_code
    shown = donor_shown(gift, bilingual=False).strip()
    line.donor = shown if shown.strip("*") else ""  # a masked gift with no name behind it: nothing to show
    line.fee_fen = gift.fee_fen if line.kind == "donation" else 0
    if gift.listing is not None:
        _household(line, gift.listing)


def _describe_payment(line: PublicLine, payment: Disbursement) -> None:
    line.code, line.payee, line.purpose = payment.public_code, payment.payee, payment.purpose
    if payment.status == DisbursementStatus.PAID and payment.public_evidence_path:
        line.receipt_code = payment.public_code
    if payment.listing is not None:
        _household(line, payment.listing)


def _household(line: PublicLine, listing: Listing) -> None:
    line.pseudonym = listing.beneficiary.pseudonym if listing.beneficiary is not None else ""
    line.listing = listing if listing.is_public else None


def _donations(ids: set[int]) -> dict[int, Donation]:
    if not ids:
        return {}
    stmt = (select(Donation).where(Donation.id.in_(ids))
            .options(selectinload(Donation.donor), selectinload(Donation.organisation),
                     selectinload(Donation.listing).selectinload(Listing.beneficiary)))
    return {d.id: d for d in db.session.scalars(stmt)}


def _cancellations(ids: set[int]) -> dict[int, Cancellation]:
    if not ids:
        return {}
    stmt = (select(Cancellation).where(Cancellation.id.in_(ids))
            .options(selectinload(Cancellation.listing).selectinload(Listing.beneficiary)))
    return {c.id: c for c in db.session.scalars(stmt)}


def _disbursements(ids: set[int]) -> dict[int, Disbursement]:
    if not ids:
        return {}
    stmt = (select(Disbursement).where(Disbursement.id.in_(ids))
            .options(selectinload(Disbursement.listing).selectinload(Listing.beneficiary)))
    return {d.id: d for d in db.session.scalars(stmt)}
