"""Re-check the whole ledger from its append-only rows: hash chains, balance, running totals."""
from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, select

from marketplace.ledger import chain
from marketplace.ledger.models import (
    GENESIS_HASH,
    LedgerAccount,
    LedgerBalance,
    LedgerChain,
    LedgerEntry,
    LedgerHold,
    LedgerHoldSettlement,
    LedgerPosting,
)
from marketplace.platform.extensions import db

BATCH = 2000
MAX_PROBLEMS = 20


@dataclass
class Report:
    entries: int = 0
    postings: int = 0
    accounts: int = 0
    lanes: int = 0
    problems: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, entry_id: int | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((entry_id, message))

    def first_problem(self) -> str:
        entry_id, message = min(self.problems, key=lambda p: (p[0] is None, p[0] or 0))
        return f"entry {entry_id}: {message}" if entry_id is not None else message

    def summary(self) -> str:
        if self.ok:
            return (f"Ledger verified: {self.entries} entries, {self.postings} postings, {self.accounts} accounts "
                    f"and {self.lanes} hash chains; every hash, balance and running total agrees.")
        return f"Ledger check FAILED at {self.first_problem()} ({len(self.problems)} problem(s) found)"


def verify() -> Report:
    """Recompute every entry's hash and balance and every account's totals, in one snapshot."""
    report = Report()
    with snapshot() as conn:
        _check_chains(conn, report)
        _check_accounts(conn, report)
    return report


@contextmanager
def snapshot() -> Iterator[Connection]:
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield conn


def _check_chains(conn: Connection, report: Report) -> None:
    heads = {lane: (seq, head) for lane, seq, head in conn.execute(
        select(LedgerChain.lane, LedgerChain.seq, LedgerChain.head_hash))}
    report.lanes = len(heads)
    last: dict[int, tuple[int, str]] = defaultdict(lambda: (0, GENESIS_HASH))
    stmt = (select(*LedgerEntry.__table__.c, LedgerPosting.account_id, LedgerAccount.unit, LedgerPosting.amount)
            .outerjoin(LedgerPosting, LedgerPosting.entry_id == LedgerEntry.id)
            .outerjoin(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
            .order_by(LedgerEntry.lane, LedgerEntry.seq, LedgerEntry.id, LedgerPosting.id)
            .execution_options(yield_per=BATCH))
    rows = conn.execute(stmt)
    for _entry_id, group in itertools.groupby(rows, key=lambda r: r.id):
        group = list(group)
        entry = group[0]
        postings = [(r.account_id, r.unit, r.amount) for r in group if r.account_id is not None]
        report.entries += 1
        report.postings += len(postings)
        _check_entry(entry, postings, last, report)
        last[entry.lane] = (entry.seq, entry.hash)
    for lane, (seq, head) in heads.items():
        if last[lane] != (seq, head):
            report.add(None, f"chain {lane}: its head (seq {seq}) does not match its last entry (seq {last[lane][0]})")
    for lane in set(last) - set(heads):
        report.add(None, f"chain {lane}: entries exist for a chain that has no head")


def _check_entry(entry, postings, last, report: Report) -> None:
    seq, prev_hash = last[entry.lane]
    if entry.seq != seq + 1:
        report.add(entry.id, f"sequence {entry.seq} follows {seq} in chain {entry.lane}; an entry is missing")
    if entry.prev_hash != prev_hash:
        report.add(entry.id, "its previous hash does not match the entry before it")
    if entry.hash_scheme not in chain.SCHEMES:
        report.add(entry.id, f"its hash scheme {entry.hash_scheme} is unknown")
    elif chain.entry_hash(entry.prev_hash, chain.content_of(entry, postings)) != entry.hash:
        report.add(entry.id, "its hash does not match its content")
    totals: dict[str, int] = defaultdict(int)
    for _account, unit, amount in postings:
        totals[unit] += amount
    if len(postings) < 2 or any(totals.values()):
        report.add(entry.id, "its postings do not balance")


def _check_accounts(conn: Connection, report: Report) -> None:
    posted = select(func.coalesce(func.sum(LedgerBalance.posted), 0)).where(
        LedgerBalance.account_id == LedgerAccount.id).scalar_subquery()
    held = select(func.coalesce(func.sum(LedgerBalance.held), 0)).where(
        LedgerBalance.account_id == LedgerAccount.id).scalar_subquery()
    from_postings = select(func.coalesce(func.sum(LedgerPosting.amount), 0)).where(
        LedgerPosting.account_id == LedgerAccount.id).scalar_subquery()
    open_holds = (select(func.coalesce(func.sum(LedgerHold.amount), 0))
                  .outerjoin(LedgerHoldSettlement, LedgerHoldSettlement.hold_id == LedgerHold.id)
                  .where(LedgerHold.account_id == LedgerAccount.id, LedgerHoldSettlement.id.is_(None))
                  .scalar_subquery())
    stmt = (select(LedgerAccount.id, LedgerAccount.is_no_overdraft, posted, held, from_postings, open_holds)
            .order_by(LedgerAccount.id).execution_options(yield_per=BATCH))
    for account_id, no_overdraft, p, h, expected_p, expected_h in conn.execute(stmt):
        report.accounts += 1
        if p != expected_p:
            report.add(None, f"account {account_id}: balance {p} but its postings sum to {expected_p}")
        if h != expected_h:
            report.add(None, f"account {account_id}: {h} held but its open holds sum to {expected_h}")
        if no_overdraft and expected_p - expected_h < 0:
            report.add(None, f"account {account_id}: overdrawn by {expected_h - expected_p} though it forbids that")
