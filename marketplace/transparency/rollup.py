"""The funds' ledger lines folded into monthly sums, so no page adds up a fund's million lines.

`fold()` adds the funds' postings above the mark into `transparency_fund_month` (one row per account,
month and entry kind) and moves the mark; the worker loop runs it every round (`sweep`), as does the
refresh job, and `flask transparency rollup --rebuild` folds everything afresh after a bulk load.
`flows()` reads the sums back, plus the few lines above the mark (an index range), and checks them
against the balance rows the ledger keeps: should a line whose transaction committed late have slipped
below the mark, they disagree, the caller adds the lines up the slow way, and the next `fold()` mends
that account.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import delete, func, literal_column, select

from marketplace.ledger import queries as ledger_queries
from marketplace.platform.extensions import db
from marketplace.platform.timeutil import now_utc
from marketplace.transparency.models import FundMonth, FundMonthMark

MARK = 1
SETTLE_SECONDS = 60  # lines younger than this wait for the next fold: their neighbours may not have committed

Flows = dict[tuple[int, str, str], int]  # (fund id, month, entry kind) → amount


def month_of(column):
    """SQL for the 'YYYY-MM' of a date column, on SQLite and PostgreSQL."""
    # a literal, not a bound parameter: PostgreSQL must see the same expression in SELECT and GROUP BY
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column)


def mark() -> int:
    """Return the posting id up to which the funds' lines are folded."""
    return db.session.scalar(select(FundMonthMark.posting_id).where(FundMonthMark.id == MARK)) or 0


def _fund_lines(name: str):
    line = ledger_queries.lines(name)
    return line, (line.c.owner_type == "fund", line.c.purpose == "fund")


def _grouped(line, *where):
    month = month_of(line.c.effective_date)
    keys = (line.c.account_id, line.c.owner_id, month, line.c.kind)
    return select(*keys, func.sum(line.c.amount), func.count()).where(*where).group_by(*keys)


def flows(account_ids: list[int] | None = None) -> Flows | None:
    """Return what these fund accounts' lines (None: every fund's) add up to by fund, month and entry kind.

    None when the sums and the balance rows disagree (see the module's note): add the lines up instead.
    """
    at = mark()
    found: Flows = defaultdict(int)
    folded = select(FundMonth.fund_id, FundMonth.month, FundMonth.kind, FundMonth.amount)
    line, is_fund = _fund_lines("fund_tail")
    tail = _grouped(line, line.c.posting_id > at, *is_fund)
    if account_ids is not None:
        folded = folded.where(FundMonth.account_id.in_(account_ids))
        tail = tail.where(line.c.account_id.in_(account_ids))
    for fund_id, month, kind, amount in db.session.execute(folded):
        found[(fund_id, month, kind)] += int(amount)
    for _account, fund_id, month, kind, amount, _count in db.session.execute(tail):
        found[(fund_id, month, kind)] += int(amount)
    if account_ids is None:
        posted = ledger_queries.posted_total("fund", "fund")
    else:
        posted = sum(p for p, _held in ledger_queries.balances(account_ids).values())
    return dict(found) if sum(found.values()) == posted else None


def fold(settle_seconds: int | None = None) -> int:
    """Fold the funds' lines above the mark that are older than `settle_seconds` (default SETTLE_SECONDS); mend
    any account whose sums disagree with its balance. Commits; returns how many postings were folded."""
    settle_seconds = SETTLE_SECONDS if settle_seconds is None else settle_seconds
    row = db.session.scalar(select(FundMonthMark).where(FundMonthMark.id == MARK).with_for_update())
    if row is None:
        row = FundMonthMark(id=MARK, posting_id=0)
        db.session.add(row)
        db.session.flush()
    line, is_fund = _fund_lines("fund_new")
    upto = db.session.scalar(select(func.max(line.c.posting_id)).where(
        line.c.posting_id > row.posting_id, line.c.created_at <= now_utc() - timedelta(seconds=settle_seconds),
        *is_fund))
    count = 0
    if upto is not None:
        rows = db.session.execute(_grouped(line, line.c.posting_id > row.posting_id, line.c.posting_id <= upto,
                                           *is_fund)).all()
        _add(rows)
        count = sum(int(r[5]) for r in rows)
        row.posting_id = upto
    _mend(row.posting_id)
    row.folded_at = now_utc()
    db.session.commit()
    return count


def sweep() -> int:
    """The worker loop's round (one host at a time): fold the settled lines, so the lines a page adds up on top
    of the sums are only the last minute's or so. Returns 0: it resumes no stuck job."""
    fold()
    return 0


def rebuild() -> int:
    """Forget every sum and fold all the funds' lines afresh (after a bulk load). Commits."""
    db.session.execute(delete(FundMonth))
    db.session.execute(delete(FundMonthMark))
    db.session.flush()
    return fold(settle_seconds=0)


def _add(rows) -> None:
    """Add grouped (account, fund, month, kind, amount, count) rows onto the stored sums."""
    if not rows:
        return
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = FundMonth.__table__
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=["account_id", "month", "kind"], set_={
        "amount": table.c.amount + stmt.excluded.amount, "lines": table.c.lines + stmt.excluded.lines})
    db.session.execute(stmt, [{"account_id": a, "fund_id": f, "month": m, "kind": k, "amount": int(n),
                               "lines": int(c)} for a, f, m, k, n, c in rows])


def _mend(upto: int) -> None:
    """Fold afresh each fund account whose sums and lines above the mark do not add up to its balance."""
    sums: dict[int, int] = defaultdict(int)
    for account, amount in db.session.execute(
            select(FundMonth.account_id, func.sum(FundMonth.amount)).group_by(FundMonth.account_id)):
        sums[account] += int(amount)
    line, is_fund = _fund_lines("fund_above")
    for account, amount in db.session.execute(select(line.c.account_id, func.sum(line.c.amount)).where(
            line.c.posting_id > upto, *is_fund).group_by(line.c.account_id)):
        sums[account] += int(amount)
    wrong = [a for a, (posted, _held) in _fund_balances().items() if sums.get(a, 0) != posted]
    if not wrong:
        return
    db.session.execute(delete(FundMonth).where(FundMonth.account_id.in_(wrong)))
    line, is_fund = _fund_lines("fund_mend")
    _add(db.session.execute(_grouped(line, line.c.account_id.in_(wrong), line.c.posting_id <= upto)).all())


def _fund_balances() -> dict[int, tuple[int, int]]:
    """Return {fund account id: (posted, held)} for every fund account."""
    from marketplace.funds.models import Fund

    ids = db.session.scalars(select(Fund.id)).all()
    return ledger_queries.balances(ledger_queries.account_ids("fund", "fund", ids).values())
