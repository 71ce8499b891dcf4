"""What other domains may ask the ledger: balances, statements, entries by cause and totals.

No module outside `marketplace/ledger/` reads the ledger's tables; each question it needs
answered is a function here (tests/architecture/test_ledger_boundary.py checks it).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, func, or_, select, text
from sqlalchemy.orm import aliased

from marketplace.ledger.causes import DETAILED, Cause, CauseKind, key_of, prefix
from marketplace.ledger.models import (
    LedgerAccount,
    LedgerBalance,
    LedgerEntry,
    LedgerHold,
    LedgerHoldSettlement,
    LedgerPosting,
)
from marketplace.ledger.service import Balance, balance  # noqa: F401  (part of the query API)
from marketplace.ledger.statement import StatementLine, StatementPage, statement  # noqa: F401
from marketplace.platform.extensions import db

CHUNK = 1000  # ids per IN list


def entry_for(cause: Cause) -> LedgerEntry | None:
    """Return the entry posted for `cause`, or None."""
    return db.session.scalar(select(LedgerEntry).where(LedgerEntry.idempotency_key == key_of(cause)))


def hold_for(cause: Cause) -> LedgerHold | None:
    """Return the hold taken for `cause`, or None."""
    return db.session.scalar(select(LedgerHold).where(LedgerHold.idempotency_key == key_of(cause)))


def account(account_id: int) -> LedgerAccount | None:
    """Return the account with this id, or None."""
    return db.session.get(LedgerAccount, account_id)


def posting_id(entry_id: int, account_id: int) -> int | None:
    """Return the id of the entry's posting to `account_id` (the first, if several), or None."""
    return db.session.scalar(select(LedgerPosting.id).where(LedgerPosting.entry_id == entry_id,
                                                            LedgerPosting.account_id == account_id)
                             .order_by(LedgerPosting.id).limit(1))


# --- accounts and balances -------------------------------------------------------------------------

def account_ids(owner_type: str, purpose: str, owner_ids: Iterable[int]) -> dict[int, int]:
    """Return {owner id: account id} for the owners' existing accounts of `purpose` (missing ones are left out)."""
    ids, found = sorted(set(owner_ids)), {}
    for i in range(0, len(ids), CHUNK):
        found.update(db.session.execute(select(LedgerAccount.owner_id, LedgerAccount.id).where(
            LedgerAccount.owner_type == owner_type, LedgerAccount.purpose == purpose,
            LedgerAccount.owner_id.in_(ids[i:i + CHUNK]))).all())
    return {int(owner): int(account) for owner, account in found.items()}


def lock_accounts_of(owner_type: str, purpose: str, owner_ids: list[int]) -> None:
    """Key-share-lock the owners' existing accounts of `purpose` FOR NO KEY UPDATE, in owner order.

    Postings to them (which only key-share them) go on; another holder of this lock waits.
    """
    db.session.execute(select(LedgerAccount.id).where(
        LedgerAccount.owner_type == owner_type, LedgerAccount.purpose == purpose,
        LedgerAccount.owner_id.in_(owner_ids)).order_by(LedgerAccount.owner_id).with_for_update(key_share=True))


def balances(ids: Iterable[int]) -> dict[int, tuple[int, int]]:
    """Return {account id: (posted, held)} read from the balance rows, in one query."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(LedgerBalance.account_id, func.sum(LedgerBalance.posted), func.sum(LedgerBalance.held))
        .where(LedgerBalance.account_id.in_(ids)).group_by(LedgerBalance.account_id))
    return {a: (int(p), int(h)) for a, p, h in rows}


def posted_total(owner_type: str, purpose: str) -> int:
    """Return the posted balance summed over every account of `owner_type` and `purpose` (0 when none)."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(LedgerBalance.posted), 0))
        .join(LedgerAccount, LedgerAccount.id == LedgerBalance.account_id)
        .where(LedgerAccount.owner_type == owner_type, LedgerAccount.purpose == purpose)) or 0)


# --- entries and postings ----------------------------------------------------------------------------

def totals_by_kind(account_id: int) -> dict[str, int]:
    """Return {entry kind: sum of the account's postings} over all time."""
    rows = db.session.execute(
        select(LedgerEntry.kind, func.coalesce(func.sum(LedgerPosting.amount), 0))
        .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
        .where(LedgerPosting.account_id == account_id).group_by(LedgerEntry.kind))
    return {kind: int(total) for kind, total in rows}


def count_postings(account_id: int, kinds: Iterable[str], *, debits: bool) -> int:
    """Count the account's debits (or credits) in entries of these kinds."""
    sign = LedgerPosting.amount < 0 if debits else LedgerPosting.amount > 0
    return int(db.session.scalar(
        select(func.count()).select_from(LedgerPosting).join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
        .where(LedgerPosting.account_id == account_id, LedgerEntry.kind.in_(list(kinds)), sign)) or 0)


def dated_amounts(account_id: int) -> list[tuple[date, int]]:
    """Return (effective date, amount) of every posting of the account."""
    return [(day, int(amount)) for day, amount in db.session.execute(
        select(LedgerEntry.effective_date, LedgerPosting.amount)
        .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id).where(LedgerPosting.account_id == account_id))]


def posting(posting_id: int) -> PostingFacts | None:
    """Return a posting's account and amount, or None."""
    row = db.session.execute(select(LedgerPosting.id, LedgerPosting.account_id, LedgerPosting.amount)
                             .where(LedgerPosting.id == posting_id)).first()
    return PostingFacts(*row) if row else None


@dataclass(frozen=True)
class PostingFacts:
    id: int
    account_id: int
    amount: int


def causes_posted(kind: CauseKind) -> set[Cause]:
    """Return every cause of `kind` that has an entry."""
    keys = db.session.scalars(select(LedgerEntry.idempotency_key).where(
        LedgerEntry.idempotency_key.startswith(kind.value + ":", autoescape=True)))
    return {Cause.parse(key) for key in keys}


def entry_ids_posting_to(entry_ids: Iterable[int], purpose: str) -> set[int]:
    """Return which of these entries post to an account of `purpose`."""
    ids, found = sorted(set(entry_ids)), set()
    for i in range(0, len(ids), CHUNK):
        found.update(db.session.scalars(
            select(LedgerPosting.entry_id).join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
            .where(LedgerPosting.entry_id.in_(ids[i:i + CHUNK]), LedgerAccount.purpose == purpose)))
    return found


# --- SQL pieces for domain queries -------------------------------------------------------------------

def is_reversed(entry_id: ColumnElement) -> ColumnElement[bool]:
    """SQL: the entry with this id has been reversed (use `~is_reversed(...)` for "still stands")."""
    return select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry_id).exists()


def effective_date_of(entry_id: ColumnElement):
    """SQL: the effective date of the entry with this id (a scalar subquery)."""
    return select(LedgerEntry.effective_date).where(LedgerEntry.id == entry_id).scalar_subquery()


def created_at_of(entry_id: ColumnElement):
    """SQL: when the entry with this id was written (a scalar subquery)."""
    return select(LedgerEntry.created_at).where(LedgerEntry.id == entry_id).scalar_subquery()


def lines(name: str = "ledger_line"):
    """Every posting with its entry and account: a read-only selectable for reports that group postings or
    join domain rows to them (`lines().c.amount`…). Columns: posting_id, entry_id, account_id, amount, unit,
    owner_type, owner_id, purpose, kind, memo, effective_date, created_at, reverses_id, original_kind (the
    kind of the entry a reversal reverses, else NULL) and cause_entry_id (the entry, or the one it reverses).

    The ledger may store these differently; reports read them only through this selectable.
    """
    original = aliased(LedgerEntry, name=f"{name}_original")
    return (select(LedgerPosting.id.label("posting_id"), LedgerPosting.entry_id, LedgerPosting.account_id,
                   LedgerPosting.amount, LedgerAccount.unit, LedgerAccount.owner_type, LedgerAccount.owner_id,
                   LedgerAccount.purpose, LedgerEntry.kind, LedgerEntry.memo, LedgerEntry.effective_date,
                   LedgerEntry.created_at, LedgerEntry.reverses_id, original.kind.label("original_kind"),
                   func.coalesce(LedgerEntry.reverses_id, LedgerEntry.id).label("cause_entry_id"))
            .select_from(LedgerPosting)
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
            .outerjoin(original, original.id == LedgerEntry.reverses_id)
            .subquery(name))


def standing_credits(kinds: Iterable[str], owner_type: str, name: str = "ledger_standing_credits"):
    """A read-only selectable of the credits to `owner_type`'s accounts in entries of these kinds that no
    entry reverses: entry_id, owner_id, amount, effective_date. Reports join domain rows to it by entry id
    (hours approved and still standing, whoever later reversed the rest)."""
    reversal = aliased(LedgerEntry, name=f"{name}_reversal")
    return (select(LedgerPosting.entry_id, LedgerAccount.owner_id, LedgerPosting.amount, LedgerEntry.effective_date)
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
            .where(LedgerEntry.kind.in_(list(kinds)), LedgerPosting.amount > 0,
                   LedgerAccount.owner_type == owner_type,
                   ~select(reversal.id).where(reversal.reverses_id == LedgerEntry.id).exists())
            .subquery(name))


def posted_by_owner(owner_type: str, purpose: str, name: str = "ledger_posted_by_owner"):
    """A read-only selectable of (owner_id, posted) for every account of `owner_type` and `purpose`,
    read from the balance rows, for reports that group balances by domain rows."""
    return (select(LedgerAccount.owner_id, func.sum(LedgerBalance.posted).label("posted"))
            .join(LedgerBalance, LedgerBalance.account_id == LedgerAccount.id)
            .where(LedgerAccount.owner_type == owner_type, LedgerAccount.purpose == purpose)
            .group_by(LedgerAccount.owner_id).subquery(name))


def holds_posted_total(unit: str) -> int:
    """Return the amount posted by holds that ended in a posting, over accounts of `unit` (care paid in minutes)."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(LedgerHoldSettlement.amount_posted), 0))
        .join(LedgerHold, LedgerHold.id == LedgerHoldSettlement.hold_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerHold.account_id)
        .where(LedgerAccount.unit == unit, LedgerHoldSettlement.outcome == "posted")) or 0)


def accounts_owned(unit: str, owners: dict[str, Iterable[int]]) -> list[int]:
    """Return the ids (ascending) of the accounts in `unit` owned by any of `owners` ({owner type: owner ids})."""
    return list(db.session.scalars(accounts_owned_select(unit, owners).order_by(LedgerAccount.id)))


def accounts_owned_select(unit: str | None, owners: dict, purpose: str | None = None):
    """A SELECT of the ids of the accounts (in `unit`, for `purpose`, when given) owned by any of `owners`:
    {owner type: owner ids, as a list or a SELECT}."""
    conditions = [and_(LedgerAccount.owner_type == kind,
                       LedgerAccount.owner_id.in_(ids if hasattr(ids, "subquery") else list(ids)))
                  for kind, ids in owners.items()]
    stmt = select(LedgerAccount.id).where(or_(*conditions))
    if unit is not None:
        stmt = stmt.where(LedgerAccount.unit == unit)
    if purpose is not None:
        stmt = stmt.where(LedgerAccount.purpose == purpose)
    return stmt


def accounts_of(owner_type: str, owner_id: int, purposes: Iterable[str]) -> list[LedgerAccount]:
    """Return the owner's existing accounts of these purposes, in id order."""
    return list(db.session.scalars(select(LedgerAccount).where(
        LedgerAccount.owner_type == owner_type, LedgerAccount.owner_id == owner_id,
        LedgerAccount.purpose.in_(list(purposes))).order_by(LedgerAccount.id)))


def first_opened(ids: Iterable[int]) -> datetime | None:
    """Return when the earliest of these accounts was opened (None for none)."""
    ids = list(ids)
    if not ids:
        return None
    return db.session.scalar(select(func.min(LedgerAccount.created_at)).where(LedgerAccount.id.in_(ids)))


def postings_by_cause(account_id: int, wanted: Iterable[tuple[CauseKind, object]], *,
                      unless=None) -> dict[tuple[CauseKind, str], list[tuple[int, int]]]:
    """Return {(kind, id): [(posting id, amount)…]} of the account's postings in entries caused by `wanted`
    (a cause's kind and id, whatever its detail: every refund of a gift), in posting order.

    `unless` is a column of posting ids (a domain's matches): postings found in it are left out.
    """
    wanted = {(kind, str(id_)) for kind, id_ in wanted}
    if not wanted:
        return {}
    exact = [Cause(kind, id_).key for kind, id_ in wanted if kind not in DETAILED]
    conditions = [LedgerEntry.idempotency_key.in_(exact)] if exact else []
    conditions += [LedgerEntry.idempotency_key.startswith(prefix(kind, id_), autoescape=True)
                   for kind, id_ in sorted(wanted, key=lambda w: (w[0].value, w[1])) if kind in DETAILED]
    stmt = (select(LedgerPosting.id, LedgerPosting.amount, LedgerEntry.idempotency_key)
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .where(LedgerPosting.account_id == account_id, or_(*conditions)).order_by(LedgerPosting.id))
    if unless is not None:
        stmt = stmt.where(~select(unless).where(unless == LedgerPosting.id).exists())
    found: dict[tuple[CauseKind, str], list[tuple[int, int]]] = {}
    for posting_id, amount, key in db.session.execute(stmt):
        cause = Cause.parse(key)
        found.setdefault((cause.kind, cause.id), []).append((posting_id, int(amount)))
    return found


# --- newest postings of many accounts (the public transaction lists) ---------------------------------

@dataclass(frozen=True)
class PostingLine:
    """A posting with what a public list says about its entry."""

    id: int
    account_id: int
    amount: int
    entry_id: int
    kind: str
    cause: Cause
    effective_date: date
    reverses_id: int | None


def newest_postings(account_ids: list[int], before: int | None, limit: int, *,
                    union_up_to: int = 100) -> list[PostingLine]:
    """Return the newest `limit` postings of these accounts below posting id `before`, newest first.

    Up to `union_up_to` accounts are read one backward index range each, merged in SQL; more use one IN.
    """
    if not account_ids:
        return []
    if len(account_ids) == 1 or len(account_ids) > union_up_to:
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
    return [PostingLine(p.id, p.account_id, p.amount, p.entry_id, entries[p.entry_id].kind,
                        Cause.parse(entries[p.entry_id].idempotency_key), entries[p.entry_id].effective_date,
                        entries[p.entry_id].reverses_id) for p in postings]


def newest_posting_id(account_id: int) -> int:
    """Return the id of the account's newest posting (0: none): one step down the (account, id) index."""
    return db.session.scalar(select(LedgerPosting.id).where(LedgerPosting.account_id == account_id)
                             .order_by(LedgerPosting.id.desc()).limit(1)) or 0


@lru_cache(maxsize=256)
def _merged(count: int, bounded: bool):
    """SQL merging `count` accounts' newest postings; written as text because building as many
    SQLAlchemy subqueries per request costs more than running them."""
    # only our own constant text and the integer `i` are joined in; every value arrives as a bind parameter
    part = ("SELECT * FROM (SELECT id, account_id, amount, entry_id FROM ledger_posting WHERE account_id = :a{i}"  # nosec B608
            + (" AND id < :before" if bounded else "") + " ORDER BY id DESC LIMIT :n) AS p{i}")
    return text(" UNION ALL ".join(part.format(i=i) for i in range(count)) + " ORDER BY id DESC LIMIT :n")


def causes_of(entry_ids: Iterable[int]) -> dict[int, Cause]:
    """Return {entry id: its cause} for these entries."""
    ids = list(entry_ids)
    if not ids:
        return {}
    return {entry_id: Cause.parse(key) for entry_id, key in db.session.execute(
        select(LedgerEntry.id, LedgerEntry.idempotency_key).where(LedgerEntry.id.in_(ids)))}
