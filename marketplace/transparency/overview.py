"""Platform, organisation and fund figures for the public accounts, read from the ledger.

Balances come from the O(1) balance rows. Figures that add up many postings (totals by fund kind,
district and month) come from the monthly sums `rollup` keeps (or, should those not add up, one grouped
query over the lines) and are kept for a few minutes in `cache` as plain numbers, so every language
renders them from the same figures. A fund's or organisation's figures are cached under its newest line,
so a new gift or payment shows at once.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict

from sqlalchemy import case, func, select

from marketplace.core.stats import people_and_hours
from marketplace.funds import service as funds
from marketplace.funds.disbursements import paid_for
from marketplace.funds.models import Fund, FundKind
from marketplace.ledger import queries as ledger_queries
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.timebank.hours import served
from marketplace.transparency import rollup
from marketplace.transparency.cache import cached
from marketplace.transparency.rollup import month_of  # noqa: F401  (reports group by it too)
from marketplace.wishes.models import Listing, ListingStatus, Pledge, PledgeStatus

KINDS = [k.value for k in FundKind]
DONE = [s.value for s in (ListingStatus.FULFILLED, ListingStatus.CONFIRMED, ListingStatus.CLOSED)]
MONTHS_SHOWN = 24


def _by_month(found: rollup.Flows) -> list[dict]:
    """Monthly gifts, payments out and refunds from rolled-up flows."""
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (_fund, month, kind), amount in found.items():
        if kind in FLOW_KINDS:
            months[month][FLOW_KINDS.index(kind)] += amount * (1 if kind == "donation" else -1)
    return _monthly([(m, *v) for m, v in months.items()])


FLOW_KINDS = ("donation", "disbursement", "refund")


def _flows(line):
    """Columns adding a group of fund postings (ledger lines) into gifts, payments out and refunds."""
    kind, amount = line.c.kind, line.c.amount
    return (func.coalesce(func.sum(case((kind == "donation", amount), else_=0)), 0),
            func.coalesce(func.sum(case((kind == "disbursement", -amount), else_=0)), 0),
            func.coalesce(func.sum(case((kind == "refund", -amount), else_=0)), 0))




def _monthly(rows) -> list[dict]:
    months = sorted(rows, key=lambda r: r[0])[-MONTHS_SHOWN:]
    return [{"month": m, "in": int(i), "out": int(o), "refunded": int(r)} for m, i, o, r in months]


# --- the platform ------------------------------------------------------------------------------------

def platform() -> tuple[dict, object]:
    """Return the platform's figures and when they were computed."""
    return cached("platform", _platform)


def _platform() -> dict:
    district = func.coalesce(Fund.district_id, Organisation.district_id)
    line = ledger_queries.lines()
    grouped = (select(Fund.kind, district, month_of(line.c.effective_date), *_flows(line)).select_from(line)
               .join(Fund, Fund.id == line.c.owner_id)
               .join(Organisation, Organisation.id == Fund.organisation_id)
               .where(line.c.owner_type == "fund", line.c.purpose == "fund")
               .group_by(Fund.kind, district, month_of(line.c.effective_date)))
    by_kind = {k: {"raised": 0, "disbursed": 0, "refunded": 0, "held": 0} for k in KINDS}
    by_district: dict[int, dict] = defaultdict(lambda: {"raised": 0, "disbursed": 0, "minutes": 0, "fulfilled": 0})
    by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, district_id, month, given, paid, refunded in _platform_flows(grouped):
        figures = by_kind.setdefault(kind, {"raised": 0, "disbursed": 0, "refunded": 0, "held": 0})
        figures["raised"] += int(given)
        figures["disbursed"] += int(paid)
        figures["refunded"] += int(refunded)
        by_district[district_id]["raised"] += int(given)
        by_district[district_id]["disbursed"] += int(paid)
        for i, value in enumerate((given, paid, refunded)):
            by_month[month][i] += int(value)
    held = ledger_queries.posted_by_owner("fund", "fund")
    held = select(Fund.kind, func.coalesce(func.sum(held.c.posted), 0)).join(held, held.c.owner_id == Fund.id) \
        .group_by(Fund.kind)
    for kind, total in db.session.execute(held):
        by_kind.setdefault(kind, {"raised": 0, "disbursed": 0, "refunded": 0, "held": 0})["held"] = int(total)
    for district_id, minutes in served.minutes_by_district().items():
        by_district[district_id]["minutes"] += minutes
    for district_id, count in db.session.execute(
            select(Listing.district_id, func.count()).where(Listing.status.in_(DONE)).group_by(Listing.district_id)):
        by_district[district_id]["fulfilled"] += int(count)
    home = people_and_hours()
    return {
        "by_kind": by_kind,
        "by_district": {str(k): v for k, v in by_district.items() if k is not None},
        "monthly": _monthly([(m, *v) for m, v in by_month.items()]),
        "minutes_banked": home["minutes_banked"],
        "minutes_spent": _minutes_spent(),
        "volunteers": home["volunteers"],
        "organisations": home["organisations"],
        "fulfilled": sum(v["fulfilled"] for v in by_district.values()),
    }


def _platform_flows(grouped) -> list[tuple]:
    """(fund kind, district, month, given, paid, refunded) rows: from the rolled-up sums, else `grouped`."""
    found = rollup.flows()
    if found is None:
        return db.session.execute(grouped).all()
    district = func.coalesce(Fund.district_id, Organisation.district_id)
    fund_of = {fund_id: (kind, district_id) for fund_id, kind, district_id in db.session.execute(
        select(Fund.id, Fund.kind, district).join(Organisation, Organisation.id == Fund.organisation_id))}
    rows: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (fund_id, month, kind), amount in found.items():
        if kind in FLOW_KINDS and fund_id in fund_of:
            rows[(*fund_of[fund_id], month)][FLOW_KINDS.index(kind)] += amount * (1 if kind == "donation" else -1)
    return [(*key, *values) for key, values in rows.items()]


def headline() -> dict[str, int]:
    """Return the home page's figures, the same (and as freshly cached) as the public accounts'."""
    figures, _as_of = platform()
    return {"volunteers": figures["volunteers"], "organisations": figures.get("organisations", 0),
            "minutes_banked": figures["minutes_banked"], "wishes_fulfilled": figures["fulfilled"],
            "fen_raised": sum(kind["raised"] for kind in figures["by_kind"].values())}


def _minutes_spent() -> int:
    """Minutes paid for care: the care holds that ended in a posting."""
    return ledger_queries.holds_posted_total("min")


# --- an organisation and a fund ----------------------------------------------------------------------

def organisations_with_funds():
    """Return a query of the organisations that have at least one fund, in id order."""
    return select(Organisation).where(Organisation.id.in_(select(Fund.organisation_id))).order_by(Organisation.id)


def newest_line(account_ids: list[int]) -> int:
    """Return the id of the newest line of these accounts (0: none), from the index: a page's version."""
    if len(account_ids) == 1:
        return ledger_queries.newest_posting_id(account_ids[0])
    newest = ledger_queries.newest_postings(account_ids, None, 1)
    return newest[0].id if newest else 0


def org_monthly(org: Organisation, account_ids: list[int], newest: int | None = None) -> tuple[list[dict], object]:
    """Return the organisation's monthly gifts, payments and refunds over its funds, and when computed."""
    def compute():
        if not account_ids:
            return []
        found = rollup.flows(account_ids)
        if found is not None:
            return _by_month(found)
        return _monthly(db.session.execute(_monthly_query(account_ids)).all())
    newest = newest_line(account_ids) if newest is None else newest
    return cached(f"org:{org.id}:monthly:{newest}", compute)


def fund_figures(fund: Fund, newest: int | None = None) -> tuple[dict, object]:
    """Return the fund's totals (as `funds.service.totals`) and monthly flows, and when computed (`newest`: the
    id of the fund's newest line, when the caller has it)."""
    def compute():
        account = funds.fund_account(fund)
        found = rollup.flows([account.id])
        if found is None:
            return {"totals": asdict(funds.totals(fund)),
                    "monthly": _monthly(db.session.execute(_monthly_query([account.id])).all())}
        by_kind: dict[str, int] = defaultdict(int)
        for (_fund, _month, kind), amount in found.items():
            by_kind[kind] += amount
        return {"totals": asdict(funds.totals(fund, by_kind)), "monthly": _by_month(found)}
    newest = newest_line([funds.fund_account(fund).id]) if newest is None else newest
    return cached(f"fund:{fund.id}:{newest}", compute)


def _monthly_query(account_ids: list[int]):
    line = ledger_queries.lines()
    month = month_of(line.c.effective_date)
    return select(month, *_flows(line)).where(line.c.account_id.in_(account_ids)).group_by(month)


def balances(account_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Return {account id: (posted, held)} from the balance rows, in one query."""
    return ledger_queries.balances(account_ids)


def fund_accounts(fund_list: list[Fund]) -> dict[int, int]:
    """Return {fund id: ledger account id} for the funds, in one query."""
    return ledger_queries.account_ids("fund", "fund", [f.id for f in fund_list])


def listing_money(listing: Listing) -> dict:
    """Return what was pledged to a wish or need, what of it is paid, and what was paid out for it."""
    pledged, paid = db.session.execute(
        select(func.coalesce(func.sum(Pledge.amount_fen), 0),
               func.coalesce(func.sum(case((Pledge.status == PledgeStatus.PAID.value, Pledge.amount_fen), else_=0)),
                             0))
        .where(Pledge.listing_id == listing.id,
               Pledge.status.in_([PledgeStatus.ACTIVE.value, PledgeStatus.PAID.value]))).one()
    return {"pledged": int(pledged), "pledges_paid": int(paid), "paid_out": paid_for(listing)}
