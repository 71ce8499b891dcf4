"""Gifts of money into an organisation's funds, as its staff's reports: by fund and by month.

Read from the ledger, as the public accounts are: a gift counts on the day its money reached the fund
(an offline gift on the day it was received), a refund on the day it was paid back. Gifts still
pending, failed or cancelled never reached a fund and never appear."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, func, select

from marketplace.funds.models import Fund
from marketplace.ledger import queries as ledger_queries
from marketplace.platform.extensions import db
from marketplace.reports.filters import Filters
from marketplace.reports.tables import Column, Table, bar_chart, month_label, month_start, months
from marketplace.transparency.overview import month_of
from marketplace.web.names import fund_name, org_name

MONEY_COLUMNS = [Column("gifts", _l("Gifts"), "count"), Column("received", _l("Received"), "fen"),
                 Column("refunded", _l("Refunded"), "fen"), Column("net", _l("Net"), "fen")]


def _flows(line):
    """Count of gifts, money received and money refunded in a group of fund postings."""
    gift = and_(line.c.kind == "donation", line.c.amount > 0)
    return (func.count(case((gift, line.c.posting_id))),
            func.coalesce(func.sum(case((line.c.kind == "donation", line.c.amount), else_=0)), 0),
            func.coalesce(func.sum(case((line.c.kind == "refund", -line.c.amount), else_=0)), 0))


def _postings(filters: Filters, columns):
    line = ledger_queries.lines("gift_line")
    return line, (select(*columns(line), *_flows(line)).select_from(line)
                  .join(Fund, Fund.id == line.c.owner_id)
                  .where(line.c.owner_type == "fund", line.c.purpose == "fund",
                         line.c.kind.in_(("donation", "refund")), Fund.organisation_id.in_(filters.org_ids),
                         line.c.effective_date.between(filters.start, filters.end)))


def by_fund(filters: Filters) -> Table:
    """Gifts, refunds and what is left of them in each fund, most first."""
    _line, stmt = _postings(filters, lambda line: (Fund.id,))
    found = {fund_id: (int(n), int(received), int(refunded))
             for fund_id, n, received, refunded in db.session.execute(stmt.group_by(Fund.id))}
    funds = db.session.scalars(select(Fund).where(Fund.id.in_(list(found)))) if found else []
    orgs = {org.id: org_name(org) for org in filters.orgs}
    rows = sorted(((fund_name(f), orgs.get(f.organisation_id, ""), n, received, refunded, received - refunded)
                   for f in funds for n, received, refunded in [found[f.id]]), key=lambda r: (-r[5], r[0]))
    columns = [Column("fund", _l("Fund")), Column("team", _l("Organisation")), *MONEY_COLUMNS]
    top = rows[:10]
    chart = bar_chart([r[0] for r in top], [(_l("Received"), [r[3] for r in top]),
                                            (_l("Refunded"), [r[4] for r in top])], divisor=100)
    return Table("gifts-by-fund", _l("Gifts by fund"), columns, rows, chart,
                 _l("Amounts in yuan; refunds count on the day they were paid back."))


def by_month(filters: Filters) -> Table:
    """Gifts, refunds and what is left of them in each month of the period (empty months as 0)."""
    line, stmt = _postings(filters, lambda line: (month_of(line.c.effective_date),))
    found = {month_start(m): (int(n), int(received), int(refunded))
             for m, n, received, refunded in db.session.execute(stmt.group_by(month_of(line.c.effective_date)))}
    rows = [(m, n, received, refunded, received - refunded)
            for m in months(filters.start, filters.end) for n, received, refunded in [found.get(m, (0, 0, 0))]]
    columns = [Column("month", _l("Month"), "month"), *MONEY_COLUMNS]
    chart = bar_chart([month_label(r[0]) for r in rows], [(_l("Received"), [r[2] for r in rows]),
                                                         (_l("Refunded"), [r[3] for r in rows])], divisor=100)
    return Table("gifts-by-month", _l("Gifts by month"), columns, rows, chart,
                 _l("Amounts in yuan; refunds count in the month they were paid back."))
