"""Platform, organisation and fund figures for the public accounts, read from the ledger.

Balances come from the O(1) balance rows. Figures that add up many postings (totals by fund kind,
district and month) are computed in one grouped query each and kept for a few minutes in
`cache` as plain numbers, so every language renders them from the same figures.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict

from sqlalchemy import case, func, literal_column, select

from marketplace.core.stats import home_figures
from marketplace.funds import service as funds
from marketplace.funds.disbursements import paid_for
from marketplace.funds.models import Fund, FundKind
from marketplace.ledger.models import (
    LedgerAccount,
    LedgerBalance,
    LedgerEntry,
    LedgerHold,
    LedgerHoldSettlement,
    LedgerPosting,
)
from marketplace.orgs.models import Organisation
from marketplace.platform.extensions import db
from marketplace.timebank.hours import served
from marketplace.transparency.cache import cached
from marketplace.wishes.models import Listing, ListingStatus, Pledge, PledgeStatus

KINDS = [k.value for k in FundKind]
DONE = [s.value for s in (ListingStatus.FULFILLED, ListingStatus.CONFIRMED, ListingStatus.CLOSED)]
MONTHS_SHOWN = 24


def month_of(column):
    """SQL for the 'YYYY-MM' of a date column, on SQLite and PostgreSQL."""
    # a literal, not a bound parameter: PostgreSQL must see the same expression in SELECT and GROUP BY
    if db.engine.dialect.name == "postgresql":
        return func.to_char(column, literal_column("'YYYY-MM'"))
    return func.strftime(literal_column("'%Y-%m'"), column)


def _flows():
    """Columns adding a group of fund postings into gifts, payments out and refunds."""
    kind, amount = LedgerEntry.kind, LedgerPosting.amount
    return (func.coalesce(func.sum(case((kind == "donation", amount), else_=0)), 0),
            func.coalesce(func.sum(case((kind == "disbursement", -amount), else_=0)), 0),
            func.coalesce(func.sum(case((kind == "refund", -amount), else_=0)), 0))


def _fund_postings(*columns):
    return (select(*columns).select_from(LedgerPosting)
            .join(LedgerAccount, LedgerAccount.id == LedgerPosting.account_id)
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .where(LedgerAccount.owner_type == "fund", LedgerAccount.purpose == "fund"))


def _monthly(rows) -> list[dict]:
    months = sorted(rows, key=lambda r: r[0])[-MONTHS_SHOWN:]
    return [{"month": m, "in": int(i), "out": int(o), "refunded": int(r)} for m, i, o, r in months]


# --- the platform ------------------------------------------------------------------------------------

def platform() -> tuple[dict, object]:
    """Return the platform's figures and when they were computed."""
    return cached("platform", _platform)


def _platform() -> dict:
    district = func.coalesce(Fund.district_id, Organisation.district_id)
    grouped = (_fund_postings(Fund.kind, district, month_of(LedgerEntry.effective_date), *_flows())
               .join(Fund, Fund.id == LedgerAccount.owner_id)
               .join(Organisation, Organisation.id == Fund.organisation_id)
               .group_by(Fund.kind, district, month_of(LedgerEntry.effective_date)))
    by_kind = {k: {"raised": 0, "disbursed": 0, "refunded": 0, "held": 0} for k in KINDS}
    by_district: dict[int, dict] = defaultdict(lambda: {"raised": 0, "disbursed": 0, "minutes": 0, "fulfilled": 0})
    by_month: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, district_id, month, given, paid, refunded in db.session.execute(grouped):
        figures = by_kind.setdefault(kind, {"raised": 0, "disbursed": 0, "refunded": 0, "held": 0})
        figures["raised"] += int(given)
        figures["disbursed"] += int(paid)
        figures["refunded"] += int(refunded)
        by_district[district_id]["raised"] += int(given)
        by_district[district_id]["disbursed"] += int(paid)
        for i, value in enumerate((given, paid, refunded)):
            by_month[month][i] += int(value)
    held = (select(Fund.kind, func.coalesce(func.sum(LedgerBalance.posted), 0))
            .select_from(LedgerBalance).join(LedgerAccount, LedgerAccount.id == LedgerBalance.account_id)
            .join(Fund, Fund.id == LedgerAccount.owner_id)
            .where(LedgerAccount.owner_type == "fund", LedgerAccount.purpose == "fund").group_by(Fund.kind))
    for kind, total in db.session.execute(held):
        by_kind.setdefault(kind, {"raised": 0, "disbursed": 0, "refunded": 0, "held": 0})["held"] = int(total)
    for district_id, minutes in served.minutes_by_district().items():
        by_district[district_id]["minutes"] += minutes
    for district_id, count in db.session.execute(
            select(Listing.district_id, func.count()).where(Listing.status.in_(DONE)).group_by(Listing.district_id)):
        by_district[district_id]["fulfilled"] += int(count)
    home = home_figures()
    return {
        "by_kind": by_kind,
        "by_district": {str(k): v for k, v in by_district.items() if k is not None},
        "monthly": _monthly([(m, *v) for m, v in by_month.items()]),
        "minutes_banked": home["minutes_banked"],
        "minutes_spent": _minutes_spent(),
        "volunteers": home["volunteers"],
        "fulfilled": sum(v["fulfilled"] for v in by_district.values()),
    }


def _minutes_spent() -> int:
    """Minutes paid for care: the care holds that ended in a posting."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(LedgerHoldSettlement.amount_posted), 0))
        .join(LedgerHold, LedgerHold.id == LedgerHoldSettlement.hold_id)
        .join(LedgerAccount, LedgerAccount.id == LedgerHold.account_id)
        .where(LedgerAccount.unit == "min", LedgerHoldSettlement.outcome == "posted")) or 0)


# --- an organisation and a fund ----------------------------------------------------------------------

def organisations_with_funds():
    """Return a query of the organisations that have at least one fund, in id order."""
    return select(Organisation).where(Organisation.id.in_(select(Fund.organisation_id))).order_by(Organisation.id)


def org_monthly(org: Organisation, account_ids: list[int]) -> tuple[list[dict], object]:
    """Return the organisation's monthly gifts, payments and refunds over its funds, and when computed."""
    def compute():
        if not account_ids:
            return []
        return _monthly(db.session.execute(_monthly_query(account_ids)).all())
    return cached(f"org:{org.id}:monthly", compute)


def fund_figures(fund: Fund) -> tuple[dict, object]:
    """Return the fund's totals (as `funds.service.totals`) and monthly flows, and when computed."""
    def compute():
        account = funds.fund_account(fund)
        return {"totals": asdict(funds.totals(fund)),
                "monthly": _monthly(db.session.execute(_monthly_query([account.id])).all())}
    return cached(f"fund:{fund.id}", compute)


def _monthly_query(account_ids: list[int]):
    month = month_of(LedgerEntry.effective_date)
    return (select(month, *_flows()).select_from(LedgerPosting)
            .join(LedgerEntry, LedgerEntry.id == LedgerPosting.entry_id)
            .where(LedgerPosting.account_id.in_(account_ids)).group_by(month))


def balances(account_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Return {account id: (posted, held)} from the balance rows, in one query."""
    if not account_ids:
        return {}
    rows = db.session.execute(
        select(LedgerBalance.account_id, func.sum(LedgerBalance.posted), func.sum(LedgerBalance.held))
        .where(LedgerBalance.account_id.in_(account_ids)).group_by(LedgerBalance.account_id))
    return {a: (int(p), int(h)) for a, p, h in rows}


def fund_accounts(fund_list: list[Fund]) -> dict[int, int]:
    """Return {fund id: ledger account id} for the funds, in one query."""
    if not fund_list:
        return {}
    rows = db.session.execute(select(LedgerAccount.owner_id, LedgerAccount.id).where(
        LedgerAccount.owner_type == "fund", LedgerAccount.purpose == "fund",
        LedgerAccount.owner_id.in_([f.id for f in fund_list])))
    return {int(owner): account for owner, account in rows}


def listing_money(listing: Listing) -> dict:
    """Return what was pledged to a wish or need, what of it is paid, and what was paid out for it."""
    pledged, paid = db.session.execute(
        select(func.coalesce(func.sum(Pledge.amount_fen), 0),
               func.coalesce(func.sum(case((Pledge.status == PledgeStatus.PAID.value, Pledge.amount_fen), else_=0)),
                             0))
        .where(Pledge.listing_id == listing.id,
               Pledge.status.in_([PledgeStatus.ACTIVE.value, PledgeStatus.PAID.value]))).one()
    return {"pledged": int(pledged), "pledges_paid": int(paid), "paid_out": paid_for(listing)}
