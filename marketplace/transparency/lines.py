"""Every transaction of one or more fund accounts, newest first, as the public may see it.

Pages are keyset-paginated on the posting id (index `ix_ledger_posting_account_id_id`), so the
millionth line comes as fast as the first. Each page is described with a fixed number of queries:
the gifts and payments behind its entries are batch-loaded, never one by one.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from marketplace.api.pagination import decode_cursor, encode_cursor
from marketplace.funds.models import Disbursement, DisbursementStatus, Fund
from marketplace.ledger.models import LedgerEntry, LedgerPosting
from marketplace.payments.models import Donation
from marketplace.payments.receipts import donor_shown
from marketplace.platform.errors import DomainError, InvalidInput
from marketplace.platform.extensions import db
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


def key_parts(key: str) -> tuple[str, int | None]:
    """Split an entry key of `payments.postings` (`donation:<id>`, `fee:<id>`, `refund:<id>:<total>`,
    `disbursement:<id>`, `reversal:<entry id>`) into its cause and the id of the object behind it."""
    cause, _, rest = (key or "").partition(":")
    number = rest.split(":", 1)[0]
    return cause, int(number) if number.isdigit() else None


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
    rows = _rows(list(fund_by_account), before, per_page + 1)
    more = len(rows) > per_page
    rows = rows[:per_page]
    lines = describe(rows, fund_by_account)
    return LinesPage(lines, encode_cursor(rows[-1].id) if more and rows else None)


def _rows(account_ids: list[int], before: int | None, limit: int) -> list:
    """Read the newest `limit` postings below `before`: one backward index range per account, merged."""
    if not account_ids:
        return []
    if len(account_ids) == 1 or len(account_ids) > UNION_UP_TO:
        stmt = select(LedgerPosting.id, LedgerPosting.account_id, LedgerPosting.amount, LedgerPosting.entry_id).where(
            LedgerPosting.account_id.in_(account_ids))
        if before is not None:
            stmt = stmt.where(LedgerPosting.id < before)
        postings = db.session.execute(stmt.order_by(LedgerPosting.id.desc()).limit(limit)).all()
    else:
        params = {f"a{i}": a for i, a in enumerate(account_ids)} | {"n": limit, "before": before or 0}
        postings = db.session.execute(_merged(len(account_ids), before is not None), params).all()
    entries = {e.id: e for e in db.session.execute(
        select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.idempotency_key, LedgerEntry.effective_date,
               LedgerEntry.reverses_id).where(LedgerEntry.id.in_({p.entry_id for p in postings})))} \
        if postings else {}
    return [_Row(p.id, p.account_id, p.amount, entries[p.entry_id]) for p in postings]


@lru_cache(maxsize=256)
def _merged(count: int, bounded: bool):
    """SQL merging `count` accounts' newest postings; written as text because building as many
    SQLAlchemy subqueries per request costs more than running them."""
    part = ("SELECT * FROM (SELECT id, account_id, amount, entry_id FROM ledger_posting WHERE account_id = :a{i}"
            + (" AND id < :before" if bounded else "") + " ORDER BY id DESC LIMIT :n) AS p{i}")
    return text(" UNION ALL ".join(part.format(i=i) for i in range(count)) + " ORDER BY id DESC LIMIT :n")


@dataclass
class _Row:
    id: int
    account_id: int
    amount: int
    entry: object


GIFT_CAUSES = ("donation", "refund", "fee", "excess")
KINDS = {"donation": "donation", "refund": "refund", "disbursement": "disbursement", "fee": "fee",
         "reversal": "correction", "excess": "excess", "reallocation": "reallocation"}


def describe(rows: list[_Row], fund_by_account: dict[int, Fund]) -> list[PublicLine]:
    """Turn ledger rows into public lines, loading their gifts and payments in a few batched queries."""
    causes = {row.entry.id: key_parts(row.entry.idempotency_key) for row in rows}
    reversed_ids = {row.entry.reverses_id for row in rows if row.entry.reverses_id}
    if reversed_ids:  # a correction describes the gift or payment it reverses
        causes.update({entry_id: key_parts(key) for entry_id, key in db.session.execute(
            select(LedgerEntry.id, LedgerEntry.idempotency_key).where(LedgerEntry.id.in_(reversed_ids)))})
    donations = _donations({n for cause, n in causes.values() if cause in GIFT_CAUSES and n})
    paid = _disbursements({n for cause, n in causes.values() if cause == "disbursement" and n})
    cancelled = _cancellations({n for cause, n in causes.values() if cause == "reallocation" and n})
    lines = []
    for row in rows:
        cause = causes[row.entry.id][0]
        kind = KINDS.get(cause, "other")
        line = PublicLine(posting_id=row.id, day=row.entry.effective_date, amount=abs(row.amount),
                          direction="in" if row.amount > 0 else "out", kind=kind,
                          fund=fund_by_account.get(row.account_id))
        source_cause, number = causes.get(row.entry.reverses_id or row.entry.id, ("", None))
        source = (donations.get(number) if source_cause in GIFT_CAUSES else
                  paid.get(number) if source_cause == "disbursement" else
                  cancelled.get(number) if source_cause == "reallocation" else None)
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
